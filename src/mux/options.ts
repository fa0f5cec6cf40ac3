// Options, limits and counters of a mux session.
import type { XtmpError } from "../status/error.js";
import type { MuxSettings } from "./control.js";
import type { MuxStream } from "./stream.js";

/** Limits on the work a peer can make a session do (each has a safe default). */
export interface MuxLimits {
  /** PINGs and SETTINGS (the frames we must answer) accepted per second; more closes the session (default 50, burst 200). */
  controlFramesPerSecond: number;
  /** Streams the peer resets (or that we refuse) per second before the session is closed (default 200, burst 1000). */
  resetsPerSecond: number;
  /** Server: close a session with no open stream for this long (default 300,000 ms; 0 = never). */
  idleTimeoutMs: number;
  /** Server: send GOAWAY after a session has lived this long (default 0 = never), then close it after `maxAgeGraceMs`. */
  maxAgeMs: number;
  /** Grace for open streams after the max-age GOAWAY (default 30,000 ms). */
  maxAgeGraceMs: number;
}

/** Default bound of the queue of streams waiting for the peer's MAX_CONCURRENT_STREAMS (`maxQueuedStreams`). */
export const DEFAULT_MAX_QUEUED_STREAMS = 10_000;

/** Default limits. */
export const DEFAULT_MUX_LIMITS: MuxLimits = { controlFramesPerSecond: 50, resetsPerSecond: 200, idleTimeoutMs: 300_000, maxAgeMs: 0, maxAgeGraceMs: 30_000 };

/** Options of a mux session. */
export interface MuxOptions {
  /** True on the side that opens streams (the RPC client). */
  isClient: boolean;
  /** Our settings (what the peer may do to us). */
  settings?: Partial<MuxSettings>;
  /** Largest message we accept (default 4 MiB). */
  maxRecvMessage?: number;
  /** Largest header block we accept, all CONTINUATION fragments included (default 64 KiB); larger ones fail RESOURCE_EXHAUSTED. */
  maxHeaderBytes?: number;
  /** Streams that may wait for the peer's concurrency limit (default 10,000); more fail RESOURCE_EXHAUSTED at once. */
  maxQueuedStreams?: number;
  /** The first stream id this side uses (default 1 for the client). For tests that cross the end of the id space. */
  firstStreamId?: number;
  /** Send a PING after this many idle milliseconds (0 = off). */
  keepaliveMs?: number;
  /** Close the session when a PING is not answered within this many ms (default 20,000). */
  keepaliveTimeoutMs?: number;
  /** Server side: a peer opened a stream. Set its handler before returning. */
  onStream?: (stream: MuxStream, headers: Uint8Array) => void;
  /** The peer sent GOAWAY: no new streams on this session. */
  onGoAway?: (lastStreamId: number, reason: string) => void;
  /** This side sent GOAWAY (shutdown, maximum connection age). */
  onGoAwaySent?: (reason: string) => void;
  /** The session closed; `error` unless orderly. */
  onClose?: (error?: XtmpError) => void;
  /** Abuse limits (defaults in DEFAULT_MUX_LIMITS). */
  limits?: Partial<MuxLimits>;
  /** An exception that is not a protocol error (a bug) escaped frame handling; the session is closed. */
  onUnexpectedError?: (error: unknown) => void;
}

/** Counters the runtime and tests read. */
export interface MuxStats {
  /** Streams open now. */
  activeStreams: number;
  /** Streams waiting for a concurrency slot. */
  queuedStreams: number;
  /** Streams ever opened. */
  streamsOpened: number;
  /** Streams occupying a concurrency slot (open, or closed with a handler still running). */
  busySlots: number;
  /** Streams refused because `maxQueuedStreams` streams already waited for a slot. */
  queueRefusals: number;
  /** Bytes of a partially received header block held now (at most `maxHeaderBytes`). */
  headerBlockBytes: number;
  /** Times a stream had data to send and no flow-control window (stream or session). */
  flowControlStalls: number;
}
