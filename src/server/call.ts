// ServerCall: serves one stream: decodes requests, runs the handler chain, sends headers, messages, trailers.
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";
import type { MuxStream, StreamHandler } from "../mux/stream.js";
import { AsyncQueue, mapQueue } from "../rpc/async-queue.js";
import { batchItems, joinBatch, MessageBatch, splitBatch } from "../rpc/batch.js";
import { CallContext } from "../rpc/context.js";
import type { Span } from "@opentelemetry/api";
import type { CallDurations } from "../metrics/call-metrics.js";
import type { CallTracer } from "../tracing/call-tracer.js";
import type { AnyMethodDescriptor } from "../rpc/descriptor.js";
import { encodeHeaderBlock } from "../rpc/header-block.js";
import type { ServerInvoke } from "../rpc/interceptor.js";
import { decodeMessage, encodeBatch, encodeMessage, shouldCompress } from "../rpc/message-codec.js";
import type { DecompressionBudget } from "../rpc/decompression-budget.js";
import { Metadata } from "../rpc/metadata.js";
import type { DatagramPeer } from "./datagrams.js";
import { MALFORMED_TIMEOUT, setLongTimeout, type LongTimer } from "../rpc/deadline.js";
import { appendSignature, verifySigned, type MessageSigner } from "../rpc/message-signer.js";
import { FrameFlags } from "../wire/frame-types.js";

/** What a call needs from its server and connection. */
export interface CallEnv {
  /** Largest request message (after decompression). */
  maxRecvMessage: number;
  /** The session's decompression budget (shared by its calls); none = only the size limit applies. */
  decompressionBudget?: DecompressionBudget | undefined;
  /** The peer negotiated zstd. */
  peerAcceptsZstd: boolean;
  /** Server-wide switch for response compression. */
  compression: boolean;
  /** The peer's identity key. */
  peerIdentity: Uint8Array | undefined;
  /** The client's address (`ip:port`, IPv6 as `[ip]:port`), when known. */
  peerAddress?: string | undefined;
  /** The connection's transport (default `tcp`); calls with datagram delivery report `udp`. */
  transport?: "tcp" | "unix" | "memory" | "ws" | undefined;
  /** Reports handler errors that are not XtmpErrors (they reach the client as UNKNOWN). */
  onError: (error: unknown, method: AnyMethodDescriptor) => void;
  /** Called once when the call is over (for in-flight accounting). */
  onDone: () => void;
  /** The session's UDP path, when this call asked for datagram delivery. */
  datagram?: DatagramPeer | undefined;
  /** Signs responses and verifies requests of `signed` methods (undefined in insecure sessions). */
  signer?: MessageSigner | undefined;
  /** Records call durations (when metrics are on). */
  durations?: CallDurations | undefined;
  /** Ends server spans (when tracing is on). */
  tracer?: CallTracer | undefined;
}

/** One call being served. */
export class ServerCall implements StreamHandler {
  /** What the handler sees. */
  readonly ctx: CallContext;
  /** The call's server span, when tracing is on. */
  span: Span | undefined;
  private readonly requests: AsyncQueue<[Uint8Array, number]>;
  private requestIndex = 0;
  private responseIndex = 0;
  private headersSent = false;
  private finished = false;
  private drainWaiter: (() => void) | undefined;
  private deadlineTimer: LongTimer | undefined;
  private datagramSeq = 0;
  private readonly malformedTimeout: boolean;
  private readonly started: number;

  constructor(
    private readonly stream: MuxStream,
    private readonly desc: AnyMethodDescriptor,
    requestMetadata: Metadata,
    deadline: number | undefined | typeof MALFORMED_TIMEOUT,
    private readonly env: CallEnv,
  ) {
    this.started = env.durations ? performance.now() : 0;
    this.malformedTimeout = deadline === MALFORMED_TIMEOUT;
    this.ctx = new CallContext({
      method: desc.path,
      transport: env.datagram ? "udp" : (env.transport ?? "tcp"),
      requestMetadata,
      deadline: deadline === MALFORMED_TIMEOUT ? undefined : deadline,
      peerIdentity: env.peerIdentity,
      peerAddress: env.peerAddress,
    });
    this.requests = new AsyncQueue<[Uint8Array, number]>(
      () => stream.messageConsumed(),
      () => undefined,
    );
    stream.setHandler(this);
    stream.hold(); // the concurrency slot stays busy until the handler has finished
  }

