// ClientCall: one logical call: attempts (transparent retries, retry and hedging policies), commit, results.
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";
import { AsyncQueue, mapQueue } from "../rpc/async-queue.js";
import { batchItems } from "../rpc/batch.js";
import { setLongTimeout, type LongTimer } from "../rpc/deadline.js";
import type { ClientRequest, ClientResponse } from "../rpc/interceptor.js";
import { decodeMessage } from "../rpc/message-codec.js";
import type { DecompressionBudget } from "../rpc/decompression-budget.js";
import { Metadata } from "../rpc/metadata.js";
import type { DatagramCallStats } from "../rpc/call-options.js";
import { verifySigned, type MessageSigner } from "../rpc/message-signer.js";
import { FrameFlags } from "../wire/frame-types.js";
import type { TimerHandle } from "../retry/clock.js";
import { NEVER } from "./never.js";
import { Attempt, type AttemptOwner } from "./attempt.js";
import type { ChannelSession } from "./connect.js";
import { RequestBuffer } from "./request-buffer.js";
import { nextDelay, policyFor, type CallPolicy, type RetryHost } from "./retry-policy.js";
import type { Span } from "@opentelemetry/api";
import type { CallDurations } from "../metrics/call-metrics.js";
import type { RuntimeMetrics } from "../metrics/runtime-metrics.js";
import type { CallTracer } from "../tracing/call-tracer.js";

/** What a call needs from its channel. */
export interface ClientCallEnv {
  /** Picks sessions, holds the retry budget, throttle and service config. */
  host: RetryHost;
  /** Counters to keep for a DATAGRAM call. */
  datagramStats?: DatagramCallStats | undefined;
  /** Largest response message, after decompression. */
  maxRecvMessage: number;
  /** Compress requests per the method policy (channel switch). */
  compression: boolean;
  /** Per-call override of request compression. */
  forceCompression?: boolean | undefined;
  /** Queue until an endpoint is ready instead of failing while the channel is in transient failure. */
  waitForReady: boolean;
  /** Records call durations (when metrics are on). */
  durations?: CallDurations | undefined;
  /** Counts retries and hedges (when metrics are on). */
  runtime?: RuntimeMetrics | undefined;
  /** Starts client spans and puts the trace context in the request headers (when tracing is on). */
  tracer?: CallTracer | undefined;
}

/** Transparent retries per call (streams that never reached a server application); the first is immediate. */
const MAX_TRANSPARENT_RETRIES = 10;

/** Drives one call; its ClientResponse is what interceptors and typed clients consume. */
export class ClientCall implements AttemptOwner {
  readonly requests: RequestBuffer;
  readonly compression: boolean;
  readonly forceCompression: boolean | undefined;
  private readonly responses: AsyncQueue<[Uint8Array, number]>;
  private readonly policy: CallPolicy;
  private readonly active: Attempt[] = [];
  private committed: Attempt | undefined;
  private signer: MessageSigner | undefined;
  private budget: DecompressionBudget | undefined;
  private responseIndex = 0;
  private headerResolve!: (md: Metadata) => void;
  private trailerResolve!: (md: Metadata) => void;
  private trailerReject!: (e: XtmpError) => void;
  private done = false;
  private timer: LongTimer | undefined;
  private retryTimer: TimerHandle | undefined;
  private cancelPick: (() => void) | undefined;
  private unlisten: (() => void) | undefined;
  private readonly stats: DatagramCallStats;
  private highestSeq = 0;
  /** Attempts counted by the policy (the first included); transparent retries are counted apart. */
  private policyAttempts = 0;
  private transparent = 0;
  private serverRefusals = 0;
  /** The response seen by interceptors. */
  readonly response: ClientResponse;
  /** The request (its headers carry the trace context when tracing is on). */
  readonly req: ClientRequest;
  private readonly started: number;
  private readonly span: Span | undefined;

  constructor(
    req: ClientRequest,
    private readonly env: ClientCallEnv,
  ) {
    this.started = env.durations ? performance.now() : 0;
    if (env.tracer) {
      const header = new Metadata(req.header); // the caller's metadata stays as it was
      this.span = env.tracer.startClient(req.method.path, header, "xtmp");
      req = { ...req, header };
    }
    this.req = req;
    this.compression = env.compression;
    this.forceCompression = env.forceCompression;
    this.stats = env.datagramStats ?? { udp: false, received: 0, lost: 0, reordered: 0 };
    this.policy = policyFor(req.method, env.host);
    this.requests = new RequestBuffer(req.messages, req.method.requestType, env.host.perCallRetryBufferBytes, env.host.retryBudget, () => this.commitForBuffer());
    this.responses = new AsyncQueue<[Uint8Array, number]>(
      () => this.committed?.stream?.messageConsumed(),
      () => this.cancel(new XtmpError(Code.CANCELLED, "the caller stopped reading the responses")),
    );
    const header = new Promise<Metadata>((r) => (this.headerResolve = r));
    const trailer = new Promise<Metadata>((res, rej) => {
      this.trailerResolve = res;
      this.trailerReject = rej;
    });
    trailer.catch(() => undefined); // the failure is reported through `messages`
    this.response = {
      header,
      trailer,
      messages: mapQueue(
        this.responses,
        ([bytes, flags]) => this.decodeResponse(bytes, flags),
        (item) => this.expandBatch(item),
      ),
    };
    this.start();
  }

