// DATAGRAM methods over UDP: delivery, fallback to TCP, a lossy/duplicating/reordering relay, migration.
import { expect } from "chai";
import { BpciServiceDefinition } from "../../generated/bpci/v1/bpci_xtmp.js";
import { bpciDemoImpl } from "../../services/bpci-demo.js";
import { TestServiceDefinition } from "../../generated/grpc/testing/test_xtmp.js";
import { testServiceImpl } from "../../services/test-service.js";
import { Code, createChannel, createClient, createServer, generateIdentity, XtmpError, type Channel, type CipherName, type DatagramCallStats } from "../../src/index.js";
import { nobleCrypto, nodeCrypto } from "../../src/session.js";
import { conformance } from "./conformance.js";
import { until } from "../helpers/calls.js";
import { udpRelay } from "../helpers/udp-relay.js";
import { readFileSync } from "node:fs";
import { DatagramKeys, deriveDatagramKeys } from "../../src/secure/datagram.js";
import { decodeDatagram } from "../../src/wire/datagram.js";


/** A bounded relay that drops, duplicates and reorders server->client datagrams (seeded). */
async function relay(serverPort: number, opts: { drop: number; duplicate: number; reorder: number; seed: number }) {
  let seed = opts.seed;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  let held: Buffer | undefined;
  const counts = { forwarded: 0, dropped: 0, duplicated: 0, reordered: 0 };
  const r = await udpRelay(serverPort, {
    toClient(msg, send) {
      if (counts.forwarded + counts.dropped > 20_000) return; // bounded
      if (rand() < opts.drop) return void counts.dropped++;
      if (held === undefined && rand() < opts.reorder) {
        held = msg; // released after the next one
        counts.reordered++;
        return;
      }
      send(msg);
      counts.forwarded++;
      if (rand() < opts.duplicate) {
        send(msg);
        counts.duplicated++;
      }
      if (held) {
        send(held);
        held = undefined;
      }
    },
  });
  return { ...r, counts };
}

