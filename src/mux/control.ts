// Payload codecs of the mux control frames: SETTINGS, WINDOW_UPDATE, RESET, GOAWAY.
import { Code } from "../status/code.js";
import { protocolError } from "../wire/errors.js";
import { readVarint, varintSize, writeVarint } from "../wire/varint.js";

/** Setting identifiers carried in SETTINGS frames. */
export enum SettingId {
  /** Initial flow-control window of every stream, in bytes. */
  INITIAL_STREAM_WINDOW = 1,
  /** Largest number of concurrent streams the sender accepts. */
  MAX_CONCURRENT_STREAMS = 2,
  /** Initial flow-control window of the whole session, in bytes. */
  SESSION_WINDOW = 3,
  /** 1: the sender accepts DATA frames with the BATCH flag (§11.7); 0 or absent: it does not. */
  BATCH_MESSAGES = 4,
}

/** Settings of one side of a session. */
export interface MuxSettings {
  /** Initial window per stream (default 1 MiB). */
  initialStreamWindow: number;
  /** Concurrent streams the peer may open (default 1000). */
  maxConcurrentStreams: number;
  /** Initial session window (default 16 MiB). */
  sessionWindow: number;
  /** Whether the side accepts batched messages (assumed false for a peer until its SETTINGS say otherwise). */
  batchMessages: boolean;
}

/** Defaults both sides assume until the peer's SETTINGS arrive. */
export const DEFAULT_SETTINGS: MuxSettings = { initialStreamWindow: 1 << 20, maxConcurrentStreams: 1000, sessionWindow: 16 << 20, batchMessages: false };
/**
 * Flow-control credit every DATA frame costs on top of its payload bytes (both windows), so empty
 * and tiny messages are not free: the memory a peer can make us queue is bounded by the windows.
 */
export const DATA_FRAME_CHARGE = 256;
/** Largest window (2^31 - 1, as HTTP/2). */
export const MAX_WINDOW = 0x7fffffff;

function bad(what: string): never {
  return protocolError(`malformed ${what} frame`);
}

function varints(values: number[]): Uint8Array {
  const out = new Uint8Array(values.reduce((n, v) => n + varintSize(v), 0));
  let off = 0;
  for (const v of values) off = writeVarint(out, off, v);
  return out;
}

/** Reads exactly `count` varints (or any number when count is undefined) filling the payload. */
function readAll(payload: Uint8Array, what: string, count?: number): number[] {
  const out: number[] = [];
  let off = 0;
  while (off < payload.length && (count === undefined || out.length < count)) {
    const r = readVarint(payload, off) ?? bad(what);
    out.push(r[0]);
    off = r[1];
  }
  if (count !== undefined && (out.length !== count || off !== payload.length)) bad(what);
  return out;
}

/** SETTINGS payload: (id varint, value varint) pairs. This implementation always accepts batches (BATCH_MESSAGES = 1). */
export function encodeSettings(s: MuxSettings): Uint8Array {
  return varints([
    SettingId.INITIAL_STREAM_WINDOW, s.initialStreamWindow,
    SettingId.MAX_CONCURRENT_STREAMS, s.maxConcurrentStreams,
    SettingId.SESSION_WINDOW, s.sessionWindow,
    SettingId.BATCH_MESSAGES, 1,
  ]);
}

/** Parses SETTINGS over `base`; unknown ids are ignored, windows over 2^31-1 are errors. */
export function decodeSettings(payload: Uint8Array, base: MuxSettings): MuxSettings {
  const v = readAll(payload, "SETTINGS");
  if (v.length % 2 !== 0) bad("SETTINGS");
  const out = { ...base };
  for (let i = 0; i < v.length; i += 2) {
    const value = v[i + 1] as number;
    switch (v[i]) {
      case SettingId.INITIAL_STREAM_WINDOW:
        if (value > MAX_WINDOW) bad("SETTINGS");
        out.initialStreamWindow = value;
        break;
      case SettingId.MAX_CONCURRENT_STREAMS:
        out.maxConcurrentStreams = value;
        break;
      case SettingId.SESSION_WINDOW:
        if (value > MAX_WINDOW) bad("SETTINGS");
        out.sessionWindow = value;
        break;
      case SettingId.BATCH_MESSAGES:
        if (value > 1) bad("SETTINGS");
        out.batchMessages = value === 1;
        break;
    }
  }
  return out;
}

/** WINDOW_UPDATE payload: one varint increment, 1..2^31-1. */
export function encodeWindowUpdate(increment: number): Uint8Array {
  return varints([increment]);
}

/** Parses WINDOW_UPDATE. */
export function decodeWindowUpdate(payload: Uint8Array): number {
  const [n] = readAll(payload, "WINDOW_UPDATE", 1) as [number];
  if (n === 0 || n > MAX_WINDOW) bad("WINDOW_UPDATE");
  return n;
}

/** RESET payload: status code varint, then a UTF-8 message. */
export function encodeReset(code: Code, message: string): Uint8Array {
  const msg = new TextEncoder().encode(message.slice(0, 512));
  const out = new Uint8Array(varintSize(code) + msg.length);
  out.set(msg, writeVarint(out, 0, code));
  return out;
}

/** Parses RESET. Unknown codes become UNKNOWN. */
export function decodeReset(payload: Uint8Array): { code: Code; message: string } {
  const r = readVarint(payload, 0) ?? bad("RESET");
  const code = r[0] >= 1 && r[0] <= 16 ? (r[0] as Code) : Code.UNKNOWN;
  return { code, message: new TextDecoder().decode(payload.subarray(r[1])) };
}

/** GOAWAY payload: last stream id varint, close code varint, UTF-8 reason. */
export function encodeGoAway(lastStreamId: number, code: number, reason: string): Uint8Array {
  const msg = new TextEncoder().encode(reason.slice(0, 256));
  const head = varints([lastStreamId, code]);
  const out = new Uint8Array(head.length + msg.length);
  out.set(head);
  out.set(msg, head.length);
  return out;
}

/** Parses GOAWAY. */
export function decodeGoAway(payload: Uint8Array): { lastStreamId: number; code: number; reason: string } {
  const a = readVarint(payload, 0) ?? bad("GOAWAY");
  const b = readVarint(payload, a[1]) ?? bad("GOAWAY");
  return { lastStreamId: a[0], code: b[0], reason: new TextDecoder().decode(payload.subarray(b[1])) };
}
