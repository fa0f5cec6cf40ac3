// Hostile RESUME flights and TICKET frames: clean refusals and protocol errors, never a crash or an unbounded buffer.
import { expect } from "chai";
import { nodeCrypto } from "../../src/secure/crypto-node.js";
import { acceptSession, connectSession, HandshakeError, type Session } from "../../src/secure/handshake.js";
import { generateIdentity } from "../../src/secure/identity.js";
import { encodeTicketFrame, type StoredTicket } from "../../src/secure/resume.js";
import { TicketIssuer } from "../../src/secure/ticket.js";
import { duplexPair } from "../../src/transport/memory.js";
import { XtmpError, Code } from "../../src/status/error.js";
import { FrameType } from "../../src/wire/frame-types.js";
import { encodeClientHello, Feature, HandshakeMode, HelloStatus } from "../../src/wire/preamble.js";
import { until } from "../helpers/calls.js";
import { inbox } from "../helpers/sessions.js";

const serverId = generateIdentity();
const clientId = generateIdentity();

/** Sends `bytes` to a server as a raw client; returns the server's verdict and what it answered. */
async function rawFlight(bytes: Uint8Array, closeAfter = false): Promise<{ error: HandshakeError; answer: Uint8Array; issuer: TicketIssuer }> {
  const issuer = new TicketIssuer(nodeCrypto);
  const [a, b] = duplexPair();
  const chunks: Uint8Array[] = [];
  a.setReceiver({ onData: (c) => void chunks.push(c.slice()), onEnd: () => {} });
  const p = acceptSession(b, { identity: serverId, handshakeTimeoutMs: 5000 }, { tickets: issuer });
  a.write(bytes);
  if (closeAfter) a.close();
  const error = await p.then(
    () => {
      throw new Error("expected a refusal");
    },
    (e: unknown) => e,
  );
  expect(error).to.be.instanceOf(HandshakeError);
  return { error: error as HandshakeError, answer: new Uint8Array(Buffer.concat(chunks)), issuer };
}

function resumeHello(features: number = Feature.ZSTD): Uint8Array {
  return encodeClientHello({ version: 1, mode: HandshakeMode.RESUME, cipher: 2, features });
}

function u16(n: number): Uint8Array {
  return new Uint8Array([n >> 8, n & 0xff]);
}

describe("hostile session resumption input", () => {
  for (const [name, len] of [["0", 0], ["1025 (over the 1024 limit)", 1025], ["65535", 65535]] as const) {
    it(`a ticket length of ${name} is a protocol error answered BAD_PREAMBLE before the ticket is read`, async () => {
      const { error, answer, issuer } = await rawFlight(Buffer.concat([resumeHello(), u16(len)]));
      expect(error.reason).to.equal("protocol");
      expect(answer[5]).to.equal(HelloStatus.BAD_PREAMBLE);
      expect(issuer.stats.refused).to.deep.equal({});
    });
  }

  it("a truncated ticket waits for its bytes (bounded by the 1024-byte limit) and ends cleanly when the peer leaves", async () => {
    const { error, answer, issuer } = await rawFlight(Buffer.concat([resumeHello(), u16(1000), nodeCrypto.randomBytes(100)]), true);
    expect(error.reason).to.equal("closed");
    expect(answer.length).to.equal(0);
    expect(issuer.stats.accepted + Object.keys(issuer.stats.refused).length).to.equal(0);
  });

  it("random ticket bytes of every length 1..300 get TICKET_REJECTED, never a crash", async () => {
    for (let n = 1; n <= 300; n += 7) {
      const msg = nodeCrypto.randomBytes(48);
      const { error, answer } = await rawFlight(Buffer.concat([resumeHello(), u16(n), nodeCrypto.randomBytes(n), u16(msg.length), msg]));
      expect(error.reason, `ticket of ${n} bytes`).to.equal("ticket_rejected");
      expect(answer[5]).to.equal(HelloStatus.TICKET_REJECTED);
    }
  });

  it("RESUME with the hybrid bit is refused with MODE_REFUSED", async () => {
    const { error, answer } = await rawFlight(Buffer.concat([resumeHello(Feature.PQ_HYBRID), u16(1), new Uint8Array(1)]));
    expect(error.reason).to.equal("negotiation");
    expect(answer[5]).to.equal(HelloStatus.MODE_REFUSED);
  });

  async function establishedPair(withIssuer: boolean): Promise<{ c: Session; s: Session; stored: StoredTicket[] }> {
    const stored: StoredTicket[] = [];
    const [a, b] = duplexPair();
    const sp = acceptSession(b, { identity: serverId }, withIssuer ? { tickets: new TicketIssuer(nodeCrypto) } : {});
    const cp = connectSession(a, { identity: clientId }, { store: (t) => void stored.push(t) });
    const [c, s] = await Promise.all([cp, sp]);
    return { c, s, stored };
  }

  it("a TICKET sent to a server is a protocol error that closes the session", async () => {
    const { c, s } = await establishedPair(true);
    const si = inbox(s);
    inbox(c);
    c.send({ type: FrameType.TICKET, flags: 0, streamId: 0, payload: encodeTicketFrame(60, new Uint8Array(8), new Uint8Array(10)) });
    const err = await si.closed;
    expect(err).to.be.instanceOf(XtmpError);
    expect((err as XtmpError).code).to.equal(Code.INTERNAL);
    expect((err as XtmpError).message).to.include("unexpected TICKET");
    expect(si.unexpected).to.deep.equal([]);
  });

  it("a TICKET to a client whose offer the server did not accept is a protocol error", async () => {
    const { c, s } = await establishedPair(false);
    const ci = inbox(c);
    inbox(s);
    s.send({ type: FrameType.TICKET, flags: 0, streamId: 0, payload: encodeTicketFrame(60, new Uint8Array(8), new Uint8Array(10)) });
    const err = await ci.closed;
    expect((err as XtmpError).message).to.include("unexpected TICKET");
    expect(ci.unexpected).to.deep.equal([]);
  });

  const bad: Array<[string, Uint8Array]> = [
    ["lifetime 0", encodeTicketFrame(0, new Uint8Array(8), new Uint8Array(10))],
    ["a lifetime over 7 days", encodeTicketFrame(604_801, new Uint8Array(8), new Uint8Array(10))],
    ["no ticket bytes", encodeTicketFrame(60, new Uint8Array(8), new Uint8Array(0))],
    ["a ticket over 1024 bytes", encodeTicketFrame(60, new Uint8Array(8), new Uint8Array(1025))],
    ["a truncated varint", new Uint8Array([0x80])],
    ["an empty payload", new Uint8Array(0)],
  ];
  for (const [name, payload] of bad) {
    it(`a malformed TICKET (${name}) closes the client's session with a protocol error and stores nothing`, async () => {
      const { c, s, stored } = await establishedPair(true);
      const ci = inbox(c);
      inbox(s);
      expect(await until(() => stored.length === 1), "the genuine TICKET arrived").to.equal(true);
      s.send({ type: FrameType.TICKET, flags: 0, streamId: 0, payload });
      const err = await ci.closed;
      expect((err as XtmpError).code).to.equal(Code.INTERNAL);
      expect((err as XtmpError).message).to.include("protocol error: TICKET");
      expect(stored.length).to.equal(1);
      expect(ci.unexpected).to.deep.equal([]);
    });
  }
});