describe("DATAGRAM methods over UDP", function () {
  this.timeout(20_000);
  const id = generateIdentity();
  const TICKS = 3000;
  const server = createServer({ identity: id });
  server.add(BpciServiceDefinition, {
    ...bpciDemoImpl(),
    async *priceTicks(req, ctx) {
      const slow = req.symbols[0] === "slow";
      for (let seq = 1n; seq <= BigInt(TICKS) && !ctx.signal.aborted; seq++) {
        if (slow) await new Promise((r) => setTimeout(r, 20));
        yield { symbol: req.symbols[0] ?? "X", priceE8: seq * 100n, seq };
        if (seq % 20n === 0n) await new Promise((r) => setImmediate(r));
      }
    },
  });
  server.add(TestServiceDefinition, testServiceImpl);
  const noUdp = createServer({ identity: id, datagram: false });
  noUdp.add(BpciServiceDefinition, bpciDemoImpl());
  let port = 0;
  let noUdpPort = 0;
  const channels: Channel[] = [];
  before(async () => {
    port = (await server.listen("xtmp://127.0.0.1:0")).port;
    noUdpPort = (await noUdp.listen("xtmp://127.0.0.1:0")).port;
  });
  after(() => {
    for (const c of channels) c.close();
    server.forceShutdown();
    noUdp.forceShutdown();
  });
  const open = (p: number, opts = {}) => {
    const ch = createChannel(`xtmp://127.0.0.1:${p}`, { serverKey: id.publicKey, ...opts });
    channels.push(ch);
    return ch;
  };

  describe("conformance subset on a hybrid (TCP + UDP) channel", () => {
    let hybrid: Channel;
    before(async () => {
      hybrid = open(port);
      await hybrid.connect();
      expect(await until(() => hybrid.datagramPath === "udp")).to.equal(true);
    });
    conformance(() => hybrid);

    it("a DATAGRAM stream over UDP ends with DEADLINE_EXCEEDED at its deadline", async () => {
      const stats: DatagramCallStats = { udp: false, received: 0, lost: 0, reordered: 0 };
      let err: unknown;
      try {
        for await (const _ of createClient(BpciServiceDefinition, hybrid).priceTicks({ symbols: ["slow"] }, { deadline: 300, datagramStats: stats }));
      } catch (e) {
        err = e;
      }
      expect(stats.udp).to.equal(true);
      expect(stats.received).to.be.greaterThan(0);
      expect((err as XtmpError).code).to.equal(Code.DEADLINE_EXCEEDED);
    });

    it("a DATAGRAM stream over UDP is cancelled by its signal", async () => {
      const ac = new AbortController();
      const stats: DatagramCallStats = { udp: false, received: 0, lost: 0, reordered: 0 };
      let err: unknown;
      try {
        for await (const _ of createClient(BpciServiceDefinition, hybrid).priceTicks({ symbols: ["slow"] }, { signal: ac.signal, datagramStats: stats })) {
          if (stats.received >= 3) ac.abort();
        }
      } catch (e) {
        err = e;
      }
      expect(stats.udp).to.equal(true);
      expect((err as XtmpError).code).to.equal(Code.CANCELLED);
      expect(await until(() => server.stats.activeCalls === 0)).to.equal(true);
    });
  });

  it("price ticks arrive over UDP, in order on a clean path, none lost", async () => {
    const ch = open(port);
    await ch.connect();
    expect(await until(() => ch.datagramPath === "udp")).to.equal(true);
    const stats: DatagramCallStats = { udp: false, received: 0, lost: 0, reordered: 0 };
    const seqs: bigint[] = [];
    for await (const t of createClient(BpciServiceDefinition, ch).priceTicks({ symbols: ["BPI/USD"] }, { datagramStats: stats })) seqs.push(t.seq);
    expect(stats.udp).to.equal(true);
    expect(seqs).to.deep.equal(Array.from({ length: TICKS }, (_, i) => BigInt(i + 1))); // every one, in order
    expect(stats).to.deep.include({ received: TICKS, lost: 0, reordered: 0 });
  });

  it("falls back to the TCP session when the server has no UDP path, without the caller noticing", async () => {
    const ch = open(noUdpPort);
    await ch.connect();
    expect(noUdp.stats.datagrams, "the server has no UDP endpoint").to.deep.equal([]);
    expect(ch.datagramPath).to.equal("tcp");
    const stats: DatagramCallStats = { udp: false, received: 0, lost: 0, reordered: 0 };
    let n = 0;
    const it = createClient(BpciServiceDefinition, ch).priceTicks({ symbols: ["A"] }, { datagramStats: stats })[Symbol.asyncIterator]();
    while (n < 3 && !(await it.next()).done) n++;
    await it.return?.();
    expect(n).to.equal(3);
    expect(stats.udp).to.equal(false);
    expect(ch.datagramPath).to.equal("tcp");
    expect(ch.datagramCounters.received, "nothing ever answered over UDP").to.equal(0);
  });

  it("through a relay that drops, duplicates and reorders: no duplicate delivered, replays rejected, loss counted exactly", async () => {
    const r = await relay(port, { drop: 0.15, duplicate: 0.15, reorder: 0.1, seed: 7 });
    try {
      const ch = open(port, { datagramAddress: `127.0.0.1:${r.port}` });
      await ch.connect();
      expect(await until(() => ch.datagramPath === "udp")).to.equal(true);
      const stats: DatagramCallStats = { udp: false, received: 0, lost: 0, reordered: 0 };
      const seen = new Set<bigint>();
      let max = 0n;
      let late = 0; // arrivals after a later tick, counted here from what the caller saw
      for await (const t of createClient(BpciServiceDefinition, ch).priceTicks({ symbols: ["C"] }, { datagramStats: stats })) {
        expect(seen.has(t.seq), `duplicate ${t.seq}`).to.equal(false);
        expect(t.seq >= 1n && t.seq <= BigInt(TICKS), `tick ${t.seq} was never sent`).to.equal(true);
        seen.add(t.seq);
        if (t.seq < max) late++;
        else max = t.seq;
      }
      expect(r.counts.dropped).to.be.greaterThan(0);
      expect(r.counts.duplicated).to.be.greaterThan(0);
      expect(r.counts.reordered).to.be.greaterThan(0);
      expect(seen.size, "the relay dropped datagrams, so ticks were lost").to.be.lessThan(TICKS);
      expect(stats.received).to.equal(seen.size);
      // the server sent TICKS ticks; every one the caller never got is lost (at the end of the stream too)
      expect(stats.lost).to.equal(TICKS - seen.size);
      expect(late, "the relay reordered datagrams").to.be.greaterThan(0);
      expect(stats.reordered).to.equal(late);
      expect(ch.datagramCounters.dropped).to.be.at.least(r.counts.duplicated); // replays rejected by the window
    } finally {
      r.close();
    }
  });

  it("keeps the UDP path when the client's source port changes (connection id + re-probe + path validation)", async () => {
    const r = await relay(port, { drop: 0, duplicate: 0, reorder: 0, seed: 1 });
    try {
      const ch = open(port, { datagramAddress: `127.0.0.1:${r.port}` });
      await ch.connect();
      expect(await until(() => ch.datagramPath === "udp")).to.equal(true);
      await r.rebind();
      const before = ch.datagramCounters.received;
      ch.probeDatagram();
      // the new port is validated first: PATH_CHALLENGE, then PROBE_ACK once answered from there
      expect(await until(() => ch.datagramCounters.received >= before + 2)).to.equal(true);
      const stats: DatagramCallStats = { udp: false, received: 0, lost: 0, reordered: 0 };
      let n = 0;
      for await (const _ of createClient(BpciServiceDefinition, ch).priceTicks({ symbols: ["D"] }, { datagramStats: stats })) n++;
      expect(stats.udp).to.equal(true);
      expect(n).to.be.greaterThan(TICKS / 2);
    } finally {
      r.close();
    }
  });
});

