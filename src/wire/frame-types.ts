// Frame type numbers, flags and the rule for unknown types.

/** Frame types. 0 is PADDING; 0x80-0xff are extension types a receiver ignores when unknown. */
export enum FrameType {
  /** The rest of the record is padding (traffic-analysis resistance); must be the last frame. */
  PADDING = 0x00,
  /** The sender switched its sending key after this record (stream 0, empty payload). */
  KEY_UPDATE = 0x01,
  /** The sender closes the session: payload = varint close code, UTF-8 reason (stream 0). */
  CLOSE = 0x02,
  /** A session resumption ticket from the server (stream 0; §4.2): varint lifetime, 8-byte nonce, ticket. */
  TICKET = 0x03,
  /** Opens a stream: method path, metadata, deadline (mux layer). */
  OPEN = 0x10,
  /** Message bytes of a stream (mux layer). */
  DATA = 0x11,
  /** Response headers of a stream (mux layer). */
  HEADERS = 0x12,
  /** Status and trailing metadata; ends the stream (mux layer). */
  TRAILERS = 0x13,
  /** Aborts a stream with a code (mux layer). */
  RESET = 0x14,
  /** Grants flow-control credit; stream 0 = session window (mux layer). */
  WINDOW_UPDATE = 0x15,
  /** Session settings (mux layer, stream 0). */
  SETTINGS = 0x16,
  /** Liveness and RTT probe; flag ACK on the answer (mux layer, stream 0). */
  PING = 0x17,
  /** No new streams above the given id will be served (mux layer, stream 0). */
  GOAWAY = 0x18,
  /** The next fragment of the header block an OPEN, HEADERS or TRAILERS frame began (mux layer). */
  CONTINUATION = 0x19,
}

/** Flag bits; their meaning depends on the frame type. */
export const FrameFlags = {
  /** DATA: the last frame of this message. PING: this is the answer. */
  END_MESSAGE: 0x01,
  /** PING answer. */
  ACK: 0x01,
  /** DATA/OPEN: the sender will send nothing more on this stream (half-close). */
  END_STREAM: 0x02,
  /** DATA: the message bytes are compressed. */
  COMPRESSED: 0x04,
  /** DATA: the message ends with a 64-byte Ed25519 signature by the sender (methods with `signed`). */
  SIGNED: 0x08,
  /** RESET: the stream was refused before any application saw it; the client may send it again, here or elsewhere. */
  REFUSED: 0x01,
  /** OPEN/HEADERS/TRAILERS/CONTINUATION: the header block continues in a CONTINUATION frame on the same stream. */
  MORE_HEADERS: 0x10,
  /** DATA: the message is a batch of length-prefixed messages (§11.7; only to a peer whose SETTINGS accept batches). */
  BATCH: 0x10,
} as const;

const KNOWN = new Set<number>(Object.values(FrameType).filter((v): v is number => typeof v === "number"));

/** What a receiver does with a frame type: handle it, skip it (unknown extension), or fail. */
export function classifyFrameType(type: number): "known" | "ignore" | "fatal" {
  if (KNOWN.has(type)) return "known";
  return type >= 0x80 ? "ignore" : "fatal";
}

/** Session close codes carried by CLOSE frames and reported to the application. */
export enum CloseCode {
  /** Orderly close. */
  NO_ERROR = 0,
  /** The peer broke the protocol (malformed frame, bad state transition). */
  PROTOCOL_ERROR = 1,
  /** An internal failure in the sender. */
  INTERNAL_ERROR = 2,
  /** A flow-control window was overrun. */
  FLOW_CONTROL_ERROR = 3,
  /** A frame or message exceeded a negotiated limit. */
  SIZE_ERROR = 4,
  /** The idle or keepalive timeout expired. */
  TIMEOUT = 5,
  /** The peer is shutting down. */
  GOING_AWAY = 6,
  /** The peer's identity was not accepted. */
  AUTH_FAILED = 7,
  /** The peer exceeded an abuse budget (too many PINGs, SETTINGS or resets); like HTTP/2 ENHANCE_YOUR_CALM. */
  EXCESSIVE_LOAD = 8,
}
