// XtmpError: the one error type, carrying a gRPC status code, message, details and metadata.
import { Code, codeName, isCode } from "./code.js";
import { findDetails, listDetails, type DetailReader, type StatusDetailEntry } from "./details.js";

export { Code } from "./code.js";

/** One metadata entry as errors carry it: text, or bytes for `-bin` keys. */
export type ErrorMetadataEntry = readonly [key: string, value: string | Uint8Array];

/** Optional parts of an XtmpError. */
export interface XtmpErrorOptions {
  /** Trailing metadata sent with the status. */
  metadata?: Iterable<ErrorMetadataEntry>;
  /**
   * Status details, each a serialized google.protobuf.Any, sent as-is: build them with
   * `statusDetail(RetryInfo, { retryDelay: { seconds: 1n, nanos: 0 } })` (details.ts).
   */
  details?: readonly Uint8Array[];
  /** The underlying error, kept locally and never sent to the peer. */
  cause?: unknown;
}

/**
 * Every failure the runtime reports: an RPC status, a handshake failure or a protocol
 * violation. `message` is the raw status message; `toString()` prefixes the code name.
 */
export class XtmpError extends Error {
  /** The gRPC status code. */
  readonly code: Code;
  /** The status message without the code prefix (what goes on the wire). */
  readonly rawMessage: string;
  /** Trailing metadata. */
  readonly metadata: readonly ErrorMetadataEntry[];
  /** Status details, each a serialized google.protobuf.Any (raw; see findDetails/listDetails). */
  readonly details: readonly Uint8Array[];

  /** Creates an error; `code` must be non-OK. */
  constructor(code: Code, message: string, options: XtmpErrorOptions = {}) {
    super(`[${codeName(code)}] ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "XtmpError";
    this.code = isCode(code) && code !== Code.OK ? code : Code.UNKNOWN;
    this.rawMessage = message;
    this.metadata = [...(options.metadata ?? [])];
    this.details = [...(options.details ?? [])];
  }

  /** Every detail of `type` that decodes, e.g. `err.findDetails(RetryInfo)`; never throws on malformed details. */
  findDetails<T>(type: DetailReader<T>): T[] {
    return findDetails(this.details, type);
  }

  /** Every detail unpacked with its type URL, in order (bytes that are not an Any have `valid: false`). */
  listDetails(): StatusDetailEntry[] {
    return listDetails(this.details);
  }

  /**
   * Converts anything thrown into an XtmpError. XtmpErrors pass through; an AbortError
   * becomes CANCELLED; anything else becomes `fallback` (UNKNOWN) with a generic message and
   * the original kept only as `cause`, so stacks and internals never reach the peer.
   */
  static from(reason: unknown, fallback: Code = Code.UNKNOWN): XtmpError {
    if (reason instanceof XtmpError) return reason;
    if (reason instanceof Error && reason.name === "AbortError") {
      return new XtmpError(Code.CANCELLED, "operation was cancelled", { cause: reason });
    }
    if (reason instanceof Error && reason.name === "TimeoutError") {
      return new XtmpError(Code.DEADLINE_EXCEEDED, "deadline exceeded", { cause: reason });
    }
    return new XtmpError(fallback, fallback === Code.UNKNOWN ? "unknown error" : codeName(fallback).toLowerCase(), { cause: reason });
  }
}

/** Alias for users who think in RPC terms. */
export { XtmpError as RpcError };
