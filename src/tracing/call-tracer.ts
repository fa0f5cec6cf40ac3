// Client and server spans through @opentelemetry/api, with the trace context carried in call metadata.
import { context, isSpanContextValid, ProxyTracerProvider, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span, type Tracer, type TracerProvider } from "@opentelemetry/api";
import { Code, codeName } from "../status/code.js";
import { formatTraceParent, parseTraceParent } from "./trace-context.js";

/** The instrumentation scope name of the runtime's spans. */
export const TRACER_NAME = "xtmp-rpc";

/** Call metadata as the tracer reads and writes it (structurally, our Metadata). */
export interface HeaderCarrier {
  get(key: string): unknown;
  set(key: string, value: string): unknown;
}

/** A server span and the context its handler runs in. */
export interface ServerTrace {
  readonly span: Span;
  readonly context: Context;
}

/** Codes that mark a server span as failed. */
const SERVER_ERRORS: ReadonlySet<number> = new Set([Code.UNKNOWN, Code.DEADLINE_EXCEEDED, Code.UNIMPLEMENTED, Code.INTERNAL, Code.UNAVAILABLE, Code.DATA_LOSS]);

const NOOP_TRACER_CLASS = new ProxyTracerProvider().getDelegate().getTracer(TRACER_NAME).constructor;

/**
 * The tracer calls record to: from `provider`, else the global provider as registered when the
 * server or channel is created; undefined when that is the no-op provider (no spans, no headers,
 * nothing per call).
 */
export function resolveTracer(provider: TracerProvider | undefined): CallTracer | undefined {
  let p = provider ?? trace.getTracerProvider();
  if (p instanceof ProxyTracerProvider) p = p.getDelegate();
  const tracer = p.getTracer(TRACER_NAME);
  return tracer.constructor === NOOP_TRACER_CLASS ? undefined : new CallTracer(tracer);
}

/** Starts and ends the spans of calls (span name `package.Service/Method`, RPC semantic-convention attributes). */
export class CallTracer {
  constructor(private readonly tracer: Tracer) {}

  /**
   * A client span for a call to `path`, child of the active context's span; its context goes into
   * `header` as `traceparent`/`tracestate` (the caller passes a copy it owns).
   */
  startClient(path: string, header: HeaderCarrier, system: string): Span {
    const method = path.replace(/^\//, "");
    const span = this.tracer.startSpan(method, { kind: SpanKind.CLIENT, attributes: { "rpc.system.name": system, "rpc.method": method } }, context.active());
    const sc = span.spanContext();
    if (isSpanContextValid(sc)) {
      header.set("traceparent", formatTraceParent(sc));
      const state = sc.traceState?.serialize();
      if (state) header.set("tracestate", state);
    }
    return span;
  }

  /** A server span for a call to `path`, child of the caller's span when the request carried a valid `traceparent`. */
  startServer(path: string, header: HeaderCarrier, system: string, peerAddress: string | undefined): ServerTrace {
    const method = path.replace(/^\//, "");
    const remote = parseTraceParent(header.get("traceparent"), header.get("tracestate"));
    const parent = remote ? trace.setSpanContext(ROOT_CONTEXT, remote) : ROOT_CONTEXT;
    const attributes: Record<string, string> = { "rpc.system.name": system, "rpc.method": method };
    if (peerAddress !== undefined) attributes["network.peer.address"] = peerAddress;
    const span = this.tracer.startSpan(method, { kind: SpanKind.SERVER, attributes }, parent);
    return { span, context: trace.setSpan(parent, span) };
  }

  /** Runs `fn` with `ctx` active (nested client calls made by a handler become children of its span). */
  run<T>(ctx: Context, fn: () => T): T {
    return context.with(ctx, fn);
  }

  /**
   * Ends a span with the call's status: a client span is an error for any code but OK; a server
   * span only for the codes that are the server's fault (the RPC semantic conventions' rule).
   */
  end(span: Span, code: number, message: string | undefined, side: "client" | "server"): void {
    span.setAttribute("rpc.status_code", codeName(code));
    if (side === "client" ? code !== Code.OK : SERVER_ERRORS.has(code)) span.setStatus({ code: SpanStatusCode.ERROR, ...(message ? { message } : {}) });
    span.end();
  }
}
