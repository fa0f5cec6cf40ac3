// Session resumption (PROTOCOL.md §4.2): resumption secret, ticket PSKs, TICKET frames, and the NNpsk0 flight's pieces.
import { Code, XtmpError } from "../status/error.js";
import type { ByteQueue } from "../wire/byte-queue.js";
import { FrameType } from "../wire/frame-types.js";
import { MAX_TICKET } from "../wire/preamble.js";
import { MAX_PLAINTEXT_LIMIT, MIN_PLAINTEXT_LIMIT } from "../wire/record.js";
import { encodeTlv, parseTlv } from "../wire/tlv.js";
import { readVarint, varintSize, writeVarint } from "../wire/varint.js";
import type { CipherName, CryptoBackend, KeyPair } from "./crypto.js";
import { HandshakeError } from "./handshake-error.js";
import { HandshakeState } from "./noise/handshake-state.js";
import type { SessionInfo } from "./options.js";
import type { RecordSession } from "./record-session.js";
import { PayloadTag, type PeerPayload } from "./payload.js";
import { MAX_TICKET_LIFETIME, type TicketIssuer } from "./ticket.js";
import { checkTrust, type TrustPolicy } from "./trust.js";

/** The Noise pattern of a resumed handshake (and the `mode` its SessionInfo reports). */
export const RESUME_PATTERN = "NNpsk0";
/** Size of the nonce a TICKET frame carries. */
export const TICKET_NONCE_SIZE = 8;
const te = new TextEncoder();
const RESUMPTION_LABEL = "XTMP-v1 resumption";
const PSK_LABEL = te.encode("XTMP-v1 ticket psk\0");

/** A ticket a client holds for one server. */
export interface StoredTicket {
  /** The opaque ticket bytes (1..1024). */
  readonly ticket: Uint8Array;
  /** Its 32-byte PSK. */
  readonly psk: Uint8Array;
  /** When it expires (ms since the epoch, local clock). */
  readonly expiresAt: number;
  /** The server's identity key, reported by a session resumed with the ticket. */
  readonly serverIdentity: Uint8Array;
  /** The server's certificate, when it sent one in the full handshake. */
  readonly serverCertificate: Uint8Array | undefined;
}

/** The client's side of resumption on one connection. */
export interface ClientResumption {
  /** A ticket to resume with; without one, a full handshake that asks for a ticket. */
  readonly ticket?: StoredTicket | undefined;
  /** A new ticket arrived on the session (it replaces the one used). */
  store(ticket: StoredTicket): void;
}

/** The resumption secret of a finished handshake: HKDF(ck, "XTMP-v1 resumption")[0..32]. Call before split(). */
export function resumptionSecret(hs: HandshakeState): Uint8Array {
  return hs.ss.exportSecret(RESUMPTION_LABEL);
}

/** A ticket's PSK: HMAC-SHA256(resumption secret, "XTMP-v1 ticket psk" ‖ 0x00 ‖ nonce). */
export function ticketPsk(crypto: CryptoBackend, secret: Uint8Array, nonce: Uint8Array): Uint8Array {
  return crypto.hmacSha256(secret, PSK_LABEL, nonce);
}

/** TICKET frame payload: lifetime (varint seconds) ‖ nonce (8) ‖ ticket. */
export function encodeTicketFrame(lifetime: number, nonce: Uint8Array, ticket: Uint8Array): Uint8Array {
  const out = new Uint8Array(varintSize(lifetime) + TICKET_NONCE_SIZE + ticket.length);
  const off = writeVarint(out, 0, lifetime);
  out.set(nonce.subarray(0, TICKET_NONCE_SIZE), off);
  out.set(ticket, off + TICKET_NONCE_SIZE);
  return out;
}

/** Parses a TICKET frame payload; a malformed one is a protocol error (XtmpError INTERNAL). */
export function parseTicketFrame(payload: Uint8Array): { lifetime: number; nonce: Uint8Array; ticket: Uint8Array } {
  const r = readVarint(payload, 0);
  const bad = (what: string): never => {
    throw new XtmpError(Code.INTERNAL, `protocol error: TICKET ${what}`);
  };
  if (!r) return bad("truncated");
  const [lifetime, off] = r;
  if (lifetime < 1 || lifetime > MAX_TICKET_LIFETIME) bad(`lifetime ${lifetime} s (1..${MAX_TICKET_LIFETIME})`);
  const n = payload.length - off - TICKET_NONCE_SIZE;
  if (n < 1 || n > MAX_TICKET) bad(`of ${Math.max(n, 0)} bytes (1..${MAX_TICKET})`);
  // copies (new Uint8Array): the payload may view a record buffer that is reused
  return { lifetime, nonce: new Uint8Array(payload.subarray(off, off + TICKET_NONCE_SIZE)), ticket: new Uint8Array(payload.subarray(off + TICKET_NONCE_SIZE)) };
}

/** Server: sends the TICKET of the session just established (none when it would be too large), then wipes `secret`. */
export function sendTicket(session: RecordSession & { readonly info: SessionInfo }, crypto: CryptoBackend, issuer: TicketIssuer | undefined, secret: Uint8Array, serverIdentity: Uint8Array): void {
  const nonce = new Uint8Array(TICKET_NONCE_SIZE); // one ticket per session: nonce 0
  const psk = ticketPsk(crypto, secret, nonce);
  secret.fill(0);
  const ticket = issuer?.seal(psk, serverIdentity, session.info.peerIdentity as Uint8Array, session.info.peerCertificate);
  psk.fill(0);
  if (ticket) session.send({ type: FrameType.TICKET, flags: 0, streamId: 0, payload: encodeTicketFrame((issuer as TicketIssuer).lifetime, nonce, ticket) });
}

