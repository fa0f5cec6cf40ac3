// Per-call options a client passes, and the stream input shape of client-streaming calls.
import type { Metadata, MetadataInit } from "./metadata.js";

/** Options of one client call. */
export interface CallOptions {
  /** Deadline: milliseconds from now (a number) or an absolute Date. */
  deadline?: number | Date;
  /** Request headers. */
  metadata?: MetadataInit;
  /** Aborting it cancels the call (the server sees CANCELLED). */
  signal?: AbortSignal;
  /** Force request compression on or off (default: the method's policy and the channel setting). */
  compress?: boolean;
  /**
   * The server call this call is made from: its deadline (if earlier) and its cancellation carry
   * over, so a chain of calls shares one deadline, as in gRPC deadline propagation.
   */
  parent?: { readonly deadline: number | undefined; readonly signal: AbortSignal };
  /**
   * Wait for an endpoint to become ready (until the deadline) instead of failing UNAVAILABLE while
   * the channel cannot connect (default false: fail fast, as gRPC; the service config may set it).
   */
  waitForReady?: boolean;
  /** Called with the response headers before the first response message (empty when the server sent none). */
  onHeader?: (header: Metadata) => void;
  /**
   * Called with the trailing metadata when the call ends, successfully or not (then with the
   * error's metadata), before the result reaches the caller.
   */
  onTrailer?: (trailer: Metadata) => void;
  /** For DATAGRAM methods: an object the call keeps updated with delivery counters. */
  datagramStats?: DatagramCallStats;
}

/** Delivery counters of a DATAGRAM server stream (updated live while it runs). */
export interface DatagramCallStats {
  /** True when the messages travel over UDP; false when the call fell back to the TCP session. */
  udp: boolean;
  /** Messages received over UDP and delivered to the caller. */
  received: number;
  /**
   * Messages never received (or dropped because the caller fell 4096 messages behind). While the
   * stream runs: gaps in the per-stream sequence numbers (late arrivals subtract); once it has ended:
   * exactly `sent - received`.
   */
  lost: number;
  /** Set when the stream ends: how many messages the server sent by datagram (its `:datagrams` trailer). */
  sent?: number;
  /** Messages that arrived after a later one (delivered anyway, in arrival order). */
  reordered: number;
}

/** Messages a client streams: any sync or async iterable. */
export type StreamInput<T> = AsyncIterable<T> | Iterable<T>;
