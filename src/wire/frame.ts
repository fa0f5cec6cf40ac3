// Frame codec: type, flags, stream id, length, payload; parse-what-is-there without copying.
import { protocolError } from "./errors.js";
import { classifyFrameType, FrameType } from "./frame-types.js";
import { readVarint, varintSize, writeVarint } from "./varint.js";

/** Largest stream id (31 bits, as in HTTP/2). */
export const MAX_STREAM_ID = 0x7fffffff;

/** One decoded frame. `payload` is a view into the record buffer: copy it if you keep it. */
export interface Frame {
  /** Frame type (FrameType, or an ignorable extension type). */
  type: number;
  /** Flag bits. */
  flags: number;
  /** Stream id; 0 for session-level frames. */
  streamId: number;
  /** Payload bytes. */
  payload: Uint8Array;
}

/** Header bytes a frame with this stream id and payload length takes. */
export function frameHeaderSize(streamId: number, length: number): number {
  return 2 + varintSize(streamId) + varintSize(length);
}

/** Encoded size of a frame. */
export function frameSize(f: Frame): number {
  return frameHeaderSize(f.streamId, f.payload.length) + f.payload.length;
}

/** Writes the header of `f` (type, flags, stream id, payload length) into `buf` at `off`; returns the offset after it. */
export function writeFrameHeader(buf: Uint8Array, off: number, f: Frame): number {
  if (f.type < 0 || f.type > 0xff || f.flags < 0 || f.flags > 0xff) throw new RangeError("frame type and flags are bytes");
  if (f.streamId < 0 || f.streamId > MAX_STREAM_ID) throw new RangeError(`stream id out of range: ${f.streamId}`);
  buf[off++] = f.type;
  buf[off++] = f.flags;
  off = writeVarint(buf, off, f.streamId);
  return writeVarint(buf, off, f.payload.length);
}

/** Writes `f` into `buf` at `off` (the caller guarantees room); returns the offset after it. */
export function writeFrame(buf: Uint8Array, off: number, f: Frame): number {
  off = writeFrameHeader(buf, off, f);
  buf.set(f.payload, off);
  return off + f.payload.length;
}

/** Encodes frames into one new buffer. */
export function encodeFrames(frames: readonly Frame[]): Uint8Array {
  const out = new Uint8Array(frames.reduce((n, f) => n + frameSize(f), 0));
  let off = 0;
  for (const f of frames) off = writeFrame(out, off, f);
  return out;
}

/**
 * Parses the frame at `off` in a record plaintext. Returns [frame, nextOffset], or undefined when the
 * record is complete at `off` (end reached, or a PADDING frame: the rest is padding). A frame that
 * runs past the record or exceeds `maxPayload` is a protocol error; frames never span records.
 */
export function parseFrame(buf: Uint8Array, off: number, maxPayload: number): [Frame, number] | undefined {
  if (off >= buf.length || buf[off] === FrameType.PADDING) return undefined;
  if (off + 2 > buf.length) protocolError("truncated frame header");
  const type = buf[off] as number;
  const flags = buf[off + 1] as number;
  const sid = readVarint(buf, off + 2) ?? protocolError("truncated frame header");
  if (sid[0] > MAX_STREAM_ID) protocolError("stream id exceeds 31 bits");
  const len = readVarint(buf, sid[1]) ?? protocolError("truncated frame header");
  if (len[0] > maxPayload) protocolError(`frame payload of ${len[0]} bytes exceeds ${maxPayload}`);
  const end = len[1] + len[0];
  if (end > buf.length) protocolError("frame runs past the end of its record");
  if (classifyFrameType(type) === "fatal") protocolError(`unknown frame type 0x${type.toString(16)}`);
  return [{ type, flags, streamId: sid[0], payload: buf.subarray(len[1], end) }, end];
}

/** Parses every frame of a record plaintext, skipping ignorable unknown types. */
export function parseFrames(plaintext: Uint8Array, maxPayload: number): Frame[] {
  const out: Frame[] = [];
  let off = 0;
  for (let r = parseFrame(plaintext, off, maxPayload); r; r = parseFrame(plaintext, off, maxPayload)) {
    if (classifyFrameType(r[0].type) === "known") out.push(r[0]);
    off = r[1];
  }
  return out;
}
