// The 17 gRPC status codes with their wire numbers and canonical names.

/** gRPC status codes; the numbers are the wire values and never change. */
export enum Code {
  /** Not an error. */
  OK = 0,
  /** The operation was cancelled, typically by the caller. */
  CANCELLED = 1,
  /** Unknown error, e.g. a handler threw something that is not an XtmpError. */
  UNKNOWN = 2,
  /** The client specified an invalid argument. */
  INVALID_ARGUMENT = 3,
  /** The deadline expired before the operation could complete. */
  DEADLINE_EXCEEDED = 4,
  /** A requested entity was not found. */
  NOT_FOUND = 5,
  /** The entity the client tried to create already exists. */
  ALREADY_EXISTS = 6,
  /** The caller lacks permission for the operation. */
  PERMISSION_DENIED = 7,
  /** A resource was exhausted (message too large, too many streams, quota). */
  RESOURCE_EXHAUSTED = 8,
  /** The system is not in a state required for the operation. */
  FAILED_PRECONDITION = 9,
  /** The operation was aborted, e.g. by a concurrency conflict. */
  ABORTED = 10,
  /** The operation was attempted past the valid range. */
  OUT_OF_RANGE = 11,
  /** The operation is not implemented or supported (unknown method or service). */
  UNIMPLEMENTED = 12,
  /** An internal invariant was broken (protocol violation, corrupted data). */
  INTERNAL = 13,
  /** The service is currently unavailable (connection lost, server shutting down). */
  UNAVAILABLE = 14,
  /** Unrecoverable data loss or corruption. */
  DATA_LOSS = 15,
  /** The request lacks valid authentication credentials (handshake or key failure). */
  UNAUTHENTICATED = 16,
}

/** Canonical upper-case name of a code, e.g. `DEADLINE_EXCEEDED`; `CODE_<n>` for unknown numbers. */
export function codeName(code: number): string {
  return Code[code] ?? `CODE_${code}`;
}

/** Whether `n` is one of the 17 defined codes. */
export function isCode(n: number): n is Code {
  return Number.isInteger(n) && n >= 0 && n <= 16;
}
