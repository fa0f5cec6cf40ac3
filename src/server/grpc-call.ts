// BridgedCall: serves one call arriving over standard gRPC (grpc-js) through the same route as an XTMP call.
import * as grpc from "@grpc/grpc-js";
import { BinaryWriter } from "@bufbuild/protobuf/wire";
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";
import { AsyncQueue, mapQueue } from "../rpc/async-queue.js";
import { CallContext } from "../rpc/context.js";
import type { AnyMethodDescriptor } from "../rpc/descriptor.js";
import type { ServerInvoke } from "../rpc/interceptor.js";
import { decodeMessage, encodeMessage } from "../rpc/message-codec.js";
import { Metadata } from "../rpc/metadata.js";
import { setLongTimeout, type LongTimer } from "../rpc/deadline.js";
import type { Span } from "@opentelemetry/api";
import type { CallDurations } from "../metrics/call-metrics.js";
import type { CallTracer } from "../tracing/call-tracer.js";

/** Why a bridged caller cannot call a `signed` method (sent with FAILED_PRECONDITION). */
export const SIGNED_OVER_GRPC =
  "signed methods need an XTMP session: their messages carry Ed25519 signatures by the caller's identity; call it over xtmp://";

/** A route as the server keeps it: the method and its interceptor-wrapped handler. */
export interface BridgeRoute {
  readonly method: AnyMethodDescriptor;
  readonly invoke: ServerInvoke;
}

/** What the bridge needs from its server: routes, the shared call budget and failure reporting. */
export interface BridgeHost {
  /** The route of a method path, if registered. */
  route(path: string): BridgeRoute | undefined;
  /** Takes one of the server's `maxConcurrentCalls` slots; false when none is free (the call is refused). */
  begin(): boolean;
  /** Gives the slot back. */
  done(): void;
  /** Reports a handler error that is not an XtmpError (method given) or a bug in the bridge (no method). */
  report(error: unknown, method?: AnyMethodDescriptor): void;
  /** Call durations and spans of bridged calls, when on. */
  telemetry?: { readonly bridgeDurations: CallDurations | undefined; readonly tracer: CallTracer | undefined };
}

/** Counters of one bridge listener. */
export interface GrpcBridgeStats {
  /** Calls that reached a route (refused ones included). */
  calls: number;
  /** Calls refused because `maxConcurrentCalls` were being served. */
  refusedCalls: number;
  /** Calls of `signed` methods refused with FAILED_PRECONDITION. */
  refusedSigned: number;
  /** Calls refused with INVALID_ARGUMENT because a request metadata entry was not valid gRPC metadata. */
  badMetadata: number;
  /** Calls cancelled by the client (or its connection). */
  cancelled: number;
}

/** The part of a grpc-js server call every kind has. */
export type GrpcSurfaceCall = Omit<grpc.ServerUnaryCall<Buffer, Buffer>, "request">;
type AnyGrpcCall = GrpcSurfaceCall & Partial<{ request: Buffer; write(b: Buffer): boolean; end(md?: grpc.Metadata): void; pause(): void; resume(): void }>;
type Callback = grpc.sendUnaryData<Buffer>;

/** Converts our metadata to grpc-js metadata. */
function toGrpcMetadata(md: Metadata | undefined, extra: Iterable<readonly [string, string | Uint8Array]> = []): grpc.Metadata {
  const out = new grpc.Metadata();
  for (const [k, v] of [...(md ?? []), ...extra]) out.add(k, typeof v === "string" ? v : Buffer.from(v));
  return out;
}

/** `grpc-status-details-bin`: a google.rpc.Status (code 1, message 2, details 3 = each XtmpError detail, a serialized google.protobuf.Any). */
export function statusDetailsBin(error: XtmpError): Uint8Array {
  const w = new BinaryWriter().uint32(8).int32(error.code).uint32(18).string(error.rawMessage);
  for (const d of error.details) w.uint32(26).bytes(d);
  return w.finish();
}

