// Message batches (PROTOCOL.md §11.7): what handlers yield to send many messages in one frame, and the batch codec.
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";
import { FrameFlags } from "../wire/frame-types.js";
import { readVarint, varintSize, writeVarint } from "../wire/varint.js";

/** Several response messages a streaming handler yields at once (see `batch()`). */
export class MessageBatch<T> {
  constructor(
    /** The messages, in order. */
    readonly messages: readonly T[],
  ) {}
}

/** What a streaming handler may yield: one message, or a batch of them. */
export type Streamed<T> = T | MessageBatch<T>;

/**
 * Wraps messages a streaming handler yields together: `yield batch([m1, m2, …])`. They are sent
 * in as few DATA frames as fit (one per ~64 KiB) to peers that accept batches, and one by one to
 * others; the receiver sees the same messages in the same order either way.
 */
export function batch<T>(messages: readonly T[]): MessageBatch<T> {
  return new MessageBatch(messages);
}

/**
 * Joins encoded messages `parts[from..]` into one batch payload (`varint length ‖ bytes` each) of at
 * most `limit` bytes; returns the payload and the index after the last message taken (`from` when
 * even the first does not fit, and it must go alone).
 */
export function joinBatch(parts: readonly Uint8Array[], from: number, limit: number): [Uint8Array, number] {
  let total = 0;
  let end = from;
  while (end < parts.length) {
    const n = (parts[end] as Uint8Array).length;
    const size = varintSize(n) + n;
    if (total + size > limit) break;
    total += size;
    end++;
  }
  const out = new Uint8Array(total);
  let off = 0;
  for (let i = from; i < end; i++) {
    const p = parts[i] as Uint8Array;
    off = writeVarint(out, off, p.length);
    out.set(p, off);
    off += p.length;
  }
  return [out, end];
}

/**
 * Splits a received batch payload into its messages (views into `payload`). A batch must hold at
 * least one message; every length must be minimal, at most `maxMessage` and within the payload:
 * anything else is INTERNAL (a malformed batch fails the call, as a malformed message does).
 */
export function splitBatch(payload: Uint8Array, maxMessage: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let off = 0;
  while (off < payload.length) {
    const r = readVarint(payload, off);
    if (!r || r[0] > maxMessage || r[1] + r[0] > payload.length) throw new XtmpError(Code.INTERNAL, "malformed message batch");
    out.push(payload.subarray(r[1], r[1] + r[0]));
    off = r[1] + r[0];
  }
  if (out.length === 0) throw new XtmpError(Code.INTERNAL, "malformed message batch: no messages");
  return out;
}

/**
 * The messages of a received item `[bytes, flags]` when its flags say BATCH (else undefined), each
 * with flags 0. A batch is never compressed or signed: such flags with BATCH are INTERNAL.
 */
export function batchItems(item: readonly [Uint8Array, number], maxMessage: number): Array<[Uint8Array, number]> | undefined {
  const flags = item[1];
  if (!(flags & FrameFlags.BATCH)) return undefined;
  if (flags & (FrameFlags.COMPRESSED | FrameFlags.SIGNED)) throw new XtmpError(Code.INTERNAL, "malformed message batch: compressed or signed");
  return splitBatch(item[0], maxMessage).map((m): [Uint8Array, number] => [m, 0]);
}
