// Connection preamble: ClientHello and ServerHello, checked before any cryptography.
import { protocolError } from "./errors.js";

/** "XTMP" in ASCII. */
export const MAGIC = new Uint8Array([0x58, 0x54, 0x4d, 0x50]);
/** The protocol version this implementation speaks. */
export const PROTOCOL_VERSION = 1;
/** Size of both hellos. */
export const HELLO_SIZE = 8;

/** How the session is secured. */
export enum HandshakeMode {
  /** No encryption: records carry a CRC-32C (debugging only; secure peers refuse it). */
  INSECURE = 0,
  /** Noise XX: mutual authentication, first contact. */
  XX = 1,
  /** Noise IK: the client knows the server's key; one round trip. */
  IK = 2,
  /** Session resumption: a ticket, then Noise NNpsk0 (§4.2). */
  RESUME = 3,
}

/** AEAD cipher ids. */
export enum CipherId {
  /** Insecure mode only. */
  NONE = 0,
  /** ChaCha20-Poly1305. */
  CHACHAPOLY = 1,
  /** AES-256-GCM. */
  AESGCM = 2,
}

/** Feature bits offered in ClientHello and accepted in ServerHello. */
export const Feature = {
  /** Hybrid post-quantum handshake (X25519 + ML-KEM-768, Noise "hfs" tokens). */
  PQ_HYBRID: 0x01,
  /** zstd message compression. */
  ZSTD: 0x02,
  /** Session resumption: the server sends a TICKET after the handshake (§4.2). */
  RESUMPTION: 0x04,
  /** Insecure mode only: records of up to 65,519 plaintext bytes both ways instead of 16,384 (§8). */
  LARGE_RECORDS: 0x08,
} as const;

/**
 * Bit 7 of the ClientHello features byte is not a feature: it marks a ClientHello followed by a
 * cookie block (§3.1). It is never accepted in ServerHello and never repeated in payloads.
 */
export const COOKIE_FLAG = 0x80;
/** Largest cookie a RETRY may carry (§3.1). */
export const MAX_COOKIE = 64;
/** Size of the puzzle nonce after the cookie (§3.1). */
export const PUZZLE_NONCE_SIZE = 8;
/** Largest ServerHello: header, reason length, reason (≤ 1024), RETRY difficulty, cookie length, cookie. */
export const MAX_SERVER_HELLO = HELLO_SIZE + 2 + 1024 + 2 + MAX_COOKIE;
/** Largest resumption ticket in a RESUME flight or a TICKET frame (§4.2). */
export const MAX_TICKET = 1024;
/** Largest cookie block: cookie length, cookie, nonce. */
export const MAX_COOKIE_BLOCK = 1 + MAX_COOKIE + PUZZLE_NONCE_SIZE;

/** Status byte of ServerHello; non-zero is followed by a u16 reason length and UTF-8 reason. */
export enum HelloStatus {
  /** Accepted; the handshake continues. */
  OK = 0,
  /** The client's preamble is not XTMP. */
  BAD_PREAMBLE = 1,
  /** The client's version is not spoken here; ServerHello.version says which is. */
  VERSION_UNSUPPORTED = 2,
  /** The handshake mode is refused (e.g. insecure to a secure server). */
  MODE_REFUSED = 3,
  /** The cipher is not supported. */
  CIPHER_UNSUPPORTED = 4,
  /** The server requires a feature the client did not offer (e.g. PQ hybrid). */
  FEATURE_REQUIRED = 5,
  /** The client's first handshake message failed (could not decrypt, identity refused). */
  HANDSHAKE_FAILED = 6,
  /** Under load: prove you are there (and pay a puzzle); the cookie follows the reason (§3.1). */
  RETRY = 7,
  /** Too many handshakes in flight or from this source: try again later (clients report UNAVAILABLE). */
  BUSY = 8,
  /** The resumption ticket is unknown, expired or invalid: drop it and run a full handshake (§4.2). */
  TICKET_REJECTED = 9,
}

/** The client's first 8 bytes. */
export interface ClientHello {
  /** Protocol version. */
  version: number;
  /** Handshake mode. */
  mode: HandshakeMode;
  /** Cipher of this handshake. */
  cipher: CipherId;
  /** Offered feature bits. */
  features: number;
}

/** The server's first 8 bytes (plus a reason when rejecting). */
export interface ServerHello {
  /** The server's protocol version. */
  version: number;
  /** Accept or reject. */
  status: HelloStatus;
  /** Accepted feature bits (a subset of the offer). */
  features: number;
  /** Reason text when rejecting. */
  reason?: string;
  /** RETRY only: the puzzle difficulty in bits and the cookie to send back (§3.1). */
  retry?: RetryChallenge;
}

/** What a RETRY asks of the client. */
export interface RetryChallenge {
  /** Leading zero bits required of the puzzle hash (0 = cookie only). */
  difficulty: number;
  /** Opaque cookie, 1..64 bytes. */
  cookie: Uint8Array;
}

/** The cookie block a client sends after a ClientHello with COOKIE_FLAG. */
export interface CookieBlock {
  /** The cookie from RETRY, unchanged. */
  cookie: Uint8Array;
  /** The puzzle solution. */
  nonce: Uint8Array;
}

