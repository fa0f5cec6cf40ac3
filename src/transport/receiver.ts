// What a transport's byte duplex delivers to: the transport layer's twin of wire's ByteReceiver (transport may import only status).

/**
 * Receives a connection's bytes. Structurally identical to the wire layer's ByteReceiver, which
 * transport may not import; test/public-api.test.ts fails to type-check if the two ever differ.
 */
export interface SocketReceiver {
  /** A chunk arrived (the receiver may keep it). */
  onData(chunk: Uint8Array): void;
  /** The connection ended; `error` when it failed. */
  onEnd(error?: Error): void;
  /** Optional: buffered writes went out (see the duplex's `bufferedAmount`). */
  onDrain?(): void;
}
