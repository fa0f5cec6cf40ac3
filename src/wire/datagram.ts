// Datagram plaintext codec: PROBE, PROBE_ACK, and MESSAGES (stream id, sequence, payload) packed together.
import { protocolError } from "./errors.js";
import { readVarint, varintSize, writeVarint } from "./varint.js";

/** Datagram plaintext kinds. */
export enum DatagramKind {
  /** Client → server: registers (or moves) the client's UDP address; 8 opaque bytes. */
  PROBE = 1,
  /** Server → client: the probe's 8 bytes echoed. */
  PROBE_ACK = 2,
  /** Stream messages: (stream id, sequence, length, payload)*. */
  MESSAGES = 3,
}

/** Default largest datagram plaintext (safe under common MTUs with headers and tag). */
export const MAX_DATAGRAM_PLAINTEXT = 1200;

/** One message carried in a datagram. */
export interface DatagramMessage {
  /** The stream (call) it belongs to. */
  streamId: number;
  /** Per-stream sequence number, from 1. */
  seq: number;
  /** Message bytes (a view into the datagram). */
  payload: Uint8Array;
}

/** Bytes one message takes inside a MESSAGES datagram. */
export function datagramMessageSize(streamId: number, seq: number, length: number): number {
  return varintSize(streamId) + varintSize(seq) + varintSize(length) + length;
}

/** Encodes a MESSAGES plaintext. */
export function encodeDatagramMessages(messages: readonly DatagramMessage[]): Uint8Array {
  const out = new Uint8Array(1 + messages.reduce((n, m) => n + datagramMessageSize(m.streamId, m.seq, m.payload.length), 0));
  out[0] = DatagramKind.MESSAGES;
  let off = 1;
  for (const m of messages) {
    off = writeVarint(out, off, m.streamId);
    off = writeVarint(out, off, m.seq);
    off = writeVarint(out, off, m.payload.length);
    out.set(m.payload, off);
    off += m.payload.length;
  }
  return out;
}

/** Encodes PROBE or PROBE_ACK. */
export function encodeProbe(kind: DatagramKind.PROBE | DatagramKind.PROBE_ACK, token: Uint8Array): Uint8Array {
  const out = new Uint8Array(9);
  out[0] = kind;
  out.set(token.subarray(0, 8), 1);
  return out;
}

/** Decodes a datagram plaintext; malformed input is a protocol error. */
export function decodeDatagram(pt: Uint8Array): { kind: DatagramKind; token?: Uint8Array; messages?: DatagramMessage[] } {
  const kind = pt[0];
  if (kind === DatagramKind.PROBE || kind === DatagramKind.PROBE_ACK) {
    if (pt.length !== 9) protocolError("malformed datagram probe");
    return { kind, token: pt.subarray(1) };
  }
  if (kind !== DatagramKind.MESSAGES) protocolError(`unknown datagram kind ${kind ?? "(empty)"}`);
  const messages: DatagramMessage[] = [];
  let off = 1;
  while (off < pt.length) {
    const sid = readVarint(pt, off) ?? protocolError("truncated datagram message");
    const seq = readVarint(pt, sid[1]) ?? protocolError("truncated datagram message");
    const len = readVarint(pt, seq[1]) ?? protocolError("truncated datagram message");
    const end = len[1] + len[0];
    if (end > pt.length) protocolError("datagram message runs past the end");
    messages.push({ streamId: sid[0], seq: seq[0], payload: pt.subarray(len[1], end) });
    off = end;
  }
  return { kind, messages };
}
