// Server pushback: parses the `grpc-retry-pushback-ms` trailer that delays or stops a call's retries (gRFC A6).

/** Trailer key by which a server asks the client to delay (or stop) retrying a call. */
export const PUSHBACK_KEY = "grpc-retry-pushback-ms";

/** What the server asked: nothing, retry after `ms`, or do not retry this call at all. */
export type Pushback = { readonly kind: "none" } | { readonly kind: "delay"; readonly ms: number } | { readonly kind: "stop" };

const NONE: Pushback = Object.freeze({ kind: "none" });
const STOP: Pushback = Object.freeze({ kind: "stop" });
/** Largest delay a server may ask for: 2^31 − 1 ms (a signed 32-bit integer, as gRPC). */
const MAX_PUSHBACK_MS = 0x7fffffff;

/** undefined → none; a decimal integer 0..2^31−1 → delay; anything else (negative, not a number, too many values) → stop. */
export function parsePushback(value: string | undefined): Pushback {
  if (value === undefined) return NONE;
  if (value.length > 10 || !/^\d{1,10}$/.test(value)) return STOP;
  const ms = Number(value);
  return ms <= MAX_PUSHBACK_MS ? Object.freeze({ kind: "delay", ms }) : STOP;
}

/** The pushback of all values a trailer block carries under PUSHBACK_KEY: none, one value parsed, or stop for several. */
export function parsePushbackValues(values: readonly string[]): Pushback {
  if (values.length > 1) return STOP;
  return parsePushback(values[0]);
}
