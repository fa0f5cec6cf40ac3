// Handshake floods: admission limits, cookie/RETRY under load, replayed first messages cost no DH, failure reasons.
import { expect } from "chai";
import * as net from "node:net";
import { acceptSession, connectSession, HandshakeError, MAX_HANDSHAKE_BUFFER, type Session } from "../../src/secure/handshake.js";
import type { CryptoBackend } from "../../src/secure/crypto.js";
import { nodeCrypto } from "../../src/secure/crypto-node.js";
import { generateIdentity } from "../../src/secure/identity.js";
import type { ServerSessionOptions } from "../../src/secure/options.js";
import { Admission } from "../../src/server/admission.js";
import { connectTcp, listenTcp } from "../../src/transport/tcp.js";
import { duplexPair } from "../../src/transport/memory.js";
import type { ByteDuplex } from "../../src/wire/duplex.js";
import { FrameType } from "../../src/wire/frame-types.js";
import { encodeClientHello, encodeServerHello, HelloStatus, parseServerHello } from "../../src/wire/preamble.js";
import { createChannel, createServer } from "../../src/index.js";
import { Code, inbox, ok, recordingPair } from "../helpers/sessions.js";
import { until } from "../helpers/calls.js";

const serverId = generateIdentity();
const clientId = generateIdentity();
const EXPENSIVE = ["x25519", "x25519Generate", "x25519PublicKey", "ed25519Sign", "ed25519Verify", "aead"] as const;

/** nodeCrypto with a counter of the expensive operations (DH, key generation, signatures, AEAD keys). */
function countingCrypto(): { crypto: CryptoBackend; count: () => number } {
  let n = 0;
  const crypto = { ...nodeCrypto } as Record<string, unknown>;
  for (const k of EXPENSIVE) {
    const f = nodeCrypto[k] as (...a: unknown[]) => unknown;
    crypto[k] = (...a: unknown[]) => (n++, f.apply(nodeCrypto, a));
  }
  return { crypto: crypto as unknown as CryptoBackend, count: () => n };
}

/** A raw peer on one side of an in-memory pair: what it received, and when it ended. */
function rawPeer(): { raw: ByteDuplex; server: ByteDuplex; received: () => Uint8Array; ended: Promise<void> } {
  const [raw, server] = duplexPair();
  const chunks: Uint8Array[] = [];
  let done!: () => void;
  const ended = new Promise<void>((r) => (done = r));
  raw.setReceiver({ onData: (c) => chunks.push(c), onEnd: () => done() });
  return { raw, server, received: () => new Uint8Array(Buffer.concat(chunks)), ended };
}

/** Status of the first ServerHello in `bytes`. */
function statusOf(bytes: Uint8Array): HelloStatus | undefined {
  return parseServerHello(bytes)?.[0].status;
}

/** Runs a real client against acceptSession with admission over an in-memory pair. */
async function handshake(
  server: ServerSessionOptions,
  admission: Admission,
  client: Parameters<typeof connectSession>[1] = { identity: clientId },
  address = "10.0.0.1:1000",
): Promise<[Session, Session]> {
  const [a, b] = duplexPair();
  const s = acceptSession(b, server, { remoteAddress: address, admission });
  const c = connectSession(a, client);
  return [await c, await s];
}