/** Client: what to do with each TICKET frame of a session (PSK from the session's resumption secret). */
export function ticketReceiver(crypto: CryptoBackend, secret: Uint8Array, info: SessionInfo, resume: ClientResumption, now: () => number = Date.now): (payload: Uint8Array) => void {
  return (payload) => {
    const f = parseTicketFrame(payload);
    resume.store({
      ticket: f.ticket,
      psk: ticketPsk(crypto, secret, f.nonce),
      expiresAt: now() + f.lifetime * 1000,
      serverIdentity: info.peerIdentity as Uint8Array,
      serverCertificate: info.peerCertificate,
    });
  };
}

/** The ticket block of a RESUME flight: length (u16) ‖ ticket. */
export function encodeTicketBlock(ticket: Uint8Array): Uint8Array {
  if (ticket.length < 1 || ticket.length > MAX_TICKET) throw new RangeError(`ticket of ${ticket.length} bytes (1..${MAX_TICKET})`);
  const out = new Uint8Array(2 + ticket.length);
  out[0] = ticket.length >> 8;
  out[1] = ticket.length & 0xff;
  out.set(ticket, 2);
  return out;
}

/** Takes the ticket block off `queue`; undefined while incomplete. A length of 0 or over 1024 is a protocol error. */
export function takeTicketBlock(queue: ByteQueue): Uint8Array | undefined {
  if (queue.length < 2) return undefined;
  const p = queue.peek(2);
  const len = ((p[0] as number) << 8) | (p[1] as number);
  if (len < 1 || len > MAX_TICKET) throw new HandshakeError(Code.INTERNAL, "protocol", `protocol error: ticket of ${len} bytes (1..${MAX_TICKET})`);
  if (queue.length < 2 + len) return undefined;
  queue.skip(2);
  return new Uint8Array(queue.take(len)); // a copy
}

/** The NNpsk0 handshake state of a resumed session; `e` is for test vectors only. */
export function resumeState(crypto: CryptoBackend, cipher: CipherName, initiator: boolean, hello: Uint8Array, ticket: Uint8Array, psk: Uint8Array, e?: KeyPair): HandshakeState {
  const prologue = new Uint8Array(hello.length + ticket.length);
  prologue.set(hello);
  prologue.set(ticket, hello.length);
  return new HandshakeState({ pattern: RESUME_PATTERN, initiator, cipher, crypto, prologue, psks: [psk], ...(e ? { e } : {}) });
}

/** The payload of a resumed handshake message: MAX_RECORD and FEATURES (no identity: the PSK authenticates). */
export function buildResumePayload(maxRecord: number, features: number): Uint8Array {
  const v = (n: number): Uint8Array => {
    const out = new Uint8Array(varintSize(n));
    writeVarint(out, 0, n);
    return out;
  };
  return encodeTlv([
    [PayloadTag.MAX_RECORD, v(maxRecord)],
    [PayloadTag.FEATURES, v(features)],
  ]);
}

/** Parses a resumed handshake payload (unknown tags ignored); anything malformed is UNAUTHENTICATED. */
export function parseResumePayload(payload: Uint8Array): { maxRecord: number; features: number } {
  const bad = (what: string): never => {
    throw new HandshakeError(Code.UNAUTHENTICATED, "auth", `handshake failed: ${what}`);
  };
  const num = (tlv: Map<number, Uint8Array>, tag: number, dflt: number): number => {
    const v = tlv.get(tag);
    if (!v) return dflt;
    let r: [number, number] | undefined;
    try {
      r = readVarint(v, 0);
    } catch {
      r = undefined;
    }
    return r && r[1] === v.length ? r[0] : bad("malformed handshake payload");
  };
  let tlv: Map<number, Uint8Array>;
  try {
    tlv = parseTlv(payload);
  } catch {
    return bad("malformed handshake payload");
  }
  const maxRecord = num(tlv, PayloadTag.MAX_RECORD, MIN_PLAINTEXT_LIMIT);
  if (maxRecord < MIN_PLAINTEXT_LIMIT || maxRecord > MAX_PLAINTEXT_LIMIT) bad(`peer record limit ${maxRecord} out of range`);
  return { maxRecord, features: num(tlv, PayloadTag.FEATURES, 0) };
}

/** A stored ticket the client may use now: unexpired, and its server still passes `trust`. */
export function usableTicket(t: StoredTicket | undefined, trust: TrustPolicy, crypto: CryptoBackend, now: number = Date.now()): StoredTicket | undefined {
  if (!t || t.expiresAt <= now) return undefined;
  try {
    checkTrust(trust, crypto, t.serverIdentity, t.serverCertificate, now);
  } catch {
    return undefined; // another channel's trust policy accepted this server, ours does not: full handshake
  }
  return t;
}

/** The peer of a resumed session: the identity the ticket names, the limits its payload announced (FEATURES must equal `expected`). */
export function resumedPeer(payload: Uint8Array, identity: Uint8Array, certificate: Uint8Array | undefined, expected: number): PeerPayload {
  const p = parseResumePayload(payload);
  if (p.features !== expected) throw new HandshakeError(Code.UNAUTHENTICATED, "auth", `handshake failed: FEATURES ${p.features} in the peer's payload differ from its hello (${expected})`);
  return { identity, certificate, maxRecord: p.maxRecord, features: p.features };
}
