// The small duplex interfaces the secure and mux layers work over (an in-memory pair is transport/memory.ts).
import type { XtmpError } from "../status/error.js";
import type { Frame } from "./frame.js";
import type { CloseCode } from "./frame-types.js";

/** Receives bytes from a ByteDuplex. */
export interface ByteReceiver {
  /** A chunk arrived (the receiver may keep it). */
  onData(chunk: Uint8Array): void;
  /** The stream ended; `error` when it failed. */
  onEnd(error?: Error): void;
  /**
   * Optional: the duplex handed buffered bytes to the network, so `bufferedAmount` fell. Called at
   * least whenever its write buffer empties after having been above a few KiB.
   */
  onDrain?(): void;
}

/** A reliable ordered byte stream (a TCP socket, a WebSocket, an in-memory pipe). */
export interface ByteDuplex {
  /** Sends bytes; the duplex may keep the buffer until written. */
  write(chunk: Uint8Array): void;
  /** Optional: sends several buffers as one write (gather I/O), avoiding a concatenation copy. */
  writev?(chunks: Uint8Array[]): void;
  /** Closes both directions; pending writes are flushed first when possible. */
  close(): void;
  /** Installs the receiver; bytes that arrived earlier are delivered to it at once. */
  setReceiver(receiver: ByteReceiver): void;
  /**
   * Optional (network duplexes): bytes accepted by `write` but not yet handed to the network. A
   * duplex that reports it also calls its receiver's `onDrain`. In-memory duplexes leave it out.
   */
  readonly bufferedAmount?: number;
  /** Optional: stops reading from the peer (its sends then stall on a full transport window). */
  pauseReading?(): void;
  /** Optional: undoes `pauseReading`. */
  resumeReading?(): void;
  /** Optional: drops the connection at once, without flushing. */
  destroy?(): void;
}

/** Receives frames from a FrameDuplex. */
export interface FrameReceiver {
  /** A frame arrived. Its payload is a view valid only during this call. */
  onFrame(frame: Frame): void;
  /** The session closed; `error` says why unless it was an orderly close. */
  onClose(error?: XtmpError): void;
  /** Optional: the session is no longer write-blocked (see FrameDuplex `writeBlocked`). */
  onWritable?(): void;
  /** Optional: an exception that is not a protocol error (a bug) was caught below us; the session closes next. */
  onUnexpectedError?(error: unknown): void;
}

/** A session that carries frames (secure or insecure); what the mux layer runs on. */
export interface FrameDuplex {
  /**
   * Queues a frame; frames queued in one event-loop turn go out together. The payload is read when
   * the record is sealed (at the latest when the turn ends): it must not change before then.
   */
  send(frame: Frame): void;
  /**
   * Optional: sends what is queued as soon as the current synchronous work and its microtasks are
   * done, instead of at the end of the event-loop turn (for frames the peer waits on, like credit).
   */
  flushSoon?(): void;
  /** Largest frame payload the peer accepts. */
  readonly maxFramePayload: number;
  /** Installs the receiver. */
  setReceiver(receiver: FrameReceiver): void;
  /** Closes the session (sending CLOSE with `error`'s reason when given). */
  close(error?: XtmpError, code?: CloseCode): void;
  /**
   * Optional: the peer is not taking what we send (more than the session's outbound limit is
   * unsent); senders of flow-controlled data should wait for the receiver's `onWritable`.
   */
  readonly writeBlocked?: boolean;
}
