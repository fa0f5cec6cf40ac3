// Hostile and broken peers: every case closes with a specific code and leaves other sessions alone.
import { expect } from "chai";
import { acceptSession, connectSession } from "../../src/secure/handshake.js";
import { generateIdentity } from "../../src/secure/identity.js";
import { duplexPair } from "../../src/transport/memory.js";
import type { ByteDuplex } from "../../src/wire/duplex.js";
import { FrameType } from "../../src/wire/frame-types.js";
import { XtmpError } from "../../src/status/error.js";
import { within } from "../helpers/calls.js";
import { Code, establish, inbox, ok, recordingPair, rejected, tamperedPair } from "../helpers/sessions.js";

const serverId = generateIdentity();
const clientId = generateIdentity();
const other = generateIdentity();
const te = new TextEncoder();
const SECRET = "attack at dawn";
const keyHex = (k: Uint8Array) => Buffer.from(k).toString("hex");

/** Asserts an error reveals no key material or plaintext. */
function clean(err: Error): void {
  for (const k of [serverId.seed, clientId.seed, serverId.publicKey.subarray(8), clientId.publicKey.subarray(8)]) {
    expect(err.message).to.not.include(keyHex(k));
  }
  expect(err.message).to.not.include(SECRET);
}

/** A raw peer: writes bytes to a session side and collects what comes back. */
function rawPeer(): { raw: ByteDuplex; other: ByteDuplex; received: Uint8Array[]; ended: Promise<void> } {
  const [raw, o] = duplexPair();
  const received: Uint8Array[] = [];
  let done!: () => void;
  const ended = new Promise<void>((r) => (done = r));
  raw.setReceiver({ onData: (c) => received.push(c), onEnd: () => done() });
  return { raw, other: o, received, ended };
}

