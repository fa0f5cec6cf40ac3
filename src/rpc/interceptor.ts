// Interceptors: plain functions that wrap a call on the client or the server (auth, logging, metrics).
import type { ServerContext } from "./context.js";
import type { AnyMethodDescriptor } from "./descriptor.js";
import type { Metadata } from "./metadata.js";

/** A client call as interceptors see it. Messages are decoded request objects. */
export interface ClientRequest {
  /** The method being called. */
  readonly method: AnyMethodDescriptor;
  /** Request headers (mutable until the call starts). */
  readonly header: Metadata;
  /** Absolute deadline (epoch ms), if any. */
  readonly deadline: number | undefined;
  /** Cancels the call. */
  readonly signal: AbortSignal;
  /** Request messages. */
  readonly messages: AsyncIterable<unknown>;
}

/** A client call's outcome as interceptors see it. Iterating `messages` drives the call. */
export interface ClientResponse {
  /** Response headers, once they arrive. */
  readonly header: Promise<Metadata>;
  /** Response messages; iteration throws an XtmpError if the call fails. */
  readonly messages: AsyncIterable<unknown>;
  /** Trailers, once the call ends successfully. */
  readonly trailer: Promise<Metadata>;
}

/** Performs a client call. */
export type ClientInvoke = (request: ClientRequest) => ClientResponse;

/** Wraps a client call: `next => request => { …; return next(request); }`. */
export type ClientInterceptor = (next: ClientInvoke) => ClientInvoke;

/** A server call as interceptors see it. */
export interface ServerRequest {
  /** The method being served. */
  readonly method: AnyMethodDescriptor;
  /** The handler's context (headers, deadline, signal, peer identity). */
  readonly ctx: ServerContext;
  /** Decoded request messages. */
  readonly messages: AsyncIterable<unknown>;
}

/** Serves a call: returns the response messages; throwing (or a failing iteration) sets the status. */
export type ServerInvoke = (request: ServerRequest) => AsyncIterable<unknown>;

/** Wraps a server call: `next => request => { …; return next(request); }`. */
export type ServerInterceptor = (next: ServerInvoke) => ServerInvoke;

/** Applies interceptors so the first in the list is the outermost. */
export function chain<F>(interceptors: ReadonlyArray<(next: F) => F>, last: F): F {
  let f = last;
  for (let i = interceptors.length - 1; i >= 0; i--) f = (interceptors[i] as (next: F) => F)(f);
  return f;
}
