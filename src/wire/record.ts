// Record and handshake-message length prefixes, and the limits enforced before allocating.
import { protocolError } from "./errors.js";

/** Bytes of a record's or handshake message's length prefix (u16 big-endian). */
export const LENGTH_PREFIX = 2;
/** Largest record body (ciphertext incl. tag) and largest Noise handshake message. */
export const MAX_RECORD_BODY = 65535;
/** AEAD tag length. */
export const TAG_SIZE = 16;
/** The MAX_RECORD a peer that announces none is assumed to accept, and insecure mode's limit without LARGE_RECORDS. */
export const BASE_MAX_PLAINTEXT = 16384;
/** Default maximum record plaintext we announce (the largest a u16 record body allows: fewer AEAD calls per byte). */
export const DEFAULT_MAX_PLAINTEXT = 65519;
/** Largest maximum record plaintext a peer may announce. */
export const MAX_PLAINTEXT_LIMIT = MAX_RECORD_BODY - TAG_SIZE;
/** Smallest maximum record plaintext a peer may announce. */
export const MIN_PLAINTEXT_LIMIT = 1024;
/** Bytes of the CRC-32C trailer of insecure records. */
export const CRC_SIZE = 4;

/** Writes a u16 length prefix. */
export function writeLength(buf: Uint8Array, off: number, n: number): void {
  buf[off] = n >>> 8;
  buf[off + 1] = n & 0xff;
}

/**
 * Reads a u16 length prefix at the start of `buf` and checks it against `maxBody` before anything is
 * allocated. Returns undefined while fewer than 2 bytes are there.
 */
export function readLength(buf: Uint8Array, maxBody: number): number | undefined {
  if (buf.length < LENGTH_PREFIX) return undefined;
  const n = ((buf[0] as number) << 8) | (buf[1] as number);
  if (n > maxBody) protocolError(`record of ${n} bytes exceeds the limit of ${maxBody}`);
  return n;
}
