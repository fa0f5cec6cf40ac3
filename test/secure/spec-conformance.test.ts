// PROTOCOL.md §3-§9 and §13 pinned byte for byte: refusals, the handshake framing limit, Split() timing, payload fields, record failures, insecure mode.
import { expect } from "chai";
import { loadTranscriptVector, type TranscriptVector } from "../helpers/transcript-vectors.js";
import { ml_kem768 } from "@noble/post-quantum/ml-kem.js";
import { closeCodeOf } from "../../src/secure/close-codes.js";
import { CookieJar } from "../../src/secure/cookie.js";
import { nodeCrypto } from "../../src/secure/crypto-node.js";
import { acceptSession, connectSession, type HandshakeError } from "../../src/secure/handshake.js";
import { generateIdentity, identityFromSeed, noiseStaticKey, x25519FromEd25519Public, type Identity } from "../../src/secure/identity.js";
import { mlKem768, type Kem } from "../../src/secure/kem.js";
import { HandshakeState } from "../../src/secure/noise/handshake-state.js";
import type { AcceptContext, HandshakeTicket, ServerSessionOptions } from "../../src/secure/options.js";
import { buildPayload, verifyPayload } from "../../src/secure/payload.js";
import { Code, XtmpError } from "../../src/status/error.js";
import { crc32c } from "../../src/wire/crc32c.js";
import { duplexPair } from "../../src/transport/memory.js";
import { CloseCode, FrameType } from "../../src/wire/frame-types.js";
import { parseFrame } from "../../src/wire/frame.js";
import { encodeTlv, parseTlv } from "../../src/wire/tlv.js";
import { until } from "../helpers/calls.js";
import { establish, inbox, ok, tamperedPair } from "../helpers/sessions.js";

const te = new TextEncoder();
const td = new TextDecoder();
const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "hex"));
const cat = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));
const u16 = (n: number): Uint8Array => new Uint8Array([n >> 8, n & 0xff]);
const hello = (version: number, mode: number, cipher: number, features: number): Uint8Array => new Uint8Array([0x58, 0x54, 0x4d, 0x50, version, mode, cipher, features]);
const serverId = generateIdentity();
const clientId = generateIdentity();

/** A raw client: writes bytes to a server side and keeps what comes back. */
function rawClient(sopts: ServerSessionOptions, ctx?: AcceptContext) {
  const [raw, srv] = duplexPair();
  const received: Uint8Array[] = [];
  let isEnded = false;
  let done!: () => void;
  const ended = new Promise<void>((r) => (done = r));
  raw.setReceiver({ onData: (c) => void received.push(c.slice()), onEnd: () => ((isEnded = true), done()) });
  const session = acceptSession(srv, sopts, ctx);
  const settled = session.then(
    (s) => ({ session: s, error: undefined }),
    (e: HandshakeError) => ({ session: undefined, error: e }),
  );
  return { raw, received, ended, settled, bytes: () => cat(...received), isEnded: () => isEnded };
}

/** Asserts `got` is exactly a refusal ServerHello: magic, version 1, `status`, features 0, reserved 0, u16 length, reason. */
function expectRefusal(got: Uint8Array, status: number, reason: RegExp): string {
  expect(got.length, "at least the 10-byte header").to.be.at.least(10);
  const len = (got[8]! << 8) | got[9]!;
  const text = td.decode(got.subarray(10, 10 + len));
  expect(text).to.match(reason);
  // byte for byte: nothing precedes, nothing follows the reason (no ABORT, no stray bytes)
  expect(hex(got)).to.equal(hex(cat(hello(1, status, 0, 0), u16(len), te.encode(text))));
  return text;
}

/** An admission ticket that always demands a cookie, at difficulty 0. */
function cookieTicket(): HandshakeTicket {
  return { cookies: new CookieJar(nodeCrypto), cookieDemand: () => 0, retried() {}, finished() {} };
}

