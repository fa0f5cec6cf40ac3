// Datagram plaintext codec: PROBE, PROBE_ACK, PATH_CHALLENGE/RESPONSE, and MESSAGES packed together.
import { protocolError } from "./errors.js";
import { readVarint, varintSize, writeVarint } from "./varint.js";

/** Datagram plaintext kinds. */
export enum DatagramKind {
  /** Client → server: asks to use (or move to) the client's UDP address; 8 opaque bytes. */
  PROBE = 1,
  /** Server → client: the probe's 8 bytes echoed, sent once the probe's address is validated. */
  PROBE_ACK = 2,
  /** Stream messages (server → client): (stream id, sequence, length, payload)*. */
  MESSAGES = 3,
  /** Server → client, to an address not validated yet: 8 random bytes the client must echo from there. */
  PATH_CHALLENGE = 4,
  /** Client → server: a PATH_CHALLENGE's 8 bytes echoed (validates the address it comes from). */
  PATH_RESPONSE = 5,
}

/** The kinds whose plaintext is the kind byte and 8 token bytes. */
export type TokenKind = DatagramKind.PROBE | DatagramKind.PROBE_ACK | DatagramKind.PATH_CHALLENGE | DatagramKind.PATH_RESPONSE;

/** Token length of PROBE, PROBE_ACK, PATH_CHALLENGE and PATH_RESPONSE. */
export const DATAGRAM_TOKEN_SIZE = 8;

const isTokenKind = (k: number | undefined): k is TokenKind =>
  k === DatagramKind.PROBE || k === DatagramKind.PROBE_ACK || k === DatagramKind.PATH_CHALLENGE || k === DatagramKind.PATH_RESPONSE;

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

/** Encodes PROBE, PROBE_ACK, PATH_CHALLENGE or PATH_RESPONSE (`token` must be 8 bytes). */
export function encodeProbe(kind: TokenKind, token: Uint8Array): Uint8Array {
  if (token.length !== DATAGRAM_TOKEN_SIZE) throw new RangeError(`datagram token must be ${DATAGRAM_TOKEN_SIZE} bytes`);
  const out = new Uint8Array(1 + DATAGRAM_TOKEN_SIZE);
  out[0] = kind;
  out.set(token, 1);
  return out;
}

/** Decodes a datagram plaintext; malformed input is a protocol error. */
export function decodeDatagram(pt: Uint8Array): { kind: DatagramKind; token?: Uint8Array; messages?: DatagramMessage[] } {
  const kind = pt[0];
  if (isTokenKind(kind)) {
    if (pt.length !== 1 + DATAGRAM_TOKEN_SIZE) protocolError(`malformed datagram ${DatagramKind[kind]}`);
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
