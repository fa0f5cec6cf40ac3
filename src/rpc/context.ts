// ServerContext: what a handler knows about the call it serves, as its own small object, with per-call values.
import type { XtmpError } from "../status/error.js";
import { Metadata } from "./metadata.js";

/** How a call arrived: XTMP over TCP, a unix socket, memory (`memory://`), UDP datagrams (DATAGRAM delivery) or WebSocket, or standard gRPC through the bridge. */
export type CallTransport = "tcp" | "unix" | "memory" | "udp" | "ws" | "grpc";

/** A typed key for `ctx.values`, with the value `get` returns when none was set. */
export interface ContextKey<T> {
  readonly id: symbol;
  readonly defaultValue: T;
}

/** Creates a key for per-call values (interceptors set them, handlers read them), as Connect's `createContextKey`. */
export function createContextKey<T>(defaultValue: T, options: { description?: string } = {}): ContextKey<T> {
  return Object.freeze({ id: Symbol(options.description ?? "xtmp context key"), defaultValue });
}

/** Per-call values: a typed map that lives as long as the call. */
export class ContextValues {
  private readonly map = new Map<symbol, unknown>();

  /** The value set for `key`, else its default. */
  get<T>(key: ContextKey<T>): T {
    return this.map.has(key.id) ? (this.map.get(key.id) as T) : key.defaultValue;
  }

  /** Sets the value of `key` for this call. */
  set<T>(key: ContextKey<T>, value: T): this {
    this.map.set(key.id, value);
    return this;
  }

  /** Removes the value of `key` (`get` returns the default again). */
  delete(key: ContextKey<unknown>): this {
    this.map.delete(key.id);
    return this;
  }
}

/** The call a server handler is serving. */
export interface ServerContext {
  /** Full method path, `/package.Service/Method`. */
  readonly method: string;
  /** How the call arrived. */
  readonly transport: CallTransport;
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
  /** The client's address `ip:port` (from the PROXY protocol header when the connection came through a trusted proxy), a unix socket path or `memory://name`, when known. */
  readonly peerAddress: string | undefined;
  /**
   * For methods with the `signed` option: the peer's Ed25519 signature of the most recent request
   * message (verified; keep it with the message as proof of origin). Undefined otherwise.
   */
  readonly requestSignature: Uint8Array | undefined;
  /** Whether the most recent request message arrived compressed. */
  readonly requestCompressed: boolean;
  /** Values for this call only: interceptors set them, handlers read them (keys from `createContextKey`). */
  readonly values: ContextValues;
  /** Forces response compression on or off for this call (default: the method's policy). */
  setResponseCompression(on: boolean): void;
}

/** What a call's context starts from. */
export interface CallContextInit {
  readonly method: string;
  readonly transport: CallTransport;
  readonly requestMetadata: Metadata;
  readonly deadline: number | undefined;
  readonly peerIdentity: Uint8Array | undefined;
  readonly peerAddress: string | undefined;
}

/**
 * The context object the server hands to interceptors and handlers. Response metadata, the abort
 * signal and the values map are created on first use: most handlers touch none of them.
 */
export class CallContext implements ServerContext {
  readonly method: string;
  readonly transport: CallTransport;
  readonly requestMetadata: Metadata;
  readonly deadline: number | undefined;
  readonly peerIdentity: Uint8Array | undefined;
  readonly peerAddress: string | undefined;
  requestSignature: Uint8Array | undefined = undefined;
  requestCompressed = false;
  /** The handler's choice of response compression, if it made one. */
  forceCompression: boolean | undefined = undefined;
  /** Response headers, when the handler set any. */
  headersOut: Metadata | undefined = undefined;
  /** Response trailers, when the handler set any. */
  trailersOut: Metadata | undefined = undefined;
  private abort: AbortController | undefined = undefined;
  private abortReason: XtmpError | undefined = undefined;
  private valueMap: ContextValues | undefined = undefined;

  constructor(init: CallContextInit) {
    this.method = init.method;
    this.transport = init.transport;
    this.requestMetadata = init.requestMetadata;
    this.deadline = init.deadline;
    this.peerIdentity = init.peerIdentity;
    this.peerAddress = init.peerAddress;
  }

  get responseHeaders(): Metadata {
    return (this.headersOut ??= new Metadata());
  }

  get responseTrailers(): Metadata {
    return (this.trailersOut ??= new Metadata());
  }

  get signal(): AbortSignal {
    if (!this.abort) {
      this.abort = new AbortController();
      if (this.abortReason) this.abort.abort(this.abortReason);
    }
    return this.abort.signal;
  }

  get values(): ContextValues {
    return (this.valueMap ??= new ContextValues());
  }

  setResponseCompression(on: boolean): void {
    this.forceCompression = on;
  }

  /** The call ended with `reason`: the signal fires (now, or when first read). */
  aborted(reason: XtmpError): void {
    if (this.abortReason) return;
    this.abortReason = reason;
    this.abort?.abort(reason);
  }
}
