// Per-call options a client passes, and the stream input shape of client-streaming calls.
import type { MetadataInit } from "./metadata.js";

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
}

/** Messages a client streams: any sync or async iterable. */
export type StreamInput<T> = AsyncIterable<T> | Iterable<T>;