describe("secure session: bad input", function () {
  this.timeout(20_000);

  it("wrong server key (IK): both sides fail UNAUTHENTICATED", async () => {
    const [c, s] = await establish({ identity: clientId, serverKey: other.publicKey }, { identity: serverId });
    expect(rejected(c).code).to.equal(Code.UNAUTHENTICATED);
    expect(rejected(s).code).to.equal(Code.UNAUTHENTICATED);
    clean(rejected(c));
  });

  it("wrong server key (XX with a pinned trust policy): both sides fail UNAUTHENTICATED", async () => {
    const [c, s] = await establish({ identity: clientId, trust: { kind: "pinned", keys: [other.publicKey] } }, { identity: serverId });
    expect(rejected(c).code).to.equal(Code.UNAUTHENTICATED);
    expect(rejected(c).message).to.match(/not pinned/);
    expect(rejected(s).code).to.equal(Code.UNAUTHENTICATED);
  });

  it("unknown client key: refused with UNAUTHENTICATED on both sides (XX and IK)", async () => {
    const trust = { kind: "pinned", keys: [other.publicKey] } as const;
    const [c1, s1] = await establish({ identity: clientId }, { identity: serverId, trust });
    expect(rejected(s1).code).to.equal(Code.UNAUTHENTICATED);
    // XX: the client finished first; the server's encrypted CLOSE tells it why
    expect((await inbox(ok(c1)).closed)?.code).to.equal(Code.UNAUTHENTICATED);
    const [c2, s2] = await establish({ identity: clientId, serverKey: serverId.publicKey }, { identity: serverId, trust });
    expect(rejected(s2).code).to.equal(Code.UNAUTHENTICATED);
    expect(rejected(c2).code).to.equal(Code.UNAUTHENTICATED);
    expect(rejected(c2).message).to.match(/not pinned/);
  });

  // What each flipped bit does, per side [client, server]. The bits: 0 (first byte), 75 (byte 9),
  // 96 (byte 12), the last bit, and one in the middle of each handshake message.
  //  - byte 0 of a side's first message is the magic: the receiver reports a protocol error
  //    (INTERNAL); a server answers BAD_PREAMBLE (the client reports INTERNAL too), a client just
  //    aborts (the server hears "the peer aborted": UNAUTHENTICATED);
  //  - a flip that enlarges a length prefix (XX client message 0 byte 9; client message 1 byte 0)
  //    leaves the receiver waiting for bytes that never come: its handshake timeout ends it
  //    (DEADLINE_EXCEEDED) and the other side is told HANDSHAKE_FAILED / sees the peer abort;
  //  - any other flip (a key, a ciphertext, a tag, or a length made shorter) fails authentication
  //    somewhere: UNAUTHENTICATED on both sides.
  const { UNAUTHENTICATED: AUTH, INTERNAL, DEADLINE_EXCEEDED: TIMEOUT } = Code;
  const EXPECTED: Record<"XX" | "IK", Record<string, [number, number]>> = {
    XX: {
      "client message 0, bit 0": [INTERNAL, INTERNAL],
      "client message 0, bit 75": [AUTH, TIMEOUT],
      "client message 0, bit 96": [AUTH, AUTH],
      "client message 0, bit 335": [AUTH, AUTH],
      "client message 0, bit 169": [AUTH, AUTH],
      "client message 1, bit 0": [AUTH, TIMEOUT],
      "client message 1, bit 75": [AUTH, AUTH],
      "client message 1, bit 96": [AUTH, AUTH],
      "client message 1, bit 1391": [AUTH, AUTH],
      "client message 1, bit 697": [AUTH, AUTH],
      "server message 0, bit 0": [INTERNAL, AUTH],
      "server message 0, bit 75": [AUTH, AUTH],
      "server message 0, bit 96": [AUTH, AUTH],
      "server message 0, bit 1711": [AUTH, AUTH],
      "server message 0, bit 857": [AUTH, AUTH],
    },
    IK: {
      "client message 0, bit 0": [INTERNAL, INTERNAL],
      "client message 0, bit 75": [AUTH, AUTH],
      "client message 0, bit 96": [AUTH, AUTH],
      "client message 0, bit 1711": [AUTH, AUTH],
      "client message 0, bit 857": [AUTH, AUTH],
      "server message 0, bit 0": [INTERNAL, AUTH],
      "server message 0, bit 75": [AUTH, AUTH],
      "server message 0, bit 96": [AUTH, AUTH],
      "server message 0, bit 1327": [AUTH, AUTH],
      "server message 0, bit 665": [AUTH, AUTH],
    },
  };

  for (const mode of ["XX", "IK"] as const) {
    it(`${mode}: one flipped bit in any handshake message fails the handshake on both sides, each with its own code`, async () => {
      const serverKey = mode === "IK" ? serverId.publicKey : undefined;
      const { pair, written } = recordingPair();
      await establish({ identity: clientId, serverKey }, { identity: serverId }, pair);
      const messages = [...written.client.map((m, i) => ["client", i, m.length] as const), ...written.server.slice(0, 1).map((m, i) => ["server", i, m.length] as const)];
      expect(messages.length).to.equal(mode === "XX" ? 3 : 2);
      const tried: string[] = [];
      for (const [side, index, length] of messages) {
        for (const bitPos of [0, 9 * 8 + 3, 12 * 8, (length - 1) * 8 + 7, Math.floor(length / 2) * 8 + 1]) {
          const p = tamperedPair((sd, i, chunk) => {
            if (sd === side && i === index) chunk[bitPos >> 3]! ^= 1 << (bitPos & 7);
            return chunk;
          });
          const [c, s] = await establish({ identity: clientId, serverKey, handshakeTimeoutMs: 300 }, { identity: serverId, handshakeTimeoutMs: 300 }, p);
          const where = `${side} message ${index}, bit ${bitPos}`;
          tried.push(where);
          // a side whose handshake completed must see its session die at once; a flipped length
          // prefix leaves a side waiting for bytes that never come: the handshake timeout ends it
          const errC = c.status === "rejected" ? rejected(c) : await inbox(c.value).closed;
          const errS = s.status === "rejected" ? rejected(s) : await inbox(s.value).closed;
          expect(errC, where).to.be.instanceOf(XtmpError);
          expect(errS, where).to.be.instanceOf(XtmpError);
          expect([errC?.code, errS?.code], `${where}: client "${errC?.message}", server "${errS?.message}"`).to.deep.equal(EXPECTED[mode][where]);
          for (const e of [errC, errS]) clean(e as Error);
        }
      }
      expect(tried).to.have.members(Object.keys(EXPECTED[mode])); // the message sizes (and so the bits tried) are as pinned
    });
  }

  it("truncated handshake: the server reports UNAVAILABLE when the peer disconnects", async () => {
    const p = rawPeer();
    const s = acceptSession(p.other, { identity: serverId });
    p.raw.write(new Uint8Array([0x58, 0x54, 0x4d, 0x50, 1, 1, 2, 0, 0, 32, 1, 2, 3])); // hello, then 3 of 32 bytes
    p.raw.close();
    const err = await s.then(() => undefined, (e: unknown) => e as { code: number });
    expect(err?.code).to.equal(Code.UNAVAILABLE);
  });

  it("oversize handshake length prefix: rejected before allocating", async () => {
    const p = rawPeer();
    const s = acceptSession(p.other, { identity: serverId });
    p.raw.write(new Uint8Array([0x58, 0x54, 0x4d, 0x50, 1, 1, 2, 0, 0xff, 0xff]));
    const err = await s.then(() => undefined, (e: unknown) => e as { code: number; message: string });
    expect(err?.code).to.equal(Code.INTERNAL);
    expect(err?.message).to.match(/65535 bytes exceeds/);
  });

  it("oversize record length prefix after the handshake: protocol error, no allocation", async () => {
    const [a, b] = duplexPair();
    let inject!: (bytes: Uint8Array) => void;
    const spy: ByteDuplex = { write: (c) => a.write(c), close: () => a.close(), setReceiver: (r) => a.setReceiver(r) };
    inject = (bytes) => a.write(bytes);
    const [c, s] = await establish({ identity: clientId, maxRecordPlaintext: 1024 }, { identity: serverId, maxRecordPlaintext: 1024 }, [spy, b]);
    const si = inbox(ok(s));
    inject(new Uint8Array([0xff, 0xff, 1, 2, 3]));
    const err = await si.closed;
    expect(err?.code).to.equal(Code.INTERNAL);
    expect(err?.message).to.match(/exceeds the limit of 1040/);
    expect((await inbox(ok(c)).closed)?.code).to.equal(Code.INTERNAL); // told by CLOSE
  });

  it("a replayed record kills the session with DATA_LOSS", async () => {
    const { pair, written } = recordingPair();
    const [c, s] = await establish({ identity: clientId }, { identity: serverId }, pair);
    const si = inbox(ok(s));
    ok(c).send({ type: FrameType.DATA, flags: 0, streamId: 1, payload: te.encode(SECRET) });
    await si.waitFor(1);
    const record = written.client.at(-1) as Uint8Array;
    pair[0].write(record); // replay through the same connection
    const err = await si.closed;
    expect(err?.code).to.equal(Code.DATA_LOSS);
    expect(err?.message).to.match(/record authentication failed/);
    clean(err as Error);
    expect(si.frames).to.have.length(1);
  });

  it("a record from another session is rejected, and that other session is unaffected", async () => {
    const first = recordingPair();
    const [c1, s1] = await establish({ identity: clientId }, { identity: serverId }, first.pair);
    const [, s2] = await establish({ identity: clientId }, { identity: serverId });
    const i1 = inbox(ok(s1));
    const i2 = inbox(ok(s2));
    ok(c1).send({ type: FrameType.DATA, flags: 0, streamId: 1, payload: te.encode("one") });
    await i1.waitFor(1);
    // inject session 1's record into session 2's server
    ok(s2).onData(first.written.client.at(-1) as Uint8Array);
    expect((await i2.closed)?.code).to.equal(Code.DATA_LOSS);
    ok(c1).send({ type: FrameType.DATA, flags: 0, streamId: 3, payload: te.encode("still fine") });
    expect((await i1.waitFor(2))[1]?.payload).to.deep.equal(te.encode("still fine"));
  });

  it("garbage before the preamble: BAD_PREAMBLE answer, INTERNAL error, nothing else processed", async () => {
    const p = rawPeer();
    const s = acceptSession(p.other, { identity: serverId });
    p.raw.write(te.encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    const err = await s.then(() => undefined, (e: unknown) => e as { code: number; message: string });
    expect(err?.code).to.equal(Code.INTERNAL);
    expect(err?.message).to.match(/not an XTMP peer/);
    await p.ended;
    const reply = Buffer.concat(p.received);
    expect(reply.subarray(0, 4).toString()).to.equal("XTMP");
    expect(reply[5]).to.equal(1); // HelloStatus.BAD_PREAMBLE
  });

  it("a client talking to a non-XTMP server fails with INTERNAL", async () => {
    const p = rawPeer();
    const c = connectSession(p.other, { identity: clientId });
    p.raw.write(te.encode("HTTP/1.1 400 Bad Request\r\n\r\n"));
    const err = await c.then(() => undefined, (e: unknown) => e as { code: number; message: string });
    expect(err?.code).to.equal(Code.INTERNAL);
  });

  it("a peer that stalls mid-handshake hits the handshake timeout (DEADLINE_EXCEEDED)", async () => {
    const p = rawPeer();
    const s = acceptSession(p.other, { identity: serverId, handshakeTimeoutMs: 150 });
    p.raw.write(new Uint8Array([0x58, 0x54, 0x4d])); // part of the magic, then silence
    const err = await within(s.then(() => undefined, (e: unknown) => e as { code: number; message: string }), "the handshake timeout");
    expect(err?.code).to.equal(Code.DEADLINE_EXCEEDED);
    expect(err?.message).to.match(/timed out after 150 ms/);
    await within(p.ended, "the connection closing"); // and the connection is closed
  });

  it("protocol version and cipher mismatches are refused before any crypto", async () => {
    const p = rawPeer();
    const s = acceptSession(p.other, { identity: serverId });
    p.raw.write(new Uint8Array([0x58, 0x54, 0x4d, 0x50, 9, 1, 2, 0]));
    expect((await s.catch((e: { code: number }) => e))).to.have.property("code", Code.FAILED_PRECONDITION);
    const [c2, s2] = await establish({ identity: clientId, cipher: "ChaChaPoly" }, { identity: serverId, ciphers: ["AESGCM"] });
    expect(rejected(c2).code).to.equal(Code.FAILED_PRECONDITION);
    expect(rejected(c2).message).to.match(/CIPHER_UNSUPPORTED/);
    expect(rejected(s2).code).to.equal(Code.FAILED_PRECONDITION);
    const [c3] = await establish({ identity: clientId }, { identity: serverId, requirePostQuantum: true });
    expect(rejected(c3).message).to.match(/FEATURE_REQUIRED/);
  });
});