/** One bridged call: its context's transport is `grpc`. */
export class BridgedCall {
  /** What the handler sees. */
  readonly ctx: CallContext;
  private readonly method: string;
  private readonly deadline: number | undefined;
  private headersSent = false;
  private finished = false;
  private timer: LongTimer | undefined;
  private drainWaiter: (() => void) | undefined;
  private requests: AsyncQueue<Buffer> | undefined;
  private response: Buffer | undefined;
  private badMetadata: XtmpError | undefined;
  private readonly started: number;
  private span: Span | undefined;

  constructor(
    private readonly route: BridgeRoute,
    private readonly call: AnyGrpcCall,
    private readonly callback: Callback | undefined,
    private readonly host: BridgeHost,
    private readonly stats: GrpcBridgeStats,
    private readonly maxRecvMessage: number,
  ) {
    this.method = route.method.path;
    this.started = host.telemetry?.bridgeDurations ? performance.now() : 0;
    const requestMetadata = new Metadata();
    for (const [k, values] of Object.entries(call.metadata.toJSON())) {
      for (const v of values as Array<string | Buffer>) {
        try {
          requestMetadata.append(k, v);
        } catch (err) {
          this.badMetadata ??= XtmpError.from(err, Code.INVALID_ARGUMENT);
        }
      }
    }
    const d = call.getDeadline();
    const ms = d instanceof Date ? d.getTime() : d;
    this.deadline = Number.isFinite(ms) ? ms : undefined;
    const peer = call.getPeer();
    // grpc-js compresses per channel: the context's per-call compression switch has no effect here
    this.ctx = new CallContext({
      method: this.method,
      transport: "grpc",
      requestMetadata,
      deadline: this.deadline,
      peerIdentity: undefined,
      peerAddress: peer.split(":").length > 2 && !peer.startsWith("[") ? `[${peer.slice(0, peer.lastIndexOf(":"))}]${peer.slice(peer.lastIndexOf(":"))}` : peer,
    });
    call.on("cancelled", () => this.cancelled());
  }

  /** The client reset the call (or its connection closed): the handler's signal fires, nothing more is sent. */
  private cancelled(): void {
    if (this.finished) return;
    this.stats.cancelled++;
    const late = this.deadline !== undefined && Date.now() >= this.deadline;
    this.end(late ? new XtmpError(Code.DEADLINE_EXCEEDED, "deadline exceeded") : new XtmpError(Code.CANCELLED, "the client cancelled the call"), false);
  }

  /** Runs the route to completion; never throws. */
  run(): Promise<void> {
    const tracer = this.host.telemetry?.tracer;
    if (!tracer) return this.serve();
    const traced = tracer.startServer(this.method, this.ctx.requestMetadata, "grpc", this.ctx.peerAddress);
    this.span = traced.span;
    return tracer.run(traced.context, () => this.serve());
  }

  private async serve(): Promise<void> {
    this.stats.calls++;
    const desc = this.route.method;
    if (this.badMetadata) {
      this.stats.badMetadata++;
      return this.end(new XtmpError(Code.INVALID_ARGUMENT, `invalid request metadata: ${this.badMetadata.rawMessage}`), true);
    }
    if (desc.rules.signed) {
      this.stats.refusedSigned++;
      return this.end(new XtmpError(Code.FAILED_PRECONDITION, SIGNED_OVER_GRPC), true);
    }
    if (!this.host.begin()) {
      this.stats.refusedCalls++;
      return this.end(new XtmpError(Code.RESOURCE_EXHAUSTED, "the server is serving too many calls"), true);
    }
    let out: AsyncIterator<unknown> | undefined;
    try {
      if (this.finished) return; // cancelled before it started
      if (this.deadline !== undefined) {
        const ms = this.deadline - Date.now();
        if (ms <= 0) return this.end(new XtmpError(Code.DEADLINE_EXCEEDED, "deadline exceeded before the call started"), true);
        this.timer = setLongTimeout(() => this.end(new XtmpError(Code.DEADLINE_EXCEEDED, "deadline exceeded"), true), ms);
      }
      out = this.route.invoke({ method: desc, ctx: this.ctx, messages: this.decodedRequests() })[Symbol.asyncIterator]();
      for (;;) {
        const r = await out.next();
        if (r.done || this.finished) break;
        await this.send(r.value);
      }
      this.end(undefined, true);
    } catch (err) {
      if (!(err instanceof XtmpError) && !this.finished) this.host.report(err, desc);
      this.end(XtmpError.from(err), true);
    } finally {
      if (this.finished && out?.return) void Promise.resolve(out.return()).catch(() => undefined); // stops a handler still running
      this.host.done();
    }
  }