  /** Runs the handler chain to completion; never throws. Frees the stream's concurrency slot at the end. */
  async run(invoke: ServerInvoke): Promise<void> {
    // frames that arrived with the OPEN (in the same read) are processed first: a stream the peer
    // already reset never reaches the handler
    await undefined;
    let out: AsyncIterator<unknown> | undefined;
    try {
      if (this.finished) return;
      if (this.malformedTimeout) return this.finish(new XtmpError(Code.INTERNAL, "malformed :timeout"));
      const { deadline } = this.ctx;
      if (deadline !== undefined) {
        const ms = deadline - Date.now();
        if (ms <= 0) return this.finish(new XtmpError(Code.DEADLINE_EXCEEDED, "deadline exceeded before the call started"));
        this.deadlineTimer = setLongTimeout(() => this.finish(new XtmpError(Code.DEADLINE_EXCEEDED, "deadline exceeded")), ms);
      }
      out = invoke({ method: this.desc, ctx: this.ctx, messages: this.decodedRequests() })[Symbol.asyncIterator]();
      for (;;) {
        const r = await out.next();
        if (r.done || this.finished) break;
        if (r.value instanceof MessageBatch) this.sendBatch(r.value.messages);
        else this.sendResponse(r.value);
        // backpressure: the TCP stream's window, or the session's datagram queue (the handler waits, the event loop runs)
        while (!this.finished && (this.stream.backlogged || this.env.datagram?.sender.full)) await this.writable();
      }
      this.finish(undefined);
    } catch (err) {
      if (!(err instanceof XtmpError) && !this.finished) this.env.onError(err, this.desc);
      this.finish(XtmpError.from(err));
    } finally {
      if (this.finished && out?.return) void Promise.resolve(out.return()).catch(() => undefined); // stops a handler still running
      this.stream.release();
    }
  }

  /** Resolves on the stream's drain, room in the datagram queue, or the end of the call. */
  private writable(): Promise<void> {
    return new Promise<void>((res) => {
      this.drainWaiter = res;
      if (!this.stream.backlogged) this.env.datagram?.sender.onRoom(() => this.onDrain());
    });
  }

  private decodedRequests(): AsyncIterable<unknown> {
    const expand = (item: [Uint8Array, number]) => batchItems(item, this.env.maxRecvMessage);
    return mapQueue(this.requests, ([bytes, flags]) => {
      const { ctx } = this;
      if (this.desc.rules.signed) {
        [bytes, ctx.requestSignature] = verifySigned(this.env.signer, (flags & FrameFlags.SIGNED) !== 0, "C", this.desc.path, this.requestIndex++, bytes);
      }
      ctx.requestCompressed = (flags & FrameFlags.COMPRESSED) !== 0;
      return decodeMessage(this.desc.requestType, bytes, ctx.requestCompressed, this.env.maxRecvMessage, this.env.decompressionBudget);
    }, expand);
  }

  private sendHeaders(): void {
    if (this.headersSent) return;
    this.headersSent = true;
    this.stream.sendHeaders(encodeHeaderBlock([], this.ctx.headersOut));
  }

  private sendResponse(message: unknown): void {
    const dg = this.env.datagram;
    const signed = this.desc.rules.signed;
    if (dg?.ready && !signed) {
      // DATAGRAM delivery: uncompressed, one datagram (packed with others); too large -> TCP
      const [bytes] = encodeMessage(this.desc.responseType, message, () => false);
      const seq = ++this.datagramSeq;
      if (dg.fits(this.stream.id, seq, bytes.length)) {
        this.sendHeaders();
        dg.send(this.stream.id, seq, bytes); // when full, run() waits for room before the next message
        return;
      }
      this.datagramSeq--;
    }
    let [bytes, compressed] = encodeMessage(this.desc.responseType, message, (size) =>
      this.env.compression && shouldCompress(this.desc.rules.compression === "never" ? "never" : this.desc.rules.compression, size, this.env.peerAcceptsZstd, this.ctx.forceCompression),
    );
    let flags = compressed ? FrameFlags.COMPRESSED : 0;
    if (signed) {
      if (!this.env.signer) throw new XtmpError(Code.UNAUTHENTICATED, "signed method: this session has no identities to sign with");
      bytes = appendSignature(bytes, this.env.signer.sign("S", this.desc.path, this.responseIndex++, bytes));
      flags |= FrameFlags.SIGNED;
    }
    this.sendHeaders();
    this.stream.sendMessage(bytes, flags);
  }