describe("PROTOCOL.md conformance: preamble, handshake and records", function () {
  this.timeout(20_000);

  describe("§3 ServerHello refusals, byte for byte", () => {
    const cases: Array<{ name: string; status: number; sopts?: ServerSessionOptions; send: Uint8Array; reason: RegExp; code: Code }> = [
      { name: "1 BAD_PREAMBLE (bad magic)", status: 1, send: new Uint8Array([0x58, 0x54, 0x00, 0x50, 1, 1, 2, 0]), reason: /^protocol error: not an XTMP peer \(bad magic\)$/, code: Code.INTERNAL },
      { name: "1 BAD_PREAMBLE (handshake message over 8192 bytes)", status: 1, send: cat(hello(1, 1, 2, 0), u16(8193)), reason: /^protocol error: handshake message of 8193 bytes exceeds 8192$/, code: Code.INTERNAL },
      { name: "2 VERSION_UNSUPPORTED", status: 2, send: hello(2, 1, 2, 0), reason: /^protocol version 2 is not supported/, code: Code.FAILED_PRECONDITION },
      { name: "3 MODE_REFUSED (insecure to a secure server)", status: 3, send: hello(1, 0, 0, 0), reason: /^insecure sessions are refused/, code: Code.UNAUTHENTICATED },
      { name: "3 MODE_REFUSED (secure to an insecure server)", status: 3, sopts: { insecure: true }, send: hello(1, 1, 2, 0), reason: /^this server runs in insecure mode$/, code: Code.UNAUTHENTICATED },
      { name: "4 CIPHER_UNSUPPORTED (unknown cipher)", status: 4, send: hello(1, 1, 9, 0), reason: /^cipher 9 is not accepted$/, code: Code.FAILED_PRECONDITION },
      { name: "4 CIPHER_UNSUPPORTED (secure mode with cipher 0)", status: 4, send: hello(1, 2, 0, 0), reason: /^cipher 0 is not accepted$/, code: Code.FAILED_PRECONDITION },
      { name: "4 CIPHER_UNSUPPORTED (insecure mode with cipher 1)", status: 4, sopts: { insecure: true }, send: hello(1, 0, 1, 0), reason: /^cipher 1 in insecure mode \(must be 0\)$/, code: Code.FAILED_PRECONDITION },
      { name: "5 FEATURE_REQUIRED", status: 5, sopts: { requirePostQuantum: true }, send: hello(1, 1, 2, 0), reason: /post-quantum/, code: Code.FAILED_PRECONDITION },
      // IK message 1 whose ephemeral key is all zeros (low order): the handshake fails before any ServerHello
      { name: "6 HANDSHAKE_FAILED (the client sent ABORT as its first message)", status: 6, send: cat(hello(1, 1, 2, 0), u16(0)), reason: /^handshake failed: the peer aborted the handshake$/, code: Code.UNAUTHENTICATED },
      { name: "6 HANDSHAKE_FAILED (message 1 refused: a low-order ephemeral key)", status: 6, send: cat(hello(1, 2, 2, 0), u16(96), new Uint8Array(96)), reason: /^handshake failed: /, code: Code.UNAUTHENTICATED },
    ];
    for (const c of cases) {
      it(`${c.name}: the ServerHello with its reason, nothing after it, then the connection closes`, async () => {
        const peer = rawClient({ identity: serverId, ...c.sopts });
        peer.raw.write(c.send);
        const { error } = await peer.settled;
        expect(error?.code, error?.message ?? "the server accepted").to.equal(c.code);
        await peer.ended;
        expectRefusal(peer.bytes(), c.status, c.reason);
      });
    }

    it("7 RETRY: ServerHello, reason, difficulty, cookie length, cookie, and nothing more; the connection stays open", async () => {
      const peer = rawClient({ identity: serverId }, { remoteAddress: "127.0.0.1:1", admission: { admit: () => cookieTicket() } });
      peer.raw.write(cat(hello(1, 1, 2, 0), u16(32), new Uint8Array(32).fill(9)));
      const complete = (b: Uint8Array): boolean => {
        if (b.length < 10) return false;
        const n = 10 + ((b[8]! << 8) | b[9]!);
        return b.length >= n + 2 && b.length >= n + 2 + b[n + 1]!;
      };
      expect(await until(() => complete(peer.bytes()))).to.equal(true);
      const got = peer.bytes();
      const len = (got[8]! << 8) | got[9]!;
      expect(td.decode(got.subarray(10, 10 + len))).to.match(/^server is under load: answer RETRY with the cookie/);
      const cookie = got.subarray(12 + len);
      expect(cookie.length).to.equal(21);
      expect(hex(got)).to.equal(hex(cat(hello(1, 7, 0, 0), u16(len), got.subarray(10, 10 + len), new Uint8Array([0, 21]), cookie)));
      // the skipped message 1 was read; the server now waits for a new ClientHello on this connection
      expect(peer.isEnded()).to.equal(false);
      peer.raw.close();
      expect((await peer.settled).error?.code).to.equal(Code.UNAVAILABLE);
    });

    it("8 BUSY: refused before reading, the ServerHello with its reason and nothing else", async () => {
      const peer = rawClient({ identity: serverId }, { admission: { admit: () => ({ refused: "busy", message: "too many handshakes in progress" }) } });
      peer.raw.write(cat(hello(1, 1, 2, 0), u16(32), new Uint8Array(32)));
      const { error } = await peer.settled;
      await peer.ended;
      expectRefusal(peer.bytes(), 8, /^too many handshakes in progress$/);
      expect(error?.code).to.equal(Code.UNAVAILABLE);
    });

    // the client's mapping of each refusal status (§3), and that it writes nothing after its first flight
    const mapping: Array<[number, Code]> = [
      [1, Code.INTERNAL],
      [2, Code.FAILED_PRECONDITION],
      [3, Code.UNAUTHENTICATED],
      [4, Code.FAILED_PRECONDITION],
      [5, Code.FAILED_PRECONDITION],
      [6, Code.UNAUTHENTICATED],
      [8, Code.UNAVAILABLE],
      [42, Code.FAILED_PRECONDITION],
    ];
    for (const [status, code] of mapping) {
      it(`a client refused with status ${status} fails ${Code[code]}, shows the reason, and sends nothing more`, async () => {
        const [cside, raw] = duplexPair();
        const fromClient: Uint8Array[] = [];
        let done!: () => void;
        const ended = new Promise<void>((r) => (done = r));
        raw.setReceiver({ onData: (c) => void fromClient.push(c.slice()), onEnd: () => done() });
        const p = connectSession(cside, { identity: clientId, serverKey: serverId.publicKey }).catch((e: unknown) => e);
        expect(await until(() => fromClient.length === 1)).to.equal(true);
        raw.write(cat(hello(1, status, 0, 0), u16(11), te.encode("go away now")));
        const err = (await p) as XtmpError;
        expect(err).to.be.instanceOf(XtmpError);
        expect(err.code, err.message).to.equal(code);
        expect(err.message).to.include("go away now");
        await ended; // the client closed: anything it wrote before is delivered
        expect(fromClient.length, "no ABORT after a refusal").to.equal(1);
      });
    }
  });

  describe("§4 handshake framing", () => {
    it("a server's handshake message over 8192 bytes: the client fails INTERNAL and answers ABORT", async () => {
      const [cside, raw] = duplexPair();
      const fromClient: Uint8Array[] = [];
      raw.setReceiver({ onData: (c) => void fromClient.push(c.slice()), onEnd() {} });
      const p = connectSession(cside, { identity: clientId }).catch((e: unknown) => e);
      expect(await until(() => fromClient.length === 1)).to.equal(true);
      raw.write(cat(hello(1, 0, 0, 0), u16(8193)));
      const err = (await p) as XtmpError;
      expect(err.code, err.message).to.equal(Code.INTERNAL);
      expect(err.message).to.match(/exceeds 8192/);
      expect(await until(() => fromClient.length === 2)).to.equal(true);
      expect(hex(fromClient[1]!)).to.equal("0000");
    });
  });

  describe("§4.1 Split() and the first record", () => {
    /** A pair whose writes from `side`, from its `from`-th write on, are held (not delivered) until release(). */
    function holdingPair(side: "client" | "server", from: number) {
      const held: Uint8Array[] = [];
      let holding = true;
      const pair = tamperedPair((s, i, chunk) => {
        if (s !== side || i < from || !holding) return chunk;
        held.push(chunk);
        return null;
      });
      const target = side === "client" ? pair[0] : pair[1];
      return {
        pair,
        held,
        release: () => {
          holding = false;
          for (const c of held.splice(0)) target.write(c); // through the same side, in order
        },
      };
    }

    it("XX: the client splits after writing message 3 and may send a record in the same flight; the server splits after reading message 3", async () => {
      const h = holdingPair("client", 1);
      let serverDone = false;
      const s = acceptSession(h.pair[1], { identity: serverId });
      void s.then(() => (serverDone = true));
      const client = await connectSession(h.pair[0], { identity: clientId });
      expect(client.info.mode).to.equal("XX");
      // message 3 is written but not delivered: the client has split, the server cannot have
      expect(h.held.length).to.equal(1);
      expect(serverDone).to.equal(false);
      client.send({ type: FrameType.DATA, flags: 1, streamId: 1, payload: te.encode("first record") });
      client.flush();
      expect(h.held.length).to.equal(2);
      h.release();
      const server = await s;
      const box = inbox(server);
      expect(td.decode((await box.waitFor(1))[0]!.payload)).to.equal("first record");
      expect(hex(server.info.handshakeHash)).to.equal(hex(client.info.handshakeHash));
    });

    it("IK: the server splits after writing message 2 and may send a record right behind it; the client splits after reading message 2", async () => {
      const h = holdingPair("server", 0);
      let clientDone = false;
      const c = connectSession(h.pair[0], { identity: clientId, serverKey: serverId.publicKey });
      void c.then(() => (clientDone = true));
      const server = await acceptSession(h.pair[1], { identity: serverId });
      expect(server.info.mode).to.equal("IK");
      server.send({ type: FrameType.DATA, flags: 1, streamId: 1, payload: te.encode("server first") });
      server.flush();
      // ServerHello ‖ message 2, then the server's first record: none delivered yet
      expect(h.held.length).to.equal(2);
      expect(clientDone).to.equal(false);
      h.release();
      const client = await c;
      const box = inbox(client);
      expect(td.decode((await box.waitFor(1))[0]!.payload)).to.equal("server first");
      expect(hex(server.info.handshakeHash)).to.equal(hex(client.info.handshakeHash));
    });
  });

  describe("§5 MAX_RECORD and FEATURES", () => {
    const crypto = nodeCrypto;
    const id = generateIdentity();
    const stat = noiseStaticKey(id, crypto).publicKey;
    const h = crypto.randomBytes(32);

    it("MAX_RECORD absent means 1024", () => {
      const full = buildPayload(crypto, id, "I", stat, 16384, 0, h);
      expect(verifyPayload(crypto, full, "I", stat, h, { kind: "any" }).maxRecord).to.equal(16384);
      const stripped = encodeTlv([...parseTlv(full)].filter(([tag]) => tag !== 4));
      expect(verifyPayload(crypto, stripped, "I", stat, h, { kind: "any" }).maxRecord).to.equal(1024);
    });

    it("the peer's MAX_RECORD bounds what a side sends: a 1024-byte limit gives 1008-byte frames, the default (65519) 65503", async () => {
      const [c, s] = await establish({ identity: clientId, maxRecordPlaintext: 1024 }, { identity: serverId });
      expect(ok(s).maxFramePayload).to.equal(1024 - 16);
      expect(ok(c).maxFramePayload).to.equal(65519 - 16);
    });

    /** A hand-driven client whose identity payload carries `payloadFeatures` while its ClientHello offers `offer`. */
    async function craftedClient(mode: "XX" | "IK", offer: number, payloadFeatures: number) {
      const peer = rawClient({ identity: serverId });
      const ch = hello(1, mode === "XX" ? 1 : 2, 2, offer);
      const s = noiseStaticKey(clientId, nodeCrypto);
      const hs = new HandshakeState({
        pattern: mode,
        initiator: true,
        cipher: "AESGCM",
        crypto: nodeCrypto,
        prologue: ch,
        s,
        ...(mode === "IK" ? { rs: x25519FromEd25519Public(serverId.publicKey) } : {}),
      });
      const payload = (hh: Uint8Array) => buildPayload(nodeCrypto, clientId, "I", s.publicKey, 16384, payloadFeatures, hh);
      const m1 = mode === "IK" ? hs.writeMessage(payload) : hs.writeMessage();
      peer.raw.write(cat(ch, u16(m1.length), m1));
      if (mode === "XX") {
        expect(await until(() => peer.bytes().length > 10 && peer.bytes().length >= 10 + ((peer.bytes()[8]! << 8) | peer.bytes()[9]!))).to.equal(true);
        const got = peer.bytes();
        expect(got[5], "ServerHello OK").to.equal(0);
        hs.readMessage(got.subarray(10, 10 + ((got[8]! << 8) | got[9]!)));
        peer.received.length = 0;
        const m3 = hs.writeMessage(payload);
        peer.raw.write(cat(u16(m3.length), m3));
      }
      return { peer, hs };
    }

    for (const mode of ["XX", "IK"] as const) {
      it(`${mode}: a client payload whose FEATURES repeat the ClientHello is accepted (the crafted client is otherwise valid)`, async () => {
        const { peer } = await craftedClient(mode, 0x02, 0x02);
        const { session, error } = await peer.settled;
        expect(error, error?.message).to.equal(undefined);
        expect(session!.info.features).to.equal(0x02);
        session!.close();
      });
    }

    it("IK: FEATURES that differ from the ClientHello: ServerHello HANDSHAKE_FAILED, the server fails UNAUTHENTICATED", async () => {
      const { peer } = await craftedClient("IK", 0x02, 0x00);
      const { error } = await peer.settled;
      expect(error?.code, error?.message ?? "the server accepted").to.equal(Code.UNAUTHENTICATED);
      expect(error?.reason).to.equal("auth");
      await peer.ended;
      expectRefusal(peer.bytes(), 6, /^handshake failed: FEATURES 0 in the client's payload differ from its ClientHello \(2\)$/);
    });

    it("XX: FEATURES that differ from the ClientHello: the server fails UNAUTHENTICATED and sends an encrypted CLOSE AUTH_FAILED", async () => {
      const { peer, hs } = await craftedClient("XX", 0x00, 0x02);
      const { error } = await peer.settled;
      expect(error?.code, error?.message ?? "the server accepted").to.equal(Code.UNAUTHENTICATED);
      await peer.ended;
      const rec = peer.bytes();
      const len = (rec[0]! << 8) | rec[1]!;
      expect(rec.length).to.equal(2 + len);
      const pt = hs.split().recv.decryptWithAd(new Uint8Array(0), rec.subarray(2));
      expect(pt).to.not.equal(null);
      const [frame] = parseFrame(pt!, 0, 16384)!;
      expect(frame.type).to.equal(FrameType.CLOSE);
      expect(frame.payload[0]).to.equal(CloseCode.AUTH_FAILED);
      expect(td.decode(frame.payload.subarray(1))).to.match(/FEATURES 2 in the client's payload differ from its ClientHello \(0\)/);
    });
  });

  describe("§6 and §8: records that fail their check", () => {
    it("secure: a record that fails authentication is DATA_LOSS locally, CLOSE PROTOCOL_ERROR to the peer, which reports INTERNAL", async () => {
      expect(closeCodeOf(new XtmpError(Code.DATA_LOSS, "x"))).to.equal(CloseCode.PROTOCOL_ERROR);
      // XX: client writes 0 = ClientHello ‖ message 1, 1 = message 3, 2 = its first record
      const pair = tamperedPair((side, i, chunk) => {
        if (side === "client" && i === 2) chunk[chunk.length - 1]! ^= 0x01;
        return chunk;
      });
      const [c, s] = await establish({ identity: clientId }, { identity: serverId }, pair);
      const server = inbox(ok(s));
      const client = inbox(ok(c));
      ok(c).send({ type: FrameType.DATA, flags: 1, streamId: 1, payload: te.encode("tampered") });
      const serverErr = await server.closed;
      expect(serverErr?.code).to.equal(Code.DATA_LOSS);
      expect(serverErr?.message).to.match(/record authentication failed/);
      const clientErr = await client.closed;
      expect(clientErr?.code).to.equal(Code.INTERNAL);
      expect(clientErr?.message).to.match(/peer closed the session: record authentication failed/);
      expect(server.frames.length).to.equal(0);
    });

    it("insecure: a bad CRC-32C is DATA_LOSS locally and the peer gets CLOSE PROTOCOL_ERROR (code 1, byte for byte)", async () => {
      const fromServer: Uint8Array[] = [];
      // insecure: client write 0 = ClientHello, 1 = its first record; server write 0 = ServerHello, 1 = the CLOSE record
      const pair = tamperedPair((side, i, chunk) => {
        if (side === "client" && i === 1) chunk[chunk.length - 1]! ^= 0x01;
        if (side === "server") fromServer.push(chunk.slice());
        return chunk;
      });
      const [c, s] = await establish({ insecure: true }, { insecure: true }, pair);
      const server = inbox(ok(s));
      const client = inbox(ok(c));
      ok(c).send({ type: FrameType.DATA, flags: 1, streamId: 1, payload: te.encode("corrupted") });
      const serverErr = await server.closed;
      expect(serverErr?.code).to.equal(Code.DATA_LOSS);
      expect(serverErr?.message).to.equal("[DATA_LOSS] record checksum mismatch");
      expect((await client.closed)?.code).to.equal(Code.INTERNAL);
      const reason = te.encode("record checksum mismatch");
      const pt = cat(new Uint8Array([FrameType.CLOSE, 0, 0, 1 + reason.length, CloseCode.PROTOCOL_ERROR]), reason);
      const crc = new Uint8Array(4);
      new DataView(crc.buffer).setUint32(0, crc32c(pt));
      // ServerHello: status 0, features 0x08 (LARGE_RECORDS, offered by every insecure client of this implementation)
      expect(fromServer.map(hex)).to.deep.equal([hex(hello(1, 0, 0x08, 0)), hex(cat(u16(pt.length + 4), pt, crc))]);
    });

    it("insecure with LARGE_RECORDS (offered and accepted): MAX_RECORD is 65519 both ways whatever maxRecordPlaintext says", async () => {
      const [c, s] = await establish({ insecure: true, maxRecordPlaintext: 1024 }, { insecure: true, maxRecordPlaintext: 2048 });
      const client = inbox(ok(c));
      expect(ok(c).info.features & 0x08).to.equal(0x08);
      expect(ok(c).maxFramePayload).to.equal(65519 - 16);
      expect(ok(s).maxFramePayload).to.equal(65519 - 16);
      const big = nodeCrypto.randomBytes(65000);
      ok(s).send({ type: FrameType.DATA, flags: 1, streamId: 1, payload: big });
      const f = await Promise.race([client.waitFor(1).then((fs) => fs[0]!), client.closed.then((e) => Promise.reject(e ?? new Error("closed")))]);
      expect(hex(f.payload)).to.equal(hex(big));
      expect(ok(c).isClosed).to.equal(false);
    });

    // an insecure record: u16 length, plaintext, CRC-32C
    const crcRecord = (pt: Uint8Array): Uint8Array => {
      const crc = new Uint8Array(4);
      new DataView(crc.buffer).setUint32(0, crc32c(pt));
      return cat(u16(pt.length + 4), pt, crc);
    };
    // one DATA frame on stream 1 whose plaintext is exactly `size` bytes (type, flags, id, varint length, payload)
    const dataPlaintext = (size: number): Uint8Array => {
      const k = size - 3 - 2 < 16384 ? 2 : 3;
      const n = size - 3 - k;
      const len = k === 2 ? [(n & 0x7f) | 0x80, n >> 7] : [(n & 0x7f) | 0x80, ((n >> 7) & 0x7f) | 0x80, n >> 14];
      return cat(new Uint8Array([FrameType.DATA, 1, 1, ...len]), nodeCrypto.randomBytes(n));
    };

    it("insecure without LARGE_RECORDS (a client that does not offer bit 0x08): 16384 both ways, a larger record is a protocol error", async () => {
      const rc = rawClient({ insecure: true });
      rc.raw.write(hello(1, 0, 0, 0));
      const { session, error } = await rc.settled;
      if (!session) throw new Error(`no session: ${String(error)}`);
      expect(hex(rc.bytes())).to.equal(hex(hello(1, 0, 0, 0)));
      expect(session.maxFramePayload).to.equal(16384 - 16);
      const srv = inbox(session);
      rc.raw.write(crcRecord(dataPlaintext(16384)));
      expect((await srv.waitFor(1))[0]!.payload.length).to.equal(16384 - 5);
      rc.raw.write(crcRecord(dataPlaintext(16385)));
      const err = await srv.closed;
      expect(err?.message).to.match(/record of 16389 bytes exceeds the limit of 16388/);
    });

    it("insecure with LARGE_RECORDS: a 65519-byte record is accepted, the server's ServerHello accepts bit 0x08", async () => {
      const rc = rawClient({ insecure: true });
      rc.raw.write(hello(1, 0, 0, 0x08));
      const { session, error } = await rc.settled;
      if (!session) throw new Error(`no session: ${String(error)}`);
      // ServerHello: version 1, status 0, features 0x08, reserved 0
      expect(hex(rc.bytes())).to.equal(hex(hello(1, 0, 0x08, 0)));
      expect(session.maxFramePayload).to.equal(65519 - 16);
      const srv = inbox(session);
      rc.raw.write(crcRecord(dataPlaintext(65519)));
      expect((await srv.waitFor(1))[0]!.payload.length).to.equal(65519 - 6);
      expect(session.isClosed).to.equal(false);
    });
  });

  describe("§9 identity payloads in the committed vectors", () => {
    type Vector = TranscriptVector;
    const load = loadTranscriptVector;
    const keyPair = (priv: string) => ({ privateKey: unhex(priv), publicKey: nodeCrypto.x25519PublicKey(unhex(priv)) });
    /** The handshake messages of the vector (length prefixes and hellos removed). */
    function handshakeMessages(v: Vector): Uint8Array[] {
      const n = v.mode.startsWith("IK") ? 2 : 3;
      return v.messages.slice(0, n).map(([, m], i) => {
        const b = unhex(m);
        const at = i < 2 ? 8 : 0;
        return b.subarray(at + 2, at + 2 + ((b[at]! << 8) | b[at + 1]!));
      });
    }

    for (const file of ["xx-aesgcm.json", "ik-chachapoly.json", "xxhfs-aesgcm.json"]) {
      it(`${file}: both payloads carry exactly tags 1, 2, 4, 5 in that order, MAX_RECORD 16384, FEATURES 0 (1 with the hybrid bit)`, () => {
        const v = load(file);
        const client: Identity = identityFromSeed(unhex(v.client_identity_seed));
        const server: Identity = identityFromSeed(unhex(v.server_identity_seed));
        const pq = v.mode.endsWith("hfs");
        const kem: Kem | undefined = pq
          ? { ...mlKem768, generate: () => ml_kem768.keygen(unhex(v.kem_keygen_seed!)), encapsulate: (pk) => ml_kem768.encapsulate(pk, unhex(v.kem_encapsulate_message!)) }
          : undefined;
        const prologue = unhex(v.messages[0]![1]).subarray(0, 8);
        const common = { pattern: v.mode, cipher: v.cipher, crypto: nodeCrypto, prologue, ...(kem ? { kem } : {}) };
        const ini = new HandshakeState({ ...common, initiator: true, s: noiseStaticKey(client, nodeCrypto), e: keyPair(v.client_ephemeral_private), ...(v.mode.startsWith("IK") ? { rs: noiseStaticKey(server, nodeCrypto).publicKey } : {}) });
        const res = new HandshakeState({ ...common, initiator: false, s: noiseStaticKey(server, nodeCrypto), e: keyPair(v.server_ephemeral_private) });
        const msgs = handshakeMessages(v);
        const payloads: Array<[string, Uint8Array]> = [];
        if (v.mode.startsWith("IK")) {
          const p1 = res.readMessage(msgs[0]!);
          expect(hex(ini.writeMessage(p1))).to.equal(hex(msgs[0]!));
          payloads.push(["client", p1], ["server", ini.readMessage(msgs[1]!)]);
        } else {
          expect(hex(ini.writeMessage())).to.equal(hex(msgs[0]!));
          const p2 = ini.readMessage(msgs[1]!);
          res.readMessage(msgs[0]!);
          expect(hex(res.writeMessage(p2))).to.equal(hex(msgs[1]!));
          payloads.push(["server", p2], ["client", res.readMessage(msgs[2]!)]);
        }
        expect(payloads.length).to.equal(2);
        for (const [who, p] of payloads) {
          const tags: number[] = [];
          for (let off = 0; off < p.length; ) {
            tags.push(p[off]!);
            const len = p[off + 1]!; // every value here is shorter than 128 bytes: a one-byte varint
            expect(len).to.be.below(128);
            off += 2 + len;
          }
          expect(tags, who).to.deep.equal([1, 2, 4, 5]);
          const tlv = parseTlv(p);
          expect(hex(tlv.get(1)!)).to.equal(hex((who === "client" ? client : server).publicKey));
          expect(tlv.get(2)!.length).to.equal(64);
          expect(hex(tlv.get(4)!), "MAX_RECORD 16384 = varint 80 80 01").to.equal("808001");
          // FEATURES: the client's offer / the server's accepted set; the vectors offer no zstd, so 0 (1 in XXhfs: the hybrid bit)
          expect(hex(tlv.get(5)!), "FEATURES").to.equal(pq ? "01" : "00");
        }
      });
    }
  });
});

