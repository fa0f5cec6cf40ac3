// Header blocks of OPEN, HEADERS and TRAILERS frames: pseudo-headers (":path" …) plus metadata.
import { protocolError } from "../wire/errors.js";
import { readVarint, varintSize, writeVarint } from "../wire/varint.js";
import { Metadata, type MetadataValue } from "./metadata.js";

/** A decoded header block. */
export interface HeaderBlock {
  /** Pseudo-headers (keys starting with ':'), raw bytes. */
  pseudo: Map<string, Uint8Array>;
  /** Every `:details-bin` value in order (the one pseudo-header that may repeat); absent when none came. */
  details?: Uint8Array[];
  /** Application metadata. */
  metadata: Metadata;
}

const MAX_ENTRIES = 1024;
const te = new TextEncoder();
const td = new TextDecoder("utf-8", { fatal: true });
const ascii = (b: Uint8Array): string => String.fromCharCode(...b);

// keys, method paths and status values repeat on every call: keep their encodings
const encoded = new Map<string, Uint8Array>();
function utf8(text: string): Uint8Array {
  if (text.length > 96) return te.encode(text);
  let b = encoded.get(text);
  if (!b) {
    b = te.encode(text);
    if (encoded.size >= 2048) encoded.clear();
    encoded.set(text, b);
  }
  return b;
}

function bad(what: string): never {
  return protocolError(`malformed header block (${what})`);
}

/** Encodes pseudo-headers then metadata: count varint, then (key length, key, value length, value). */
export function encodeHeaderBlock(pseudo: ReadonlyArray<readonly [string, string | Uint8Array]>, metadata?: Iterable<readonly [string, MetadataValue]>): Uint8Array {
  const entries: [Uint8Array, Uint8Array][] = [];
  for (const [k, v] of pseudo) entries.push([utf8(k), typeof v === "string" ? utf8(v) : v]);
  if (metadata) for (const [k, v] of metadata) entries.push([utf8(k), typeof v === "string" ? utf8(v) : v]);
  let size = varintSize(entries.length);
  for (const [k, v] of entries) size += varintSize(k.length) + k.length + varintSize(v.length) + v.length;
  const out = new Uint8Array(size);
  let off = writeVarint(out, 0, entries.length);
  for (const [k, v] of entries) {
    off = writeVarint(out, off, k.length);
    out.set(k, off);
    off = writeVarint(out, off + k.length, v.length);
    out.set(v, off);
    off += v.length;
  }
  return out;
}

/** Decodes a header block; invalid metadata keys (upper-case included) or values are protocol errors. */
export function decodeHeaderBlock(block: Uint8Array): HeaderBlock {
  const n = readVarint(block, 0) ?? bad("count");
  if (n[0] > MAX_ENTRIES) bad("too many entries");
  let off = n[1];
  const pseudo = new Map<string, Uint8Array>();
  let details: Uint8Array[] | undefined;
  const metadata = new Metadata();
  for (let i = 0; i < n[0]; i++) {
    const kl = readVarint(block, off) ?? bad("key length");
    if (kl[1] + kl[0] > block.length) bad("key");
    const key = ascii(block.subarray(kl[1], kl[1] + kl[0]));
    const vl = readVarint(block, kl[1] + kl[0]) ?? bad("value length");
    if (vl[1] + vl[0] > block.length) bad("value");
    const value = block.subarray(vl[1], vl[1] + vl[0]);
    off = vl[1] + vl[0];
    if (key.startsWith(":")) {
      if (key === ":details-bin") (details ??= []).push(value);
      else pseudo.set(key, value);
      continue;
    }
    // senders lower-case keys (Metadata does); an upper-case key on the wire is malformed, not folded
    if (key !== key.toLowerCase()) bad(`metadata key ${JSON.stringify(key.slice(0, 64))} is not lower-case`);
    try {
      metadata.append(key, key.endsWith("-bin") ? value.slice() : ascii(value));
    } catch {
      bad(`metadata ${JSON.stringify(key.slice(0, 64))}`);
    }
  }
  if (off !== block.length) bad("trailing bytes");
  return details ? { pseudo, details, metadata } : { pseudo, metadata };
}

/** A pseudo-header as UTF-8 text (undefined when absent or not UTF-8). */
export function pseudoText(h: HeaderBlock, key: string): string | undefined {
  const v = h.pseudo.get(key);
  if (!v) return undefined;
  try {
    return td.decode(v);
  } catch {
    return undefined;
  }
}
