// ServerContext: what a handler knows about the call it serves.
import type { Metadata } from "./metadata.js";

/** The call a server handler is serving. */
export interface ServerContext {
  /** Full method path, `/package.Service/Method`. */
  readonly method: string;
  /** How the call arrived: XTMP over TCP, a unix socket, memory (`memory://`), UDP datagrams (DATAGRAM delivery) or WebSocket, or standard gRPC through the bridge. */
  readonly transport: "tcp" | "unix" | "memory" | "udp" | "ws" | "grpc";
  /** Request headers sent by the client. */
  readonly requestMetadata: Metadata;
  /** Headers to send before the first response (mutable until the first message). */
  readonly responseHeaders: Metadata;
  /** Trailers to send with the status (mutable until the call ends). */
  readonly responseTrailers: Metadata;
  /** Absolute deadline in epoch milliseconds, or undefined for none. */
  readonly deadline: number | undefined;
  /** Fires when the client cancels, the deadline passes or the session closes. */
  readonly signal: AbortSignal;
  /** The peer's authenticated Ed25519 identity public key (32 bytes), when known. */
  readonly peerIdentity: Uint8Array | undefined;
  /** The client's address `ip:port` (from the PROXY protocol header when the connection came through a trusted proxy), when known. */
  readonly peerAddress: string | undefined;
  /**
   * For methods with the `signed` option: the peer's Ed25519 signature of the most recent request
   * message (verified; keep it with the message as proof of origin). Undefined otherwise.
   */
  readonly requestSignature: Uint8Array | undefined;
  /** Whether the most recent request message arrived compressed. */
  readonly requestCompressed: boolean;
  /** Forces response compression on or off for this call (default: the method's policy). */
  setResponseCompression(on: boolean): void;
}
