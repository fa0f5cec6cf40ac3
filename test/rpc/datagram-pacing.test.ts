// DATAGRAM streams from handlers that never await: paced sends, trailers after the data, exact loss accounting.
import { expect } from "chai";
import { BpciServiceDefinition } from "../../generated/bpci/v1/bpci_xtmp.js";
import { bpciDemoImpl } from "../../services/bpci-demo.js";
import { createChannel, createClient, createServer, generateIdentity, type Channel, type DatagramCallStats } from "../../src/index.js";
import { DatagramSender } from "../../src/server/datagram-sender.js";
import { decodeDatagram } from "../../src/wire/datagram.js";
import { until, within } from "../helpers/calls.js";
import { udpRelay } from "../helpers/udp-relay.js";

const nextTurn = () => new Promise<void>((r) => setImmediate(r));

describe("DATAGRAM pacing", function () {
  this.timeout(30_000);
  const id = generateIdentity();
  const MESSAGES = 50_000;
  /** setImmediate callbacks that ran while the handler was producing (0 = it held the event loop the whole time). */
  let turnsDuringHandler = -1;
  let turns = 0;
  let probing = false;
  const probe = () => {
    turns++;
    if (probing) setImmediate(probe);
  };
  const server = createServer({ identity: id });
  server.add(BpciServiceDefinition, {
    ...bpciDemoImpl(),
    async *priceTicks(req) {
      const start = turns;
      const n = Number(req.symbols[0] ?? MESSAGES);
      // never awaits anything of its own: only the call's backpressure can let the event loop run
      for (let seq = 1n; seq <= BigInt(n); seq++) yield { symbol: "X", priceE8: seq, seq };
      turnsDuringHandler = turns - start;
    },
  });
  let channel: Channel;
  let port = 0;
  before(async () => {
    port = (await server.listen("xtmp://127.0.0.1:0")).port;
    channel = createChannel(`xtmp://127.0.0.1:${port}`, { serverKey: id.publicKey });
    await channel.connect();
    expect(await until(() => channel.datagramPath === "udp"), "UDP path ready").to.equal(true);
  });
  after(() => {
    probing = false;
    channel.close();
    server.forceShutdown();
  });

  it("a 50,000-message stream from a handler that never awaits: the event loop runs, received + lost = sent, none delivered twice", async () => {
    probing = true;
    setImmediate(probe);
    const stats: DatagramCallStats = { udp: false, received: 0, lost: 0, reordered: 0 };
    const seqs: bigint[] = [];
    await within(
      (async () => {
        for await (const t of createClient(BpciServiceDefinition, channel).priceTicks({ symbols: [String(MESSAGES)] }, { datagramStats: stats })) seqs.push(t.seq);
      })(),
      "the stream",
    );
    probing = false;
    expect(stats.udp).to.equal(true);
    expect(turnsDuringHandler, "setImmediate callbacks that ran while the handler produced").to.be.greaterThan(0);
    expect(stats.sent, "the server's :datagrams count").to.equal(MESSAGES);
    expect(stats.received).to.equal(seqs.length);
    expect(stats.received + stats.lost).to.equal(MESSAGES);
    expect(seqs.length, "messages delivered").to.be.greaterThan(0);
    // what arrived, arrived once: no sequence number twice
    expect(new Set(seqs).size).to.equal(seqs.length);
    expect(await until(() => server.stats.activeCalls === 0)).to.equal(true);
  });

  /** A channel whose datagrams pass through a loopback relay (`hook` decides what reaches the client). */
  async function relayed(toClient: (msg: Buffer, send: (m: Buffer) => void) => void) {
    const relay = await udpRelay(port, { toClient });
    const ch = createChannel(`xtmp://127.0.0.1:${port}`, { serverKey: id.publicKey, datagramAddress: `127.0.0.1:${relay.port}` });
    await ch.connect();
    expect(await until(() => ch.datagramPath === "udp"), "UDP path ready").to.equal(true);
    return { ch, close: () => (ch.close(), relay.close()) };
  }

  it("the trailers follow the data: through a forwarding relay (UDP one hop longer than TCP) a 2,000-message stream arrives in full", async () => {
    const r = await relayed((msg, send) => send(msg));
    try {
      for (let i = 0; i < 3; i++) {
        const stats: DatagramCallStats = { udp: false, received: 0, lost: 0, reordered: 0 };
        const seqs: bigint[] = [];
        for await (const t of createClient(BpciServiceDefinition, r.ch).priceTicks({ symbols: ["2000"] }, { datagramStats: stats })) seqs.push(t.seq);
        expect(stats.udp).to.equal(true);
        expect({ sent: stats.sent, received: stats.received, lost: stats.lost }).to.deep.equal({ sent: 2000, received: 2000, lost: 0 });
        expect(seqs).to.deep.equal(Array.from({ length: 2000 }, (_, k) => BigInt(k + 1)));
      }
    } finally {
      r.close();
    }
  });

  it("messages lost at the end of the stream (after the highest seq received) are counted as lost", async () => {
    // a relay that forwards the first 3 MESSAGES datagrams of the call and drops every later one
    let forwarding = false;
    let forwarded = 0;
    const r = await relayed((msg, send) => {
      if (!forwarding) return send(msg); // path validation
      if (forwarded < 3) {
        forwarded++;
        send(msg);
      }
    });
    const ch = r.ch;
    try {
      forwarding = true;
      const stats: DatagramCallStats = { udp: false, received: 0, lost: 0, reordered: 0 };
      let n = 0;
      for await (const _ of createClient(BpciServiceDefinition, ch).priceTicks({ symbols: ["2000"] }, { datagramStats: stats })) n++;
      expect(stats.udp).to.equal(true);
      expect(forwarded).to.equal(3);
      expect(stats.received).to.equal(n);
      expect(n).to.be.greaterThan(0);
      expect(stats.sent).to.equal(2000);
      expect(stats.lost).to.equal(2000 - n);
    } finally {
      r.close();
    }
  });

  describe("DatagramSender (unit)", () => {
    it("never holds more than its byte limit plus one message, sends at most perTurn datagrams a turn, and notifies flushes in order", async () => {
      const sent: Uint8Array[] = [];
      const perTurn: number[] = [];
      let thisTurn = 0;
      const sender = new DatagramSender(
        (pt) => {
          sent.push(pt);
          thisTurn++;
          return true;
        },
        (err) => {
          throw err;
        },
        4096,
        4,
      );
      let queued = 0;
      let maxLength = 0;
      const flushedAt: Record<number, number> = {};
      // two streams interleaved, 300 messages of 100 bytes each; wait for room whenever send says full
      for (let i = 1; i <= 300; i++) {
        const streamId = i % 2 === 0 ? 2 : 4;
        if (!sender.send({ streamId, seq: i, payload: new Uint8Array(100).fill(i & 0xff) })) {
          maxLength = Math.max(maxLength, sender.length);
          await new Promise<void>((r) => sender.onRoom(r));
          perTurn.push(thisTurn);
          thisTurn = 0;
        }
        queued++;
      }
      for (const s of [2, 4]) sender.afterSent(s, () => (flushedAt[s] = sent.length));
      while (sender.length > 0) {
        await nextTurn();
        perTurn.push(thisTurn);
        thisTurn = 0;
      }
      await nextTurn();
      expect(queued).to.equal(300);
      // 4096 bytes at (100 + 3 + 64) bytes per message: at most 25 queued, the 25th making it full
      expect(maxLength).to.be.at.most(Math.ceil(4096 / 167));
      expect(Math.max(...perTurn)).to.be.at.most(4);
      const delivered = sent.flatMap((pt) => decodeDatagram(pt).messages ?? []);
      expect(delivered.map((m) => m.seq)).to.deep.equal(Array.from({ length: 300 }, (_, k) => k + 1));
      expect(flushedAt[2]).to.equal(sent.length);
      expect(flushedAt[4]).to.equal(sent.length);
    });

    it("close() releases room and flush waiters", () => {
      const sender = new DatagramSender(() => true, () => undefined, 100, 1);
      sender.send({ streamId: 2, seq: 1, payload: new Uint8Array(200) });
      let released = 0;
      sender.onRoom(() => released++);
      sender.afterSent(2, () => released++);
      expect(released).to.equal(0);
      sender.close();
      expect(released).to.equal(2);
      expect(sender.length).to.equal(0);
    });
  });
});