  /**
   * Sends a batch: joined into BATCH DATA frames of up to one frame's payload when the peer accepts
   * them (uncompressed), one message at a time otherwise (signed methods, DATAGRAM delivery,
   * compression forced on, or a peer without batches).
   */
  private sendBatch(messages: readonly unknown[]): void {
    const limit = this.stream.batchLimit;
    const rules = this.desc.rules;
    const compressing = this.env.compression && (this.ctx.forceCompression === true || (rules.compression === "always" && this.env.peerAcceptsZstd));
    if (limit === 0 || messages.length < 2 || rules.signed || this.env.datagram?.ready || compressing) {
      for (const m of messages) this.sendResponse(m);
      return;
    }
    this.sendHeaders();
    // encoded in one pass; the common case fits one frame and goes as is
    const whole = encodeBatch(this.desc.responseType, messages);
    if (whole.length <= limit) return void this.stream.sendMessage(whole, FrameFlags.BATCH);
    // else cut into frame-sized batches (the entries are views of `whole`: nothing is encoded twice)
    const parts = splitBatch(whole, whole.length);
    for (let i = 0; i < parts.length; ) {
      const [bytes, next] = joinBatch(parts, i, limit);
      if (next <= i + 1) {
        this.stream.sendMessage(parts[i] as Uint8Array, 0); // too large for a batch, or alone
        i++;
      } else {
        this.stream.sendMessage(bytes, FrameFlags.BATCH);
        i = next;
      }
    }
  }

  /** Ends the call with OK (error undefined) or the error's status. */
  private finish(error: XtmpError | undefined): void {
    if (this.finished) return;
    this.finished = true;
    this.deadlineTimer?.clear();
    this.drainWaiter?.();
    if (error) this.ctx.aborted(error);
    const code = error?.code ?? Code.OK;
    this.env.durations?.record(this.desc.path, code, this.started);
    if (this.span) this.env.tracer?.end(this.span, code, error?.rawMessage, "server");
    if (!this.stream.closed) {
      const trailers: Array<[string, string | Uint8Array]> = [[":status", String(code)]];
      if (error) trailers.push([":message", error.rawMessage]);
      for (const d of error?.details ?? []) trailers.push([":details-bin", d]);
      if (this.datagramSeq > 0) trailers.push([":datagrams", String(this.datagramSeq)]);
      // a copy only when the error adds metadata (the handler's trailers stay as they were)
      let md = this.ctx.trailersOut;
      if (error && error.metadata.length > 0) {
        md = new Metadata(md);
        for (const [k, v] of error.metadata) md.append(k, v);
      }
      const block = encodeHeaderBlock(trailers, md);
      const dg = this.env.datagram;
      if (dg && this.datagramSeq > 0) {
        // trailers follow the data: they go once every datagram message of this call has been sent
        dg.sender.afterSent(this.stream.id, () => {
          if (!this.stream.closed) this.stream.sendTrailers(block);
          this.env.onDone();
        });
      } else {
        this.stream.sendTrailers(block);
        this.env.onDone();
      }
    } else this.env.onDone();
    if (error) this.requests.fail(error);
    else this.requests.end();
  }

  // ---- StreamHandler ----

  onHeaders(): void {}

  onMessage(data: Uint8Array, flags: number): void {
    this.requests.push([data, flags]);
  }

  onEnd(): void {
    this.requests.end();
  }

  onTrailers(): void {}

  onReset(error: XtmpError): void {
    const reason = error.code === Code.DEADLINE_EXCEEDED ? error : new XtmpError(error.code === Code.RESOURCE_EXHAUSTED ? error.code : Code.CANCELLED, error.rawMessage);
    this.requests.fail(reason);
    this.finish(reason);
  }

  onDrain(): void {
    const w = this.drainWaiter;
    this.drainWaiter = undefined;
    w?.();
  }
}