  /** The messages of a batch response (undefined for an ordinary one); a malformed batch ends the call. */
  private expandBatch(item: [Uint8Array, number]): Array<[Uint8Array, number]> | undefined {
    try {
      return batchItems(item, this.env.maxRecvMessage);
    } catch (err) {
      const e = XtmpError.from(err, Code.INTERNAL);
      this.cancel(e);
      throw e;
    }
  }

  /** Verifies (signed methods) and decodes one response; a bad one ends the call. */
  private decodeResponse(bytes: Uint8Array, flags: number): unknown {
    const { method } = this.req;
    try {
      if (method.rules.signed) [bytes] = verifySigned(this.signer, (flags & FrameFlags.SIGNED) !== 0, "S", method.path, this.responseIndex++, bytes);
      return decodeMessage(method.responseType, bytes, (flags & FrameFlags.COMPRESSED) !== 0, this.env.maxRecvMessage, this.budget);
    } catch (err) {
      const e = XtmpError.from(err, Code.INTERNAL);
      this.cancel(e);
      throw e;
    }
  }

  private start(): void {
    const { req } = this;
    if (req.signal.aborted) return this.fail(XtmpError.from(req.signal.reason ?? new DOMException("aborted", "AbortError")));
    // a signal that is never aborted (the shared default) needs no listener; the listener stays until the call ends
    if (req.signal !== NEVER) {
      const onAbort = () => this.cancel(new XtmpError(Code.CANCELLED, "call cancelled by the caller"));
      req.signal.addEventListener("abort", onAbort, { once: true });
      this.unlisten = () => req.signal.removeEventListener("abort", onAbort);
    }
    if (req.deadline !== undefined) {
      if (Number.isNaN(req.deadline)) return this.fail(new XtmpError(Code.INVALID_ARGUMENT, "invalid deadline (NaN)"));
      const ms = req.deadline - Date.now();
      if (ms <= 0) return this.cancel(new XtmpError(Code.DEADLINE_EXCEEDED, "deadline exceeded before the call started"));
      this.timer = setLongTimeout(() => this.cancel(new XtmpError(Code.DEADLINE_EXCEEDED, "deadline exceeded")), ms);
    }
    this.policyAttempts = 1;
    this.launch();
  }

  /** Starts an attempt on a picked session (waiting for one when none is ready). */
  private launch(avoid?: ChannelSession): void {
    if (this.done) return;
    const previous = this.policyAttempts - 1 + this.transparent;
    const cs = this.env.host.pickNow(avoid);
    if (cs) return this.run(new Attempt(this, previous), cs);
    this.cancelPick = this.env.host.waitForPick(this.env.waitForReady, (picked, error) => {
      this.cancelPick = undefined;
      if (this.done) return;
      if (picked) return this.run(new Attempt(this, previous), picked);
      // no endpoint could take the call (fail fast): nothing reached a server
      if (this.active.length === 0 && !this.hedgePending()) this.fail(error ?? new XtmpError(Code.UNAVAILABLE, "no endpoint is ready"));
    });
  }

  private run(a: Attempt, cs: ChannelSession): void {
    this.active.push(a);
    a.start(cs);
    if (a.udp) this.stats.udp = true;
    if (this.policy.kind === "hedge" && !a.done) this.scheduleHedge();
  }

  private hedgePending(): boolean {
    return this.retryTimer !== undefined;
  }

  /** Hedging: the next copy starts after hedgingDelay unless the call has committed or used its attempts. */
  private scheduleHedge(): void {
    if (this.policy.kind !== "hedge" || this.retryTimer !== undefined || this.committed || this.policyAttempts >= this.policy.hedging.maxAttempts) return;
    this.retryTimer = this.env.host.clock.setTimeout(() => {
      this.retryTimer = undefined;
      if (this.done || this.committed) return;
      const throttle = this.env.host.throttle;
      if (throttle && !throttle.allowsRetry) return;
      this.policyAttempts++;
      this.env.runtime?.hedge(this.req.method.path.slice(1));
      this.launch();
    }, this.policy.hedging.hedgingDelayMs);
  }

  /** The buffer cannot keep more requests: the call stays with its oldest running attempt. */
  private commitForBuffer(): void {
    const a = this.active[0];
    if (a && !this.committed) this.commit(a);
  }

  private commit(a: Attempt): void {
    if (this.committed) return;
    this.committed = a;
    this.signer = a.session?.signer;
    this.budget = a.session?.decompressionBudget;
    if (this.retryTimer !== undefined) this.env.host.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.cancelPick?.();
    this.cancelPick = undefined;
    for (const other of this.active) if (other !== a) other.abandon(Code.CANCELLED, "another attempt of this call answered first");
    this.active.length = 0;
    this.active.push(a);
    this.requests.release(a.sent);
  }

