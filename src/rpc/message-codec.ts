// Message encoding for calls: protobuf codec, optional zstd compression, size limits, decode errors.
import { BinaryWriter } from "@bufbuild/protobuf/wire";
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";
import { compressMessage, decompressMessage } from "./compression.js";
import type { DecompressionBudget } from "./decompression-budget.js";
import type { CompressionPolicy, DeepPartial, MessageCodec } from "./descriptor.js";

// One writer for every message: encoding is synchronous, and a reused writer keeps its buffer, so
// encoding costs one copy (finish) instead of a growth sequence per message. Dropped when a huge
// message has grown it, so the process does not keep that memory.
let writer = new BinaryWriter();
const MAX_KEPT_WRITER = (4 << 20) + (64 << 10); // the default message limit, and some: 1 MiB messages reuse it

/** Messages at least this large are compressed under the `auto`/`default` policies. */
export const COMPRESS_THRESHOLD = 1024;

/** Whether to compress a message of `size` bytes under `policy` (`force` overrides). */
export function shouldCompress(policy: CompressionPolicy, size: number, peerAccepts: boolean, force?: boolean): boolean {
  if (!peerAccepts) return false;
  if (force !== undefined) return force;
  return policy === "always" || ((policy === "auto" || policy === "default") && size >= COMPRESS_THRESHOLD);
}

/** Encodes a (possibly partial) message; returns the bytes to send and whether they are compressed. */
export function encodeMessage<T>(codec: MessageCodec<T>, message: unknown, compress: (size: number) => boolean): [Uint8Array, boolean] {
  let bytes: Uint8Array;
  try {
    bytes = codec.encode(codec.fromPartial(message as DeepPartial<T>), writer).finish();
    if (bytes.length > MAX_KEPT_WRITER) writer = new BinaryWriter();
  } catch (err) {
    writer = new BinaryWriter(); // a failed encode may leave forks open
    throw new XtmpError(Code.INTERNAL, "failed to serialize a message", { cause: err });
  }
  if (!compress(bytes.length)) return [bytes, false];
  return [compressMessage(bytes), true];
}

/**
 * Encodes `messages` as one batch payload (`varint length ‖ message` each, PROTOCOL.md §11.7) with
 * the shared writer: one copy for the whole batch.
 */
export function encodeBatch<T>(codec: MessageCodec<T>, messages: readonly unknown[]): Uint8Array {
  let bytes: Uint8Array;
  try {
    for (const m of messages) {
      codec.encode(codec.fromPartial(m as DeepPartial<T>), writer.fork());
      writer.join();
    }
    bytes = writer.finish();
    if (bytes.length > MAX_KEPT_WRITER) writer = new BinaryWriter();
  } catch (err) {
    writer = new BinaryWriter();
    throw new XtmpError(Code.INTERNAL, "failed to serialize a message", { cause: err });
  }
  return bytes;
}

/**
 * Decodes received bytes (decompressing first when flagged, within `maxSize` and the session's
 * decompression `budget`); errors are INTERNAL/RESOURCE_EXHAUSTED.
 */
export function decodeMessage<T>(codec: MessageCodec<T>, bytes: Uint8Array, compressed: boolean, maxSize: number, budget?: DecompressionBudget): T {
  const raw = compressed ? decompressMessage(bytes, maxSize, budget) : bytes;
  try {
    return codec.decode(raw);
  } catch (err) {
    throw new XtmpError(Code.INTERNAL, "failed to parse a message", { cause: err });
  }
}