describe("handshake floods", function () {
  this.timeout(30_000);

  describe("cookie mode (RETRY)", () => {
    for (const [label, client] of [
      ["XX", { identity: clientId }],
      ["IK", { identity: clientId, serverKey: serverId.publicKey }],
      ["XXhfs", { identity: clientId, postQuantum: true }],
    ] as const) {
      it(`${label}: a real client answers RETRY (cookie + 8-bit puzzle) transparently and the session works`, async () => {
        const admission = new Admission({ handshakeCookies: "always", handshakePuzzleBits: 8, handshakeLoadRate: 1 });
        const [c, s] = await handshake({ identity: serverId }, admission, client);
        expect(admission.stats.retries).to.equal(1);
        expect(admission.stats.inFlight).to.equal(0);
        expect(Buffer.from(c.info.handshakeHash).equals(Buffer.from(s.info.handshakeHash))).to.equal(true);
        expect(s.info.peerIdentity).to.deep.equal(clientId.publicKey);
        const got = inbox(s);
        c.send({ type: FrameType.DATA, flags: 1, streamId: 1, payload: new TextEncoder().encode("after retry") });
        expect(new TextDecoder().decode((await got.waitFor(1))[0]?.payload)).to.equal("after retry");
        c.close();
      });
    }

    it("cookies are demanded only under load in auto mode: no RETRY when idle", async () => {
      const admission = new Admission({ handshakePuzzleBits: 4 });
      await handshake({ identity: serverId }, admission);
      expect(admission.stats.retries).to.equal(0);
    });

    it("a replayed first flight costs no DH: 300 replays each get a RETRY, zero expensive crypto", async () => {
      const { crypto, count } = countingCrypto();
      const opts = { identity: serverId, crypto };
      const admission = new Admission({ handshakeCookies: "always", handshakePuzzleBits: 0, handshakesPerSecondPerSource: 1e6, handshakeBurstPerSource: 1e6 });
      const { pair, written } = recordingPair();
      const legit = Promise.all([connectSession(pair[0], { identity: clientId }), acceptSession(pair[1], opts, { remoteAddress: "10.0.0.1:1000", admission })]);
      ok({ status: "fulfilled", value: (await legit)[1] });
      const firstFlight = written.client[0] as Uint8Array;
      const retryFlight = written.client[1] as Uint8Array;
      expect(statusOf(written.server[0] as Uint8Array)).to.equal(HelloStatus.RETRY);

      const before = count();
      const reasons: string[] = [];
      for (let i = 0; i < 300; i++) {
        const p = rawPeer();
        const s = acceptSession(p.server, opts, { remoteAddress: `10.0.${i >> 8}.${i & 255}:2000`, admission });
        s.catch((e: HandshakeError) => reasons.push(e.reason));
        p.raw.write(firstFlight);
        await until(() => p.received().length > 0, 5000);
        expect(statusOf(p.received())).to.equal(HelloStatus.RETRY);
        p.raw.close();
        await s.then(
          () => expect.fail("a replay established a session"),
          () => undefined,
        );
      }
      expect(count() - before, "expensive operations for 300 replays").to.equal(0);
      expect(reasons.length).to.equal(300);
      expect(new Set(reasons)).to.deep.equal(new Set(["cookie"]));

      // the captured answer to RETRY (valid cookie, bound to 10.0.0.1:1000) replayed from elsewhere: still no DH
      for (let i = 0; i < 100; i++) {
        const p = rawPeer();
        const s = acceptSession(p.server, opts, { remoteAddress: `10.9.9.9:${3000 + i}`, admission });
        p.raw.write(retryFlight);
        await until(() => p.received().length > 0, 5000);
        expect(statusOf(p.received())).to.equal(HelloStatus.RETRY);
        p.raw.close();
        await s.catch(() => undefined);
      }
      expect(count() - before, "expensive operations for 100 cookie replays").to.equal(0);

      // control: the same bytes from the address the cookie was minted for do reach the DH (the counter works)
      const p = rawPeer();
      const s = acceptSession(p.server, opts, { remoteAddress: "10.0.0.1:1000", admission });
      p.raw.write(retryFlight);
      await until(() => p.received().length > 0, 5000);
      expect(statusOf(p.received())).to.equal(HelloStatus.OK);
      expect(count() - before).to.be.greaterThan(0);
      p.raw.close();
      await s.catch(() => undefined);
    });

    it("a client gives up after two RETRYs, and a server after two unanswered ones (reason 'cookie')", async () => {
      // server side: three first flights without a cookie on one connection
      const admission = new Admission({ handshakeCookies: "always", handshakePuzzleBits: 0 });
      const { pair, written } = recordingPair();
      void connectSession(pair[0], { identity: clientId }).catch(() => undefined);
      await acceptSession(pair[1], { identity: serverId }, { admission });
      const first = written.client[0] as Uint8Array;
      const p = rawPeer();
      const s = acceptSession(p.server, { identity: serverId }, { remoteAddress: "10.0.0.1:1", admission });
      p.raw.write(new Uint8Array(Buffer.concat([first, first, first])));
      const err = await s.then(() => expect.fail("accepted"), (e: HandshakeError) => e);
      expect(err.reason).to.equal("cookie");
      await p.ended;
      const got = p.received();
      const statuses: HelloStatus[] = [];
      for (let off = 0; off < got.length; ) {
        const r = parseServerHello(got.subarray(off)) as NonNullable<ReturnType<typeof parseServerHello>>;
        statuses.push(r[0].status);
        off += r[1];
      }
      expect(statuses).to.deep.equal([HelloStatus.RETRY, HelloStatus.RETRY, HelloStatus.HANDSHAKE_FAILED]);

      // client side: a server that answers every flight with RETRY
      const [a, b] = duplexPair();
      const retry = encodeServerHello({ version: 1, status: HelloStatus.RETRY, features: 0, reason: "load", retry: { difficulty: 0, cookie: new Uint8Array(21) } });
      b.setReceiver({ onData: () => b.write(retry), onEnd() {} });
      const cerr = await connectSession(a, { identity: clientId }).then(() => expect.fail("connected"), (e: HandshakeError) => e);
      expect(cerr.reason).to.equal("cookie");
      expect(cerr.code).to.equal(Code.UNAVAILABLE);
    });

    it("a client refuses a puzzle above its limit instead of burning CPU", async () => {
      const [a, b] = duplexPair();
      const retry = encodeServerHello({ version: 1, status: HelloStatus.RETRY, features: 0, reason: "load", retry: { difficulty: 30, cookie: new Uint8Array(21) } });
      b.setReceiver({ onData: () => b.write(retry), onEnd() {} });
      const err = await connectSession(a, { identity: clientId }).then(() => expect.fail("connected"), (e: HandshakeError) => e);
      expect(err.reason).to.equal("cookie");
      expect(err.message).to.match(/30-bit puzzle/);
    });

    it("a hostile server flooding bytes while the client solves a puzzle hits the handshake buffer cap", async () => {
      const [a, b] = duplexPair();
      const retry = encodeServerHello({ version: 1, status: HelloStatus.RETRY, features: 0, reason: "load", retry: { difficulty: 20, cookie: new Uint8Array(21).fill(1) } });
      let sent = false;
      b.setReceiver({
        onData: () => {
          if (sent) return;
          sent = true;
          b.write(retry);
          for (let i = 0; i < 8; i++) b.write(new Uint8Array(4096).fill(0x58));
        },
        onEnd() {},
      });
      const err = await connectSession(a, { identity: clientId }).then(() => expect.fail("connected"), (e: HandshakeError) => e);
      expect(err.reason).to.equal("protocol");
      expect(err.message).to.include(`limit ${MAX_HANDSHAKE_BUFFER}`);
    });
  });

  describe("admission limits", () => {
    it("never more than maxHandshakesInFlight handshakes; the rest are refused at once with BUSY (UNAVAILABLE, reason 'busy')", async () => {
      const admission = new Admission({ maxHandshakesInFlight: 4, handshakeCookies: "never" });
      const peers = [];
      const results: Array<Promise<unknown>> = [];
      for (let i = 0; i < 10; i++) {
        const p = rawPeer();
        peers.push(p);
        results.push(acceptSession(p.server, { identity: serverId }, { remoteAddress: `10.1.0.${i}:9`, admission }).catch((e: HandshakeError) => e));
        expect(admission.stats.inFlight).to.be.at.most(4);
      }
      expect(admission.stats.inFlight).to.equal(4);
      const refused = (await Promise.all(results.slice(4))) as HandshakeError[];
      for (const e of refused) {
        expect(e).to.be.instanceOf(HandshakeError);
        expect(e.reason).to.equal("busy");
      }
      for (const p of peers.slice(4)) {
        await p.ended;
        expect(statusOf(p.received())).to.equal(HelloStatus.BUSY);
      }
      // a real client that is refused reports UNAVAILABLE with the reason
      const [a, b] = duplexPair();
      void acceptSession(b, { identity: serverId }, { remoteAddress: "10.1.1.1:9", admission }).catch(() => undefined);
      const cerr = await connectSession(a, { identity: clientId }).then(() => expect.fail("connected"), (e: HandshakeError) => e);
      expect(cerr.code).to.equal(Code.UNAVAILABLE);
      expect(cerr.reason).to.equal("busy");
      // a slot frees when a handshake ends; then a new one is admitted
      peers[0]?.raw.close();
      await results[0];
      expect(admission.stats.inFlight).to.equal(3);
      const [c, s] = await handshake({ identity: serverId }, admission);
      expect(admission.stats.inFlight).to.equal(3);
      c.close();
      s.close();
      for (const p of peers.slice(1, 4)) p.raw.close();
      await Promise.all(results);
      expect(admission.stats.inFlight).to.equal(0);
    });

    it("a stalled handshake ends at handshakeTimeoutMs (reason 'timeout') and frees its slot", async () => {
      const admission = new Admission({ maxHandshakesInFlight: 1 });
      const p = rawPeer();
      const s = acceptSession(p.server, { identity: serverId, handshakeTimeoutMs: 100 }, { remoteAddress: "10.2.0.1:1", admission });
      p.raw.write(encodeClientHello({ version: 1, mode: 1, cipher: 2, features: 0 }).subarray(0, 5));
      expect(admission.stats.inFlight).to.equal(1);
      const err = await s.then(() => expect.fail("accepted"), (e: HandshakeError) => e);
      expect(err.reason).to.equal("timeout");
      expect(err.code).to.equal(Code.DEADLINE_EXCEEDED);
      expect(admission.stats.inFlight).to.equal(0);
    });

    it("per-source token bucket: a burst, then the refill rate; other sources unaffected (reason 'rate_limited')", () => {
      let now = 1_000_000;
      const admission = new Admission({ handshakesPerSecondPerSource: 5, handshakeBurstPerSource: 5 }, { now: () => now });
      const take = (addr: string) => {
        const t = admission.admit(addr);
        if ("refused" in t) return t.refused;
        t.finished();
        return "ok";
      };
      expect(Array.from({ length: 5 }, () => take("192.0.2.1:1000"))).to.deep.equal(["ok", "ok", "ok", "ok", "ok"]);
      expect(take("192.0.2.1:1001")).to.equal("rate_limited");
      expect(take("192.0.2.2:1000")).to.equal("ok");
      now += 200; // one token at 5/s
      expect(take("192.0.2.1:1002")).to.equal("ok");
      expect(take("192.0.2.1:1003")).to.equal("rate_limited");
      expect(admission.stats.refusedRateLimited).to.equal(2);
      // IPv6: one /64 is one source
      for (let i = 0; i < 5; i++) expect(take(`2001:db8:1:2::${i + 1}:443`)).to.equal("ok");
      expect(take("2001:db8:1:2:ffff::9:443")).to.equal("rate_limited");
      expect(take("2001:db8:1:3::1:443")).to.equal("ok");
    });

    it("per-source concurrency: one address cannot hold every slot", () => {
      const admission = new Admission({ maxHandshakesInFlight: 10, maxHandshakesInFlightPerSource: 3 });
      const tickets = [1, 2, 3, 4].map((p) => admission.admit(`198.51.100.7:${p}`));
      expect(tickets.map((t) => ("refused" in t ? t.refused : "ok"))).to.deep.equal(["ok", "ok", "ok", "busy"]);
      expect("refused" in admission.admit("198.51.100.8:1")).to.equal(false);
    });

    it("the source map stays within maxHandshakeSources under an address sweep", () => {
      const admission = new Admission({ maxHandshakeSources: 50, handshakesPerSecondPerSource: 1, handshakeBurstPerSource: 1 });
      for (let i = 0; i < 5000; i++) {
        const t = admission.admit(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:1`);
        if (!("refused" in t)) t.finished();
        expect(admission.stats.trackedSources).to.be.at.most(50);
      }
      // a recently seen source is still limited
      expect("refused" in admission.admit("10.0.19.135:2")).to.equal(true);
    });

    it("under load: half the in-flight slots taken, or the attempt rate over handshakeLoadRate, switches cookies on", () => {
      let now = 5_000_000;
      const admission = new Admission({ maxHandshakesInFlight: 4, handshakeLoadRate: 10, handshakePuzzleBits: 6 }, { now: () => now });
      expect(admission.cookieDemand()).to.equal(undefined);
      const t1 = admission.admit("10.3.0.1:1");
      expect(admission.underLoad).to.equal(false);
      const t2 = admission.admit("10.3.0.2:1");
      expect(admission.underLoad).to.equal(true);
      expect(admission.cookieDemand()).to.equal(6);
      for (const t of [t1, t2]) if (!("refused" in t)) t.finished();
      now += 5000;
      expect(admission.underLoad).to.equal(false);
      for (let i = 0; i < 10; i++) {
        const t = admission.admit(`10.4.0.${i}:1`);
        if (!("refused" in t)) t.finished();
      }
      expect(admission.underLoad).to.equal(true);
      now += 3000;
      expect(admission.underLoad).to.equal(false);
      expect(() => new Admission({ maxHandshakesInFlight: 0 })).to.throw(RangeError);
      expect(() => new Admission({ handshakePuzzleBits: 21 })).to.throw(RangeError);
    });
  });

  describe("failure reasons", () => {
    it("each rejection carries a machine-readable reason", async () => {
      const reasonOf = async (bytes: Uint8Array, thenClose = false) => {
        const p = rawPeer();
        const s = acceptSession(p.server, { identity: serverId, handshakeTimeoutMs: 5000 });
        p.raw.write(bytes);
        if (thenClose) p.raw.close(); // delivered after the bytes
        const err = await s.then(() => expect.fail("accepted"), (e: unknown) => e);
        expect(err).to.be.instanceOf(HandshakeError);
        return (err as HandshakeError).reason;
      };
      expect(await reasonOf(new TextEncoder().encode("GET / HTTP/1.1\r\n"))).to.equal("bad_preamble");
      expect(await reasonOf(encodeClientHello({ version: 9, mode: 1, cipher: 2, features: 0 }))).to.equal("negotiation");
      expect(await reasonOf(encodeClientHello({ version: 1, mode: 0, cipher: 0, features: 0 }))).to.equal("negotiation");
      expect(await reasonOf(new Uint8Array([...encodeClientHello({ version: 1, mode: 1, cipher: 2, features: 0 }), 0, 0]))).to.equal("aborted");
      expect(await reasonOf(new Uint8Array([...encodeClientHello({ version: 1, mode: 1, cipher: 2, features: 0 }), 0xff, 0xff]))).to.equal("protocol");
      expect(await reasonOf(new Uint8Array([...encodeClientHello({ version: 1, mode: 2, cipher: 2, features: 0 }), 0, 40, ...new Uint8Array(40)]))).to.equal("auth");
      expect(await reasonOf(encodeClientHello({ version: 1, mode: 1, cipher: 2, features: 0 }), true)).to.equal("closed");
      // a cookie to a server that never asked for one
      expect(await reasonOf(new Uint8Array([...encodeClientHello({ version: 1, mode: 1, cipher: 2, features: 0x80 }), 21, ...new Uint8Array(29)]))).to.equal("protocol");
    });
  });

  describe("over TCP", () => {
    it("acceptSession with admission on real sockets: cookies bound to ip:port, clients connect transparently", async () => {
      const admission = new Admission({ handshakeCookies: "always", handshakePuzzleBits: 6, handshakeLoadRate: 1 });
      const sessions: Session[] = [];
      const l = await listenTcp("127.0.0.1", 0, (d) => {
        acceptSession(d, { identity: serverId }, { remoteAddress: d.remoteAddress, admission }).then((s) => sessions.push(s), () => undefined);
      });
      try {
        for (let i = 0; i < 3; i++) {
          const c = await connectSession(await connectTcp(l.host, l.port), { identity: clientId, serverKey: serverId.publicKey });
          c.close();
        }
        expect(admission.stats.retries).to.equal(3);
        expect(await until(() => sessions.length === 3)).to.equal(true);
        for (const s of sessions) s.close();
      } finally {
        await l.close();
      }
    });
  });

  // These run against createServer and pass once Server.accept() routes connections through Admission.
  describe("server wiring (createServer)", () => {
    it("a server in cookie mode answers a raw first flight with RETRY and still serves a real channel", async () => {
      const server = createServer({ identity: serverId, handshakeCookies: "always", handshakePuzzleBits: 4, handshakeLoadRate: 1 });
      const { port } = await server.listen("xtmp://127.0.0.1:0");
      try {
        const { pair, written } = recordingPair();
        void connectSession(pair[0], { identity: clientId }).catch(() => undefined);
        void acceptSession(pair[1], { identity: serverId }).catch(() => undefined);
        await until(() => written.client.length > 0);
        const sock = net.connect(port, "127.0.0.1");
        const got: Buffer[] = [];
        sock.on("data", (d: Buffer) => got.push(d));
        sock.write(written.client[0] as Uint8Array);
        expect(await until(() => parseServerHello(new Uint8Array(Buffer.concat(got))) !== undefined, 5000)).to.equal(true);
        expect(statusOf(new Uint8Array(Buffer.concat(got)))).to.equal(HelloStatus.RETRY);
        sock.destroy();
        const channel = createChannel(`xtmp://127.0.0.1:${port}`, { identity: clientId, serverKey: serverId.publicKey });
        const cs = await channel.connect();
        expect(cs.secure.info.peerIdentity).to.deep.equal(serverId.publicKey);
        channel.close();
      } finally {
        server.forceShutdown();
      }
    });

    it("a server with maxHandshakesInFlight: 2 refuses a third concurrent handshake with BUSY", async () => {
      const server = createServer({ identity: serverId, maxHandshakesInFlight: 2 });
      const { port } = await server.listen("xtmp://127.0.0.1:0");
      const socks: net.Socket[] = [];
      try {
        for (let i = 0; i < 2; i++) {
          const s = net.connect(port, "127.0.0.1");
          socks.push(s);
          await new Promise((r) => s.once("connect", r));
        }
        const d = await connectTcp("127.0.0.1", port);
        const err = await connectSession(d, { identity: clientId }).then(() => expect.fail("connected"), (e: HandshakeError) => e);
        expect(err.reason).to.equal("busy");
        expect(err.code).to.equal(Code.UNAVAILABLE);
      } finally {
        for (const s of socks) s.destroy();
        server.forceShutdown();
      }
    });
  });
});