  // ---- AttemptOwner ----

  attemptHeaders(a: Attempt, metadata: Metadata): void {
    if (this.done) return;
    this.commit(a);
    if (this.committed === a) this.headerResolve(metadata);
  }

  attemptMessage(a: Attempt, data: Uint8Array, flags: number): void {
    if (this.done) return;
    this.commit(a);
    if (this.committed === a) this.responses.push([data, flags]);
  }

  /**
   * A message of a DATAGRAM call arrived by UDP: delivered in arrival order. While the call runs,
   * `lost` counts gaps in `seq`; the trailers' `:datagrams` then make it exact (sent - received).
   */
  attemptDatagram(a: Attempt, seq: number, payload: Uint8Array): void {
    if (this.done) return;
    this.commit(a);
    if (this.committed !== a) return;
    const s = this.stats;
    s.udp = true;
    if (seq > this.highestSeq) {
      s.lost += seq - this.highestSeq - 1;
      this.highestSeq = seq;
    } else {
      s.reordered++;
      s.lost = Math.max(0, s.lost - 1);
    }
    // a consumer 4096 messages behind loses the newest updates rather than memory (counted as lost)
    if (this.responses.size >= 4096) {
      s.lost++;
      return;
    }
    s.received++;
    this.responses.push([payload, 0]);
  }

  attemptSucceeded(a: Attempt, trailers: Metadata, sent: number | undefined): void {
    if (this.done) return;
    this.commit(a);
    if (this.committed !== a) return;
    this.env.host.throttle?.onSuccess();
    this.done = true;
    this.ended(Code.OK, undefined);
    if (a.udp) this.stats.udp = true;
    if (sent !== undefined) this.stats.sent = sent;
    this.settleLoss(sent);
    this.cleanup();
    this.headerResolve(new Metadata());
    this.responses.end();
    this.trailerResolve(trailers);
  }

  attemptFailed(a: Attempt, error: XtmpError, refused: boolean, sent?: number): void {
    const i = this.active.indexOf(a);
    if (i >= 0) this.active.splice(i, 1);
    if (this.done) return;
    if (this.committed && this.committed !== a) return;
    if (sent !== undefined) this.stats.sent = sent;
    // transparent: at most one retry of a stream the server refused (gRPC's rule), and a bounded
    // number of streams that never left this client; beyond that the policy decides
    const server = a.reachedServer;
    const transparent = refused && this.transparent < MAX_TRANSPARENT_RETRIES && (!server || this.serverRefusals === 0);
    const delay = this.committed ? undefined : nextDelay(this.policy, this.env.host, error, transparent, this.policyAttempts, this.transparent);
    if (delay === undefined) {
      // hedges still running or about to start decide the outcome
      if (!this.committed && (this.active.length > 0 || this.hedgePending()) && this.policy.kind === "hedge" && this.policy.hedging.nonFatalStatusCodes.has(error.code)) return;
      this.settleLoss(sent);
      return this.fail(error);
    }
    if (transparent) {
      this.transparent++;
      if (server) this.serverRefusals++;
    } else this.policyAttempts++;
    this.env.runtime?.retry(this.req.method.path.slice(1), transparent ? "transparent" : "policy");
    if (this.retryTimer !== undefined) this.env.host.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const failedOn = a.session;
    if (delay <= 0) return this.launch(failedOn);
    this.retryTimer = this.env.host.clock.setTimeout(() => {
      this.retryTimer = undefined;
      this.launch(failedOn);
    }, delay);
  }

  /** Ends the call locally with `error`; running attempts are reset so the server stops. */
  cancel(error: XtmpError): void {
    if (this.done) return;
    const code = error.code === Code.DEADLINE_EXCEEDED ? Code.DEADLINE_EXCEEDED : Code.CANCELLED;
    for (const a of this.active) a.abandon(code, error.rawMessage);
    this.active.length = 0;
    this.fail(error);
  }

  private fail(error: XtmpError): void {
    if (this.done) return;
    this.done = true;
    this.ended(error.code, error.rawMessage);
    for (const a of this.active) a.abandon(Code.CANCELLED, error.rawMessage);
    this.active.length = 0;
    this.cleanup();
    this.headerResolve(new Metadata());
    this.responses.fail(error);
    this.trailerReject(error);
  }

  /** The call's status is known: its duration and span are recorded. */
  private ended(code: Code, message: string | undefined): void {
    this.env.durations?.record(this.req.method.path, code, this.started);
    if (this.span) this.env.tracer?.end(this.span, code, message, "client");
  }

  private cleanup(): void {
    this.timer?.clear();
    this.unlisten?.();
    this.cancelPick?.();
    this.cancelPick = undefined;
    if (this.retryTimer !== undefined) this.env.host.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.requests.close();
  }

  /** With the server's count of datagram messages, `lost` is exact: every message sent and not received. */
  private settleLoss(sent: number | undefined): void {
    if (sent !== undefined) this.stats.lost = Math.max(0, sent - this.stats.received);
  }
}