  private decodedRequests(): AsyncIterable<unknown> {
    const desc = this.route.method;
    const decode = (b: Buffer) => decodeMessage(desc.requestType, b, false, this.maxRecvMessage);
    const call = this.call;
    if (call.request !== undefined) {
      const one = call.request;
      return (async function* () {
        yield decode(one);
      })();
    }
    // a streamed request: at most one message waits here (plus the readable's own bounded buffer)
    const q = (this.requests = new AsyncQueue<Buffer>(() => call.resume?.()));
    call.on("data", (b: Buffer) => {
      q.push(b);
      if (q.size > 0) call.pause?.();
    });
    // a grpc-js client's cancel sends END_STREAM, then RST_STREAM; when the reset's cancel report comes
    // within a turn of the end it wins (a failed upload, not a complete one). A later reset cannot be
    // told from a half-close, as on any gRPC server.
    call.on("end", () => setImmediate(() => q.end()));
    call.on("error", (e: unknown) => q.fail(XtmpError.from(e, Code.INTERNAL)));
    return mapQueue(q, decode);
  }

  private sendHeaders(): void {
    if (this.headersSent) return;
    this.headersSent = true;
    if (this.ctx.headersOut && this.ctx.headersOut.size > 0) this.call.sendMetadata(toGrpcMetadata(this.ctx.headersOut));
  }

  private async send(message: unknown): Promise<void> {
    const [bytes] = encodeMessage(this.route.method.responseType, message, () => false);
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    this.sendHeaders();
    if (this.callback) {
      if (this.response !== undefined) throw new XtmpError(Code.INTERNAL, `${this.method}: more than one response to a single-response call`);
      this.response = Buffer.from(buf); // the shared encode buffer is reused by the next encode
      return;
    }
    if (this.call.write?.(Buffer.from(buf)) === false && !this.finished) {
      await new Promise<void>((resolve) => {
        this.drainWaiter = resolve;
        this.call.once("drain", () => {
          this.drainWaiter = undefined;
          resolve();
        });
      });
    }
  }

  /** Ends the call with OK (error undefined) or the error's status; `reply` false when the client is gone. */
  private end(error: XtmpError | undefined, reply: boolean): void {
    if (this.finished) return;
    this.finished = true;
    this.timer?.clear();
    const t = this.host.telemetry;
    t?.bridgeDurations?.record(this.method, error?.code ?? Code.OK, this.started);
    if (this.span) t?.tracer?.end(this.span, error?.code ?? Code.OK, error?.rawMessage, "server");
    this.drainWaiter?.();
    if (error) {
      this.ctx.aborted(error);
      this.requests?.fail(error);
    } else this.requests?.end();
    if (!reply) return;
    if (!error && this.callback && this.response === undefined) error = new XtmpError(Code.INTERNAL, `${this.method}: the handler returned no response`);
    try {
      if (!error) this.sendHeaders();
      else if (!this.headersSent && this.ctx.headersOut && this.ctx.headersOut.size > 0) this.sendHeaders();
      const trailers = toGrpcMetadata(this.ctx.trailersOut, error ? [...error.metadata, ...(error.details.length > 0 ? [["grpc-status-details-bin", statusDetailsBin(error)] as const] : [])] : []);
      const status = error ? { code: error.code as number as grpc.status, details: error.rawMessage, metadata: trailers } : undefined;
      if (this.callback) this.callback(status ?? null, status ? undefined : this.response, trailers);
      else if (status) this.call.emit("error", Object.assign(new Error(status.details), status));
      else this.call.end?.(trailers);
    } catch (err) {
      this.host.report(err); // a bug: the status could not be handed to grpc-js
    }
  }
}
