// Hostile UDP: out-of-range counters, fuzzed datagrams at both endpoints, and path hijack by stolen or replayed probes.
import { expect } from "chai";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as dgram from "node:dgram";
import { once } from "node:events";
import { BpciServiceDefinition } from "../../generated/bpci/v1/bpci_xtmp.js";
import { TestServiceDefinition } from "../../generated/grpc/testing/test_xtmp.js";
import { bpciDemoImpl } from "../../services/bpci-demo.js";
import { createChannel, createClient, createServer, generateIdentity, type Channel, type DatagramCallStats } from "../../src/index.js";
import { nodeCrypto } from "../../src/session.js";
import type { MuxSession } from "../../src/mux/session.js";
import type { Session } from "../../src/secure/handshake.js";
import { DatagramKeys, DATAGRAM_HEADER } from "../../src/secure/datagram.js";
import { ClientDatagrams } from "../../src/client/datagrams.js";
import { CHALLENGES_PER_SECOND, MAX_PENDING_CHALLENGES, ServerDatagrams } from "../../src/server/datagrams.js";
import { decodeDatagram, DatagramKind, encodeDatagramMessages, encodeProbe } from "../../src/wire/datagram.js";
import { until } from "../helpers/calls.js";
import { udpRelay } from "../helpers/udp-relay.js";


/** A loopback UDP socket that records what it receives. */
async function udpSocket() {
  const s = dgram.createSocket("udp4");
  const got: Buffer[] = [];
  s.on("message", (m) => got.push(m));
  await new Promise<void>((r) => s.bind(0, "127.0.0.1", r));
  return { s, got, port: s.address().port, send: (b: Uint8Array, port: number) => s.send(b, port, "127.0.0.1") };
}
type Sock = Awaited<ReturnType<typeof udpSocket>>;

/** A relay client <-> server that records client datagrams and can withhold ("steal") the next ones. */
async function relay(serverPort: number) {
  const state = { steal: 0, stolen: [] as Buffer[], seen: [] as Buffer[] };
  const r = await udpRelay(serverPort, {
    toServer(m) {
      state.seen.push(m);
      if (state.steal <= 0) return true;
      state.steal--;
      state.stolen.push(m);
      return false;
    },
  });
  return { ...r, state };
}

/** A matching client/server pair of datagram keys (as a handshake would derive), the client's sends starting at `first`. */
function keyPair(first = 0) {
  const [connId, c2s, s2c] = [randomBytes(8), randomBytes(32), randomBytes(32)];
  return {
    client: new DatagramKeys(nodeCrypto, "AESGCM", connId, c2s, s2c, first),
    server: new DatagramKeys(nodeCrypto, "AESGCM", connId, s2c, c2s),
    connId,
  };
}

/** A datagram with the given connection id and counter and a random body (it cannot authenticate). */
function forged(connId: Uint8Array, counter: bigint, bodyLength = 40): Buffer {
  const b = randomBytes(DATAGRAM_HEADER + bodyLength);
  b.set(connId);
  b.writeBigUInt64BE(counter, 8);
  return b;
}

const EDGE_COUNTERS = [2n ** 53n - 1n, 2n ** 53n, 2n ** 48n, 2n ** 64n - 1n, 2n ** 64n - 2n, 2n ** 63n];
const sum = (o: object) => Object.values(o).reduce((a: number, b: number) => a + b, 0);
const probe = () => encodeProbe(DatagramKind.PROBE, randomBytes(8));

/** The kind of each datagram the client's keys can open (white box: the victim session's datagram keys). */
function kindsOf(keys: DatagramKeys, datagrams: Buffer[]): string[] {
  return datagrams.map((d) => {
    const o = keys.open(d);
    return o.ok ? DatagramKind[decodeDatagram(o.plaintext).kind] ?? "?" : `dropped:${o.reason}`;
  });
}

/** The datagram keys of a channel's current session (white box, for decrypting what an attacker captured). */
function sessionKeys(ch: Channel): DatagramKeys {
  const cur = (ch as unknown as { primary?: { secure: Session; udp?: ClientDatagrams } }).primary;
  if (!cur?.secure.datagram) throw new Error("channel has no datagram keys");
  return cur.secure.datagram;
}

function clientPath(ch: Channel): ClientDatagrams {
  const udp = (ch as unknown as { primary?: { udp?: ClientDatagrams } }).primary?.udp;
  if (!udp) throw new Error("channel has no UDP path");
  return udp;
}

