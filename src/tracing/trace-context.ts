// W3C Trace Context: the `traceparent` and `tracestate` headers, parsed strictly (they come from the network) and formatted.
import { createTraceState, isSpanContextValid, TraceFlags, type SpanContext } from "@opentelemetry/api";

/** Longest `tracestate` value read (the W3C limit: 32 members of at most 256 characters, practically 512 is what propagators keep). */
export const MAX_TRACESTATE_LENGTH = 512;

const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;
const HEX2 = /^[0-9a-f]{2}$/;

/**
 * Parses `traceparent` (`version-traceid-parentid-flags`, lowercase hex). Version 00 must be exactly
 * 55 characters; later versions may append fields after a `-` (read as version 00); version ff,
 * all-zero ids and anything malformed give undefined (the call then starts a new trace).
 */
export function parseTraceParent(traceparent: unknown, tracestate?: unknown): SpanContext | undefined {
  if (typeof traceparent !== "string" || traceparent.length < 55 || traceparent.length > 256) return undefined;
  const version = traceparent.slice(0, 2);
  if (!HEX2.test(version) || version === "ff") return undefined;
  if (version === "00" ? traceparent.length !== 55 : traceparent.length > 55 && traceparent[55] !== "-") return undefined;
  if (traceparent[2] !== "-" || traceparent[35] !== "-" || traceparent[52] !== "-") return undefined;
  const traceId = traceparent.slice(3, 35);
  const spanId = traceparent.slice(36, 52);
  const flags = traceparent.slice(53, 55);
  if (!HEX32.test(traceId) || !HEX16.test(spanId) || !HEX2.test(flags)) return undefined;
  const context: SpanContext = { traceId, spanId, traceFlags: parseInt(flags, 16) & TraceFlags.SAMPLED, isRemote: true };
  if (!isSpanContextValid(context)) return undefined; // all-zero ids
  if (typeof tracestate === "string" && tracestate.length > 0 && tracestate.length <= MAX_TRACESTATE_LENGTH) context.traceState = createTraceState(tracestate);
  return context;
}

/** Formats a span context as a version 00 `traceparent`. */
export function formatTraceParent(context: SpanContext): string {
  return `00-${context.traceId}-${context.spanId}-0${(context.traceFlags & TraceFlags.SAMPLED).toString(16)}`;
}
