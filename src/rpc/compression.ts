// zstd message compression with a decompression-bomb guard (declared content size checked first).
import { Compressor, Decompressor } from "zstd-napi";
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";

/** Name of the only compression algorithm on the wire. */
export const ZSTD = "zstd";

const compressor = new Compressor();
compressor.setParameters({ compressionLevel: 3 });
const decompressor = new Decompressor();

/** Compresses one message (a single zstd frame that declares its content size). */
export function compressMessage(data: Uint8Array): Uint8Array {
  return compressor.compress(data);
}

/**
 * The content size a single zstd frame declares in its header, or undefined when it declares none.
 * Throws on a buffer that is not a zstd frame.
 */
export function zstdContentSize(frame: Uint8Array): number | undefined {
  if (frame.length < 6 || frame[0] !== 0x28 || frame[1] !== 0xb5 || frame[2] !== 0x2f || frame[3] !== 0xfd) {
    throw new XtmpError(Code.INTERNAL, "compressed message is not a zstd frame");
  }
  const fhd = frame[4] as number;
  const fcsFlag = fhd >> 6;
  const singleSegment = (fhd >> 5) & 1;
  const didSize = [0, 1, 2, 4][fhd & 3] as number;
  const fcsSize = fcsFlag === 0 ? singleSegment : ([0, 2, 4, 8][fcsFlag] as number);
  if (fcsSize === 0) return undefined;
  const at = 5 + (singleSegment ? 0 : 1) + didSize;
  if (frame.length < at + fcsSize) throw new XtmpError(Code.INTERNAL, "truncated zstd frame header");
  const dv = new DataView(frame.buffer, frame.byteOffset + at, fcsSize);
  switch (fcsSize) {
    case 1:
      return dv.getUint8(0);
    case 2:
      return dv.getUint16(0, true) + 256;
    case 4:
      return dv.getUint32(0, true);
    default:
      return Number(dv.getBigUint64(0, true));
  }
}

/** Decompresses one message; refuses frames without a declared size or larger than `maxSize`. */
export function decompressMessage(data: Uint8Array, maxSize: number): Uint8Array {
  const size = zstdContentSize(data);
  if (size === undefined) throw new XtmpError(Code.INTERNAL, "compressed message does not declare its size");
  if (size > maxSize) throw new XtmpError(Code.RESOURCE_EXHAUSTED, `decompressed message of ${size} bytes exceeds the limit of ${maxSize}`);
  let out: Uint8Array;
  try {
    out = decompressor.decompress(data);
  } catch (err) {
    throw new XtmpError(Code.INTERNAL, "corrupt compressed message", { cause: err });
  }
  if (out.length !== size) throw new XtmpError(Code.INTERNAL, "compressed message size mismatch");
  return out;
}
