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
} as const;

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

/** Encodes ServerHello: magic, version, status, features, 0; then u16 length + reason if rejecting. */
export function encodeServerHello(h: ServerHello): Uint8Array {
  const reason = h.status === HelloStatus.OK ? new Uint8Array(0) : new TextEncoder().encode(h.reason ?? "").subarray(0, 1024);
  const out = new Uint8Array(HELLO_SIZE + (h.status === HelloStatus.OK ? 0 : 2 + reason.length));
  out.set(MAGIC);
  out[4] = h.version;
  out[5] = h.status;
  out[6] = h.features;
  if (h.status !== HelloStatus.OK) {
    out[8] = reason.length >> 8;
    out[9] = reason.length & 0xff;
    out.set(reason, 10);
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
  return [h, HELLO_SIZE + 2 + len];
}
