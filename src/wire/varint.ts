// Unsigned LEB128 varints (protobuf style), minimal encodings only, values up to 2^32-1.
import { protocolError } from "./errors.js";

/** Largest value a wire varint may carry. */
export const MAX_VARINT = 0xffffffff;

/** Bytes needed to encode `v`. */
export function varintSize(v: number): number {
  return v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5;
}

/** Writes `v` at `off`; returns the offset after it. The caller guarantees room. */
export function writeVarint(buf: Uint8Array, off: number, v: number): number {
  if (!Number.isInteger(v) || v < 0 || v > MAX_VARINT) throw new RangeError(`varint out of range: ${v}`);
  while (v >= 0x80) {
    buf[off++] = (v & 0x7f) | 0x80;
    v = Math.floor(v / 128);
  }
  buf[off++] = v;
  return off;
}

/**
 * Reads a varint at `off`. Returns [value, nextOffset], or undefined when `buf` ends first.
 * Overlong (non-minimal) encodings and values above 2^32-1 are protocol errors.
 */
export function readVarint(buf: Uint8Array, off: number): [number, number] | undefined {
  let v = 0;
  let mul = 1;
  for (let i = 0; i < 5; i++) {
    if (off + i >= buf.length) return undefined;
    const b = buf[off + i] as number;
    v += (b & 0x7f) * mul;
    if (b < 0x80) {
      if (b === 0 && i > 0) protocolError("overlong varint");
      if (v > MAX_VARINT) protocolError("varint exceeds 32 bits");
      return [v, off + i + 1];
    }
    mul *= 128;
  }
  return protocolError("varint longer than 5 bytes");
}
