// zstd message compression; decompression is bounded: one frame, declared size within the limit, hard output cap.
import { Compressor } from "zstd-napi";
import zstd from "zstd-napi/binding.js";
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";
import type { DecompressionBudget } from "./decompression-budget.js";

/** Name of the only compression algorithm on the wire. */
export const ZSTD = "zstd";

/** Largest Window_Size a compressed message may declare (PROTOCOL §11.3): 8 MiB, as RFC 8878 recommends. */
export const MAX_WINDOW_LOG = 23;

const compressor = new Compressor();
compressor.setParameters({ compressionLevel: 3 }); // windows of at most 2 MiB, within MAX_WINDOW_LOG
// Decoding is single-pass into a buffer of the declared size, which allocates no window; the
// limit is also set on the context so that a streaming use of it could not allocate more.
const dctx = new zstd.DCtx();
dctx.setParameter(zstd.DParameter.windowLogMax, MAX_WINDOW_LOG);

/** Compresses one message (a single zstd frame that declares its content size). */
export function compressMessage(data: Uint8Array): Uint8Array {
  return compressor.compress(data);
}

/** What a zstd frame header declares. */
export interface ZstdFrameHeader {
  /** Frame_Content_Size, or undefined when the frame does not declare it. */
  contentSize: number | undefined;
  /** Window_Size (for a single-segment frame: its content size). */
  windowSize: number;
  singleSegment: boolean;
  /** Dictionary_ID (0 when absent). */
  dictionaryId: number;
}

const MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

/** Parses the header of the zstd frame at the start of `frame`; INTERNAL when it is not one. */
export function parseZstdFrameHeader(frame: Uint8Array): ZstdFrameHeader {
  if (frame.length < 5 || MAGIC.some((b, i) => frame[i] !== b)) {
    const skippable = frame.length >= 4 && ((frame[0] as number) & 0xf0) === 0x50 && frame[1] === 0x2a && frame[2] === 0x4d && frame[3] === 0x18;
    throw new XtmpError(Code.INTERNAL, skippable ? "compressed message is a skippable frame, not a zstd frame" : "compressed message is not a zstd frame");
  }
  const fhd = frame[4] as number;
  if (fhd & 0x08) throw new XtmpError(Code.INTERNAL, "zstd frame header has the reserved bit set");
  const fcsFlag = fhd >> 6;
  const singleSegment = ((fhd >> 5) & 1) === 1;
  const didSize = [0, 1, 2, 4][fhd & 3] as number;
  const fcsSize = fcsFlag === 0 ? (singleSegment ? 1 : 0) : ([0, 2, 4, 8][fcsFlag] as number);
  const at = 5 + (singleSegment ? 0 : 1);
  if (frame.length < at + didSize + fcsSize) throw new XtmpError(Code.INTERNAL, "truncated zstd frame header");
  const dv = new DataView(frame.buffer, frame.byteOffset, frame.length);
  let dictionaryId = 0;
  if (didSize === 1) dictionaryId = dv.getUint8(at);
  else if (didSize === 2) dictionaryId = dv.getUint16(at, true);
  else if (didSize === 4) dictionaryId = dv.getUint32(at, true);
  const f = at + didSize;
  let contentSize: number | undefined;
  if (fcsSize === 1) contentSize = dv.getUint8(f);
  else if (fcsSize === 2) contentSize = dv.getUint16(f, true) + 256;
  else if (fcsSize === 4) contentSize = dv.getUint32(f, true);
  else if (fcsSize === 8) contentSize = Number(dv.getBigUint64(f, true)); // beyond 2^53 only loses precision: still over any limit
  let windowSize: number;
  if (singleSegment) windowSize = contentSize as number;
  else {
    const wd = frame[5] as number;
    const windowLog = 10 + (wd >> 3);
    windowSize = 2 ** windowLog + (2 ** windowLog / 8) * (wd & 7);
  }
  return { contentSize, windowSize, singleSegment, dictionaryId };
}

/** The content size the zstd frame at the start of `frame` declares, or undefined when it declares none. */
export function zstdContentSize(frame: Uint8Array): number | undefined {
  return parseZstdFrameHeader(frame).contentSize;
}

/**
 * Decompresses one message (PROTOCOL §11.3): exactly one zstd frame, no trailing bytes, a declared
 * content size of at most `maxSize` (else RESOURCE_EXHAUSTED), a window of at most 2^MAX_WINDOW_LOG,
 * no dictionary. The output buffer is allocated at the declared size and the decoder cannot write
 * past it, so no input allocates more than `maxSize`. `budget` (the session's) is charged the
 * declared size before any decoding; a spent budget is RESOURCE_EXHAUSTED. Other violations are INTERNAL.
 */
export function decompressMessage(data: Uint8Array, maxSize: number, budget?: DecompressionBudget): Uint8Array {
  const h = parseZstdFrameHeader(data);
  const size = h.contentSize;
  if (size === undefined) throw new XtmpError(Code.INTERNAL, "compressed message does not declare its size");
  if (size > maxSize) throw new XtmpError(Code.RESOURCE_EXHAUSTED, `decompressed message of ${size} bytes exceeds the limit of ${maxSize}`);
  if (!h.singleSegment && h.windowSize > 2 ** MAX_WINDOW_LOG) {
    throw new XtmpError(Code.INTERNAL, `zstd window of ${h.windowSize} bytes exceeds the limit of ${2 ** MAX_WINDOW_LOG}`);
  }
  if (h.dictionaryId !== 0) throw new XtmpError(Code.INTERNAL, "compressed message references a zstd dictionary");
  let frameSize: number;
  try {
    frameSize = zstd.findFrameCompressedSize(data);
  } catch (err) {
    throw new XtmpError(Code.INTERNAL, "truncated or corrupt zstd frame", { cause: err });
  }
  if (frameSize !== data.length) throw new XtmpError(Code.INTERNAL, `${data.length - frameSize} bytes follow the zstd frame of a compressed message`);
  if (budget && !budget.charge(size, data.length)) throw new XtmpError(Code.RESOURCE_EXHAUSTED, "the session's decompression budget is spent");
  const out = Buffer.allocUnsafe(size);
  let n: number;
  try {
    n = dctx.decompress(out, data);
  } catch (err) {
    throw new XtmpError(Code.INTERNAL, "corrupt compressed message", { cause: err });
  }
  if (n !== size) throw new XtmpError(Code.INTERNAL, "compressed message size mismatch");
  return out;
}