describe("datagram vectors (test/vectors/xtmp/datagrams.json)", () => {
  interface Case { direction: "c2s" | "s2c"; counter: string; plaintext: string; datagram: string; expect: "valid" | "drop"; reason?: string }
  const v = JSON.parse(readFileSync(new URL("../vectors/xtmp/datagrams.json", import.meta.url), "utf8")) as {
    exporter: string;
    handshake_hash: string;
    client_to_server_key: string;
    server_to_client_key: string;
    connection_id: string;
    ciphers: Record<CipherName, Case[]>;
  };
  const hex = (h: string) => new Uint8Array(Buffer.from(h, "hex"));
  const toHex = (b: Uint8Array) => Buffer.from(b).toString("hex");
  for (const [backendName, backend] of [["node", nodeCrypto], ["noble", nobleCrypto]] as const) {
    for (const cipher of Object.keys(v.ciphers) as CipherName[]) {
      it(`${backendName} ${cipher}: derives the keys, seals byte-exactly, opens or drops each case`, () => {
        const derived = { client: deriveDatagramKeys(backend, hex(v.exporter), hex(v.handshake_hash), cipher, true), server: deriveDatagramKeys(backend, hex(v.exporter), hex(v.handshake_hash), cipher, false) };
        expect(toHex(derived.client.connId)).to.equal(v.connection_id);
        const [c2s, s2c, id] = [hex(v.client_to_server_key), hex(v.server_to_client_key), hex(v.connection_id)];
        for (const c of v.ciphers[cipher]) {
          const n = Number(c.counter);
          const [sendKey, recvKey] = c.direction === "c2s" ? [c2s, s2c] : [s2c, c2s];
          const receiver = new DatagramKeys(backend, cipher, id, recvKey, sendKey);
          const opened = receiver.open(hex(c.datagram));
          if (c.expect === "drop") {
            expect(opened, `counter ${c.counter}`).to.deep.equal({ ok: false, reason: c.reason });
            continue;
          }
          expect(toHex(new DatagramKeys(backend, cipher, id, sendKey, recvKey, n).seal(hex(c.plaintext)) as Uint8Array), `seal ${c.counter}`).to.equal(c.datagram);
          expect(opened.ok && toHex(opened.plaintext), `open ${c.counter}`).to.equal(c.plaintext);
          expect(() => decodeDatagram(hex(c.plaintext))).not.to.throw();
          // the derived keys of the receiving side open it too
          const viaDerived = (c.direction === "c2s" ? derived.server : derived.client).open(hex(c.datagram));
          expect(viaDerived.ok, `derived ${c.counter}`).to.equal(true);
        }
      });
    }
  }
});
