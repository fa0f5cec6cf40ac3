// Tag-length-value lists: the handshake payload and certificate encoding.
import { protocolError } from "./errors.js";
import { readVarint, varintSize, writeVarint } from "./varint.js";

/** Encodes [tag, value] pairs as tag u8 | length varint | value, in the given order. */
export function encodeTlv(entries: ReadonlyArray<readonly [number, Uint8Array]>): Uint8Array {
  const out = new Uint8Array(entries.reduce((n, [, v]) => n + 1 + varintSize(v.length) + v.length, 0));
  let off = 0;
  for (const [tag, v] of entries) {
    out[off++] = tag;
    off = writeVarint(out, off, v.length);
    out.set(v, off);
    off += v.length;
  }
  return out;
}

/** Parses a TLV list into a map (values are views); duplicates and truncation are protocol errors. */
export function parseTlv(buf: Uint8Array): Map<number, Uint8Array> {
  const out = new Map<number, Uint8Array>();
  let off = 0;
  while (off < buf.length) {
    const tag = buf[off] as number;
    const len = readVarint(buf, off + 1) ?? protocolError("truncated TLV");
    const end = len[1] + len[0];
    if (end > buf.length) protocolError("TLV value runs past the end");
    if (out.has(tag)) protocolError(`duplicate TLV tag ${tag}`);
    out.set(tag, buf.subarray(len[1], end));
    off = end;
  }
  return out;
}
