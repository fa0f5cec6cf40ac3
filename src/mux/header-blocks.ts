// Header blocks larger than one frame: fragmenting on send, bounded reassembly of CONTINUATION frames on receipt.
import { concatBytes } from "../wire/bytes.js";
import type { Frame } from "../wire/frame.js";
import { FrameFlags, FrameType } from "../wire/frame-types.js";
import { protocol } from "./errors.js";

/** Default largest header block (OPEN, HEADERS or TRAILERS, all fragments together) a session accepts. */
export const DEFAULT_MAX_HEADER_BYTES = 64 << 10;

/** A complete header-carrying frame (fragments joined), or one whose block exceeded the limit. */
export interface HeaderFrame extends Frame {
  /** The block was larger than the limit: `payload` is empty and the block was discarded. */
  oversize: boolean;
}

const EMPTY = new Uint8Array(0);

function isHeaderType(type: number): boolean {
  return type === FrameType.OPEN || type === FrameType.HEADERS || type === FrameType.TRAILERS;
}

/** Where header frames go (the session). */
export interface FrameSink {
  sendFrame(type: FrameType, flags: number, streamId: number, payload: Uint8Array): void;
}

/**
 * Sends a header block as one frame, or as the first frame with MORE_HEADERS followed by
 * CONTINUATION frames (MORE_HEADERS on all but the last), back to back with no other frame between.
 */
export function sendHeaderBlock(sink: FrameSink, type: FrameType, streamId: number, block: Uint8Array, maxPayload: number): void {
  if (block.length <= maxPayload) return sink.sendFrame(type, 0, streamId, block);
  let t = type;
  for (let off = 0; off < block.length; off += maxPayload) {
    const end = Math.min(block.length, off + maxPayload);
    sink.sendFrame(t, end < block.length ? FrameFlags.MORE_HEADERS : 0, streamId, block.subarray(off, end));
    t = FrameType.CONTINUATION;
  }
}

/**
 * A frame while no header block is open, unless it starts one (a header frame with MORE_HEADERS,
 * which takes a HeaderAssembler): the frame itself, or a header frame over the limit as oversize.
 */
export function acceptUnfragmented(f: Frame, maxBytes: number): Frame | HeaderFrame {
  if (f.type === FrameType.CONTINUATION) protocol(`CONTINUATION on stream ${f.streamId} without a header block in progress`);
  if (!isHeaderType(f.type)) return f;
  if (f.streamId === 0) protocol(`frame type 0x${f.type.toString(16)} is not valid on stream 0`);
  return f.payload.length > maxBytes ? { ...f, payload: EMPTY, oversize: true } : f;
}

/**
 * Reassembles fragmented header blocks. While a block is open, the only frame the peer may send is
 * the next CONTINUATION on the same stream (anything else is a protocol error). Bytes held never
 * exceed the limit: once a block outgrows it, the rest is counted and discarded.
 */
export class HeaderAssembler {
  private open: { first: Frame; parts: Uint8Array[]; size: number; oversize: boolean } | undefined;

  constructor(private readonly maxBytes: number) {}

  /** Bytes of a partially received block held now. */
  get bufferedBytes(): number {
    return this.open && !this.open.oversize ? this.open.size : 0;
  }

  /**
   * Takes every mux frame first. Returns the frame to dispatch: the frame itself (not a header
   * frame), a complete header frame, or undefined while a block is still being received.
   */
  accept(f: Frame): Frame | HeaderFrame | undefined {
    const open = this.open;
    if (open) {
      if (f.type !== FrameType.CONTINUATION || f.streamId !== open.first.streamId) protocol(`frame type 0x${f.type.toString(16)} on stream ${f.streamId} inside the header block of stream ${open.first.streamId}`);
      this.add(open, f.payload);
      if (f.flags & FrameFlags.MORE_HEADERS) return undefined;
      this.open = undefined;
      return { ...open.first, flags: open.first.flags & ~FrameFlags.MORE_HEADERS, payload: open.oversize ? EMPTY : (open.parts.length === 1 ? (open.parts[0] as Uint8Array) : concatBytes(open.parts, open.size)), oversize: open.oversize };
    }
    if (!(f.flags & FrameFlags.MORE_HEADERS) || !isHeaderType(f.type)) return acceptUnfragmented(f, this.maxBytes);
    if (f.streamId === 0) protocol(`frame type 0x${f.type.toString(16)} is not valid on stream 0`);
    const block = { first: { ...f, payload: EMPTY }, parts: [], size: 0, oversize: false };
    this.add(block, f.payload);
    this.open = block;
    return undefined;
  }

  private add(block: { parts: Uint8Array[]; size: number; oversize: boolean }, payload: Uint8Array): void {
    block.size += payload.length;
    if (block.oversize) return;
    if (block.size > this.maxBytes) {
      block.oversize = true;
      block.parts = [];
      return;
    }
    if (payload.length > 0) block.parts.push(payload.slice()); // frame payloads are views into a reused record buffer
  }
}