function checkMagic(buf: Uint8Array): void {
  const n = Math.min(buf.length, 4);
  for (let i = 0; i < n; i++) if (buf[i] !== MAGIC[i]) protocolError("not an XTMP peer (bad magic)");
}

/** Encodes ClientHello: magic, version, mode, cipher, features. */
export function encodeClientHello(h: ClientHello): Uint8Array {
  const out = new Uint8Array(HELLO_SIZE);
  out.set(MAGIC);
  out[4] = h.version;
  out[5] = h.mode;
  out[6] = h.cipher;
  out[7] = h.features;
  return out;
}

/** Parses ClientHello; undefined while fewer than 8 bytes are there. Bad magic fails at the first wrong byte. */
export function parseClientHello(buf: Uint8Array): ClientHello | undefined {
  checkMagic(buf);
  if (buf.length < HELLO_SIZE) return undefined;
  return { version: buf[4] as number, mode: buf[5] as number, cipher: buf[6] as number, features: buf[7] as number };
}

/**
 * Encodes ServerHello: magic, version, status, features, 0; then u16 length + reason if rejecting;
 * then, for RETRY, difficulty (u8), cookie length (u8) and cookie.
 */
export function encodeServerHello(h: ServerHello): Uint8Array {
  const reason = h.status === HelloStatus.OK ? new Uint8Array(0) : new TextEncoder().encode(h.reason ?? "").subarray(0, 1024);
  const retry = h.status === HelloStatus.RETRY ? h.retry : undefined;
  if (h.status === HelloStatus.RETRY && (!retry || retry.cookie.length < 1 || retry.cookie.length > MAX_COOKIE)) throw new RangeError("RETRY needs a cookie of 1..64 bytes");
  const out = new Uint8Array(HELLO_SIZE + (h.status === HelloStatus.OK ? 0 : 2 + reason.length) + (retry ? 2 + retry.cookie.length : 0));
  out.set(MAGIC);
  out[4] = h.version;
  out[5] = h.status;
  out[6] = h.features;
  if (h.status !== HelloStatus.OK) {
    out[8] = reason.length >> 8;
    out[9] = reason.length & 0xff;
    out.set(reason, 10);
  }
  if (retry) {
    const at = 10 + reason.length;
    out[at] = retry.difficulty;
    out[at + 1] = retry.cookie.length;
    out.set(retry.cookie, at + 2);
  }
  return out;
}

/** Parses ServerHello; returns [hello, bytesUsed], or undefined while incomplete. */
export function parseServerHello(buf: Uint8Array): [ServerHello, number] | undefined {
  checkMagic(buf);
  if (buf.length < HELLO_SIZE) return undefined;
  const h: ServerHello = { version: buf[4] as number, status: buf[5] as number, features: buf[6] as number };
  if (h.status === HelloStatus.OK) return [h, HELLO_SIZE];
  if (buf.length < HELLO_SIZE + 2) return undefined;
  const len = ((buf[8] as number) << 8) | (buf[9] as number);
  if (len > 1024) protocolError("ServerHello reason too long");
  if (buf.length < HELLO_SIZE + 2 + len) return undefined;
  h.reason = new TextDecoder("utf-8", { fatal: false }).decode(buf.subarray(10, 10 + len));
  const end = HELLO_SIZE + 2 + len;
  if (h.status !== HelloStatus.RETRY) return [h, end];
  if (buf.length < end + 2) return undefined;
  const n = buf[end + 1] as number;
  if (n < 1 || n > MAX_COOKIE) protocolError(`RETRY cookie of ${n} bytes (1..${MAX_COOKIE})`);
  if (buf.length < end + 2 + n) return undefined;
  h.retry = { difficulty: buf[end] as number, cookie: buf.slice(end + 2, end + 2 + n) };
  return [h, end + 2 + n];
}

/** Encodes a cookie block: cookie length (u8), cookie, 8-byte puzzle nonce. */
export function encodeCookieBlock(b: CookieBlock): Uint8Array {
  if (b.cookie.length < 1 || b.cookie.length > MAX_COOKIE || b.nonce.length !== PUZZLE_NONCE_SIZE) throw new RangeError("bad cookie block");
  const out = new Uint8Array(1 + b.cookie.length + PUZZLE_NONCE_SIZE);
  out[0] = b.cookie.length;
  out.set(b.cookie, 1);
  out.set(b.nonce, 1 + b.cookie.length);
  return out;
}

/** Parses a cookie block; returns [block, bytesUsed], or undefined while incomplete. */
export function parseCookieBlock(buf: Uint8Array): [CookieBlock, number] | undefined {
  if (buf.length < 1) return undefined;
  const n = buf[0] as number;
  if (n < 1 || n > MAX_COOKIE) protocolError(`cookie of ${n} bytes (1..${MAX_COOKIE})`);
  const used = 1 + n + PUZZLE_NONCE_SIZE;
  if (buf.length < used) return undefined;
  return [{ cookie: buf.slice(1, 1 + n), nonce: buf.slice(1 + n, used) }, used];
}