describe("hostile datagrams", function () {
  this.timeout(30_000);

  it("a server process survives datagrams with a valid connection id and counters 2^53-1, 2^64-1, ...; calls still work", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "test/helpers/server-process.ts"], { stdio: ["pipe", "pipe", "inherit"] });
    const r = { close() {} };
    const attacker = await udpSocket();
    try {
      const [line] = (await once(child.stdout, "data")) as [Buffer];
      const [, port, key] = /PORT (\d+) ([0-9a-f]+)/.exec(line.toString()) ?? [];
      const rl = await relay(Number(port));
      r.close = () => rl.close();
      const ch = createChannel(`xtmp://127.0.0.1:${port}`, { serverKey: Buffer.from(key ?? "", "hex"), datagramAddress: `127.0.0.1:${rl.port}` });
      try {
        await ch.connect();
        expect(await until(() => ch.datagramPath === "udp")).to.equal(true);
        const connId = (rl.state.seen[0] as Buffer).subarray(0, 8); // ids travel in clear
        for (const c of EDGE_COUNTERS) attacker.send(forged(connId, c), Number(port));
        // a probe sent after them is answered only if the server handled them (one socket: in order) and lives
        const before = ch.datagramCounters.received;
        ch.probeDatagram();
        expect(await until(() => ch.datagramCounters.received > before), "the server answers a probe after the attack").to.equal(true);
        expect(child.exitCode, "server process alive").to.equal(null);
        expect(await createClient(TestServiceDefinition, ch).emptyCall({})).to.deep.equal({});
        const stats: DatagramCallStats = { udp: false, received: 0, lost: 0, reordered: 0 };
        const it = createClient(BpciServiceDefinition, ch).priceTicks({ symbols: ["A"] }, { datagramStats: stats })[Symbol.asyncIterator]();
        for (let i = 0; i < 3; i++) expect((await it.next()).done).to.equal(false);
        await it.return?.();
        expect(stats.udp).to.equal(true);
      } finally {
        ch.close();
      }
    } finally {
      r.close();
      attacker.s.close();
      child.kill("SIGKILL");
    }
  });

  describe("server endpoint", () => {
    let clock = 0;
    const errors: unknown[] = [];
    let ep: ServerDatagrams;
    beforeEach(async () => {
      clock = 0;
      errors.length = 0;
      const bound = await ServerDatagrams.bind("127.0.0.1", 0, { onUnexpectedError: (e) => errors.push(e), now: () => clock });
      if (!(bound instanceof ServerDatagrams)) throw bound;
      ep = bound;
    });
    afterEach(() => ep.close());
    const settled = (n: number) => until(() => ep.stats.received === n);

    it("drops every counter at or above 2^48 as badCounter before decrypting, and accepts 2^48-1", async () => {
      const k = keyPair(2 ** 48 - 1);
      ep.register(k.server);
      const a = await udpSocket();
      try {
        for (const c of EDGE_COUNTERS) a.send(forged(k.connId, c), ep.port);
        a.send(k.client.seal(probe()) as Uint8Array, ep.port); // counter 2^48-1, the last one
        expect(k.client.exhausted).to.equal(true);
        expect(k.client.seal(probe())).to.equal(null);
        expect(await settled(EDGE_COUNTERS.length + 1)).to.equal(true);
        expect(ep.stats.dropped.badCounter).to.equal(EDGE_COUNTERS.length);
        expect(ep.stats.accepted).to.equal(1);
        expect(ep.stats.challengesSent).to.equal(1);
        expect(errors).to.deep.equal([]);
      } finally {
        a.s.close();
      }
    });

    it("fuzz: random, mutated, truncated, oversize and authenticated-garbage datagrams never throw, and every one is counted", async () => {
      const k = keyPair();
      ep.register(k.server);
      const socks = [await udpSocket(), await udpSocket()];
      try {
        const legit = () => k.client.seal(probe()) as Uint8Array;
        const sealed: Uint8Array[] = [];
        const cases: Array<() => Uint8Array> = [
          () => randomBytes(Math.floor(Math.random() * 1300)),
          () => forged(k.connId, BigInt(Math.floor(Math.random() * 2 ** 48)), Math.floor(Math.random() * 200)),
          () => forged(k.connId, EDGE_COUNTERS[Math.floor(Math.random() * EDGE_COUNTERS.length)] as bigint),
          () => legit().subarray(0, Math.floor(Math.random() * 41)),
          () => Buffer.concat([legit(), randomBytes(1300 + Math.floor(Math.random() * 4000))]),
          () => {
            const d = Buffer.from(legit());
            d[Math.floor(Math.random() * d.length)] ^= 1 << Math.floor(Math.random() * 8);
            return d;
          },
          () => {
            const kinds = [0, 2, 3, 4, 6, 255];
            const pt = Math.random() < 0.5 ? randomBytes(Math.floor(Math.random() * 40)) : Buffer.concat([Buffer.of(kinds[Math.floor(Math.random() * kinds.length)] as number), randomBytes(8)]);
            return k.client.seal(pt) as Uint8Array;
          },
          () => k.client.seal(encodeDatagramMessages([{ streamId: 1, seq: 1, payload: randomBytes(20) }])) as Uint8Array,
          () => (sealed.length ? (sealed[Math.floor(Math.random() * sealed.length)] as Uint8Array) : legit()),
          () => {
            const d = legit();
            sealed.push(d);
            return d;
          },
        ];
        let sent = 0;
        for (let round = 0; round < 40; round++) {
          for (let i = 0; i < 25; i++) {
            (socks[i % 2] as Sock).send((cases[Math.floor(Math.random() * cases.length)] as () => Uint8Array)(), ep.port);
            sent++;
          }
          expect(await settled(sent), `all ${sent} datagrams handled`).to.equal(true);
          clock += 100;
        }
        const s = ep.stats;
        expect(errors).to.deep.equal([]);
        expect(s.errors).to.equal(0);
        expect(s.accepted + sum(s.dropped)).to.equal(sent);
        for (const reason of ["malformed", "unknownConnId", "badCounter", "authFailed", "replay"] as const) expect(s.dropped[reason], reason).to.be.greaterThan(0);
      } finally {
        for (const x of socks) x.s.close();
      }
    });

    it("an unexpected exception in a handler is counted as an error and reported to the hook, never thrown", async () => {
      const k = keyPair();
      const peer = ep.register(k.server);
      (peer as unknown as { receive: () => never }).receive = () => {
        throw new TypeError("bug in the datagram path");
      };
      const a = await udpSocket();
      try {
        a.send(k.client.seal(probe()) as Uint8Array, ep.port);
        a.send(forged(k.connId, 2n ** 53n - 1n), ep.port);
        expect(await settled(2)).to.equal(true);
        expect(ep.stats.errors).to.equal(1);
        expect(ep.stats.dropped.badCounter).to.equal(1);
        expect(errors.length).to.equal(1);
        expect(errors[0]).to.be.instanceOf(TypeError);
      } finally {
        a.s.close();
      }
    });

    it("path validation: probes from new addresses get a bounded number of challenges; only an answer from the challenged address moves the path", async () => {
      const k = keyPair();
      const peer = ep.register(k.server);
      const spoofers = await Promise.all(Array.from({ length: 6 }, () => udpSocket()));
      const client = await udpSocket();
      try {
        // 40 authentic probes from 6 addresses at one instant: at most one second's budget of challenges
        for (let i = 0; i < 40; i++) (spoofers[i % 6] as Sock).send(k.client.seal(probe()) as Uint8Array, ep.port);
        expect(await settled(40)).to.equal(true);
        expect(ep.stats.challengesSent).to.equal(CHALLENGES_PER_SECOND);
        expect(ep.stats.dropped.rateLimited).to.equal(40 - CHALLENGES_PER_SECOND);
        expect(peer.pendingChallenges).to.be.at.most(MAX_PENDING_CHALLENGES);
        expect(peer.address).to.equal(undefined);

        // the real client a second later: PROBE -> PATH_CHALLENGE -> PATH_RESPONSE -> PROBE_ACK
        clock += 1000;
        const stale = k.client.seal(probe()) as Uint8Array; // authentic, but older than what follows
        client.send(k.client.seal(probe()) as Uint8Array, ep.port);
        expect(await until(() => client.got.length === 1)).to.equal(true);
        const ch = k.client.open(client.got[0] as Buffer);
        if (!ch.ok) throw new Error(`challenge did not open: ${ch.reason}`);
        const challenge = decodeDatagram(ch.plaintext);
        expect(challenge.kind).to.equal(DatagramKind.PATH_CHALLENGE);
        const response = k.client.seal(encodeProbe(DatagramKind.PATH_RESPONSE, challenge.token as Uint8Array)) as Uint8Array;
        (spoofers[0] as Sock).send(response, ep.port); // right answer, wrong address
        expect(await settled(42)).to.equal(true);
        expect(ep.stats.dropped.unmatchedResponse).to.equal(1);
        client.send(response, ep.port); // a replay of it, from the right address: the replay window drops it
        expect(await settled(43)).to.equal(true);
        expect(ep.stats.dropped.replay).to.equal(1);
        client.send(k.client.seal(encodeProbe(DatagramKind.PATH_RESPONSE, challenge.token as Uint8Array)) as Uint8Array, ep.port);
        expect(await until(() => client.got.length === 2)).to.equal(true);
        const ack = k.client.open(client.got[1] as Buffer);
        expect(ack.ok && decodeDatagram(ack.plaintext).kind).to.equal(DatagramKind.PROBE_ACK);
        expect(peer.address?.port).to.equal(client.port);
        expect(ep.stats.pathsValidated).to.equal(1);

        // an older authentic probe from elsewhere cannot even start a challenge
        const gotBefore = spoofers.map((x) => x.got.length);
        (spoofers[1] as Sock).send(stale, ep.port);
        expect(await settled(45)).to.equal(true);
        expect(ep.stats.dropped.stale).to.equal(1);
        expect(spoofers.map((x) => x.got.length)).to.deep.equal(gotBefore);
        expect(peer.address?.port).to.equal(client.port);
        expect(errors).to.deep.equal([]);
      } finally {
        for (const x of [...spoofers, client]) x.s.close();
      }
    });
  });

  describe("path hijack against a real server", () => {
    const id = generateIdentity();
    const server = createServer({ identity: id });
    server.add(BpciServiceDefinition, {
      ...bpciDemoImpl(),
      async *priceTicks(req, ctx) {
        for (let seq = 1n; seq <= 100_000n && !ctx.signal.aborted; seq++) {
          yield { symbol: req.symbols[0] ?? "X", priceE8: seq, seq };
          await new Promise((r) => setTimeout(r, 5));
        }
      },
    });
    let port = 0;
    const cleanup: Array<() => void> = [];
    before(async () => {
      port = (await server.listen("xtmp://127.0.0.1:0")).port;
    });
    afterEach(() => {
      for (const f of cleanup.splice(0)) f();
    });
    after(() => server.forceShutdown());

    /** A victim channel through a relay, an attacker socket, and a running DATAGRAM stream. */
    async function setup(stealFirst: number) {
      const r = await relay(port);
      r.state.steal = stealFirst;
      const attacker = await udpSocket();
      const ch = createChannel(`xtmp://127.0.0.1:${port}`, { serverKey: id.publicKey, datagramAddress: `127.0.0.1:${r.port}` });
      const ac = new AbortController();
      cleanup.push(() => (ac.abort(), ch.close(), r.close(), attacker.s.close()));
      await ch.connect();
      if (stealFirst > 0) {
        expect(await until(() => r.state.stolen.length > 0)).to.equal(true);
        attacker.send(r.state.stolen[0] as Buffer, port); // the first probe, from the attacker's address first
      }
      expect(await until(() => ch.datagramPath === "udp")).to.equal(true);
      const stats: DatagramCallStats = { udp: false, received: 0, lost: 0, reordered: 0 };
      const run: { error?: unknown; ended: boolean } = { ended: false };
      void (async () => {
        try {
          for await (const _ of createClient(BpciServiceDefinition, ch).priceTicks({ symbols: ["V"] }, { signal: ac.signal, datagramStats: stats }));
        } catch (e) {
          run.error = e; // the test's abort at cleanup ends it; any earlier end fails `more` below
        } finally {
          run.ended = true;
        }
      })();
      expect(await until(() => stats.received >= 5), "ticks flow over UDP").to.equal(true);
      expect(stats.udp).to.equal(true);
      /** Resolves true once `n` more ticks reached the victim over UDP, the stream still running. */
      const more = async (n: number) => {
        const target = stats.received + n;
        const ok = await until(() => stats.received >= target || run.ended, 5000);
        expect(run.error, "the victim's stream failed").to.equal(undefined);
        return ok && !run.ended && stats.udp;
      };
      return { r, attacker, ch, stats, more };
    }

    it("a probe stolen in flight and sent from another address does not move the stream: the attacker gets one PATH_CHALLENGE, the victim keeps its ticks", async () => {
      const { r, attacker, ch, more } = await setup(0);
      const firstProbe = r.state.seen[0] as Buffer;
      r.state.steal = 1;
      ch.probeDatagram();
      expect(await until(() => r.state.stolen.length === 1)).to.equal(true);
      attacker.send(r.state.stolen[0] as Buffer, port);
      attacker.send(r.state.stolen[0] as Buffer, port); // and its replay
      attacker.send(firstProbe, port); // and an old probe the server already saw
      expect(await until(() => attacker.got.length >= 1), "the server reacted to the stolen probe").to.equal(true);
      expect(await more(30), "the victim keeps receiving").to.equal(true);
      expect(kindsOf(sessionKeys(ch), attacker.got)).to.deep.equal(["PATH_CHALLENGE"]);
    });

    it("the very first probe, stolen and sent from another address first, does not capture the path", async () => {
      const { attacker, ch, more } = await setup(1);
      expect(await more(30)).to.equal(true);
      expect(kindsOf(sessionKeys(ch), attacker.got)).to.deep.equal(["PATH_CHALLENGE"]);
    });

    it("a real migration (new source port) completes after the challenge, and the stream follows", async () => {
      const { r, ch, more } = await setup(0);
      const answered = clientPath(ch).challengesAnswered;
      await r.rebind(); // the old upstream socket is closed: ticks now arrive only through the new port
      ch.probeDatagram();
      expect(await until(() => clientPath(ch).challengesAnswered > answered)).to.equal(true);
      expect(await more(30), "ticks arrive over the new path").to.equal(true);
    });
  });

  it("client endpoint: hostile datagrams never throw, every one is counted; a challenge is answered; a throwing receiver is an error, not a crash", async () => {
    const k = keyPair();
    const server = await udpSocket();
    const errors: unknown[] = [];
    const delivered: number[] = [];
    const mux = {
      streamHandler: (id: number) =>
        id === 1
          ? { onDatagram: (seq: number) => void delivered.push(seq) }
          : id === 3
            ? {
                onDatagram: () => {
                  throw new TypeError("bug in a receiver");
                },
              }
            : undefined,
    } as unknown as MuxSession;
    const c = await ClientDatagrams.open(k.client, { address: "127.0.0.1", port: server.port }, () => mux, { onUnexpectedError: (e) => errors.push(e) });
    try {
      const total = () => c.received + c.dropped + c.errors;
      const seal = (pt: Uint8Array) => k.server.seal(pt) as Uint8Array;
      const legit = seal(encodeDatagramMessages([{ streamId: 1, seq: 1, payload: randomBytes(10) }]));
      const hostile: Uint8Array[] = [
        ...EDGE_COUNTERS.map((n) => forged(k.connId, n)),
        randomBytes(3),
        randomBytes(2000),
        forged(randomBytes(8), 5n),
        forged(k.connId, 7n),
        seal(Buffer.of(9, 1, 2)),
        seal(encodeProbe(DatagramKind.PROBE, randomBytes(8))),
        legit,
        legit,
        seal(encodeDatagramMessages([{ streamId: 9, seq: 1, payload: randomBytes(5) }])),
        seal(encodeDatagramMessages([{ streamId: 3, seq: 1, payload: randomBytes(5) }])),
      ];
      for (const d of hostile) server.send(d, c.port);
      expect(await until(() => total() === hostile.length), JSON.stringify({ r: c.received, d: c.drops, e: c.errors })).to.equal(true);
      expect(c.drops.badCounter).to.equal(EDGE_COUNTERS.length);
      expect(c.drops.malformed).to.equal(4); // short, oversize, unknown kind, PROBE from the server
      expect(c.drops.unknownConnId).to.equal(1);
      expect(c.drops.authFailed).to.equal(1);
      expect(c.drops.replay).to.equal(1);
      expect(delivered).to.deep.equal([1]);
      expect(c.unknownStream).to.equal(1);
      expect(c.errors).to.equal(1);
      expect(errors[0]).to.be.instanceOf(TypeError);

      // PATH_CHALLENGE is echoed as PATH_RESPONSE to the server address
      const data = randomBytes(8);
      const before = server.got.length;
      server.send(seal(encodeProbe(DatagramKind.PATH_CHALLENGE, data)), c.port);
      let seen = before;
      let answered = false;
      const check = () => {
        for (; seen < server.got.length; seen++) {
          const o = k.server.open(server.got[seen] as Buffer);
          const d = o.ok ? decodeDatagram(o.plaintext) : undefined;
          if (d?.kind === DatagramKind.PATH_RESPONSE && Buffer.from(d.token as Uint8Array).equals(data)) answered = true;
        }
        return answered;
      };
      expect(await until(check)).to.equal(true);
      expect(c.ready).to.equal(false); // only PROBE_ACK makes the path ready
    } finally {
      c.close();
      server.s.close();
    }
  });
});
