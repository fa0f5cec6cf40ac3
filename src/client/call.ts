// ClientCall: one call on a stream: sends requests, collects headers, responses and the final status.
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";
import type { MuxSession } from "../mux/session.js";
import type { MuxStream, StreamHandler } from "../mux/stream.js";
import { AsyncQueue, mapQueue } from "../rpc/async-queue.js";
import { encodeTimeout, setLongTimeout, type LongTimer } from "../rpc/deadline.js";
import { decodeHeaderBlock, encodeHeaderBlock, pseudoText } from "../rpc/header-block.js";
import type { ClientRequest, ClientResponse } from "../rpc/interceptor.js";
import { NEVER } from "./never.js";
import { decodeMessage, encodeMessage, shouldCompress } from "../rpc/message-codec.js";
import type { DecompressionBudget } from "../rpc/decompression-budget.js";
import { Metadata } from "../rpc/metadata.js";
import type { DatagramCallStats } from "../rpc/call-options.js";
import { appendSignature, verifySigned, type MessageSigner } from "../rpc/message-signer.js";
import { FrameFlags } from "../wire/frame-types.js";
import type { DatagramReceiver } from "./datagrams.js";

/** A session's UDP path as a call sees it. */
export interface CallUdpPath {
  /** Datagram delivery works (a PROBE_ACK arrived). */
  ready: boolean;
  /** Keeps routing datagram messages of `streamId` to `receiver` after its stream closed; returns the undo. */
  linger?(streamId: number, receiver: DatagramReceiver): () => void;
}

/** A `:datagrams` trailer value: at most 15 digits. */
const DATAGRAMS_COUNT = /^[0-9]{1,15}$/;
const nextTurn: (f: () => void) => void = typeof setImmediate === "function" ? (f) => void setImmediate(f) : (f) => void setTimeout(f, 0);

/** What a call needs from its channel. */
export interface ClientCallEnv {
  /** The session to open the stream on (connects lazily). */
  session(): Promise<{ mux: MuxSession; acceptsZstd: boolean; udp?: CallUdpPath | undefined; signer?: MessageSigner | undefined; decompressionBudget?: DecompressionBudget | undefined }>;
  /** Counters to keep for a DATAGRAM call. */
  datagramStats?: DatagramCallStats | undefined;
  /** Largest response message, after decompression. */
  maxRecvMessage: number;
  /** Compress requests per the method policy (channel switch). */
  compression: boolean;
  /** Per-call override of request compression. */
  forceCompression?: boolean;
}

/** Drives one call; its ClientResponse is what interceptors and typed clients consume. */
export class ClientCall implements StreamHandler, DatagramReceiver {
  private stream: MuxStream | undefined;
  private readonly responses: AsyncQueue<[Uint8Array, number]>;
  private signer: MessageSigner | undefined;
  private budget: DecompressionBudget | undefined;
  private responseIndex = 0;
  private headerResolve!: (md: Metadata) => void;
  private trailerResolve!: (md: Metadata) => void;
  private trailerReject!: (e: XtmpError) => void;
  private done = false;
  private drainWaiter: (() => void) | undefined;
  private timer: LongTimer | undefined;
  private unlisten: (() => void) | undefined;
  private readonly stats: DatagramCallStats;
  private highestSeq = 0;
  /** Datagram messages that arrived for this call (delivered or dropped for a slow consumer). */
  private arrivals = 0;
  private udp: CallUdpPath | undefined;
  /** The response seen by interceptors. */
  readonly response: ClientResponse;

  constructor(
    private readonly req: ClientRequest,
    private readonly env: ClientCallEnv,
  ) {
    this.stats = env.datagramStats ?? { udp: false, received: 0, lost: 0, reordered: 0 };
    this.responses = new AsyncQueue<[Uint8Array, number]>(
      () => this.stream?.messageConsumed(),
      () => this.cancel(new XtmpError(Code.CANCELLED, "the caller stopped reading the responses")),
    );
    const header = new Promise<Metadata>((r) => (this.headerResolve = r));
    const trailer = new Promise<Metadata>((res, rej) => {
      this.trailerResolve = res;
      this.trailerReject = rej;
    });
    trailer.catch(() => undefined); // the failure is reported through `messages`
    this.response = { header, trailer, messages: mapQueue(this.responses, ([bytes, flags]) => this.decodeResponse(bytes, flags)) };
    void this.start();
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

  private async start(): Promise<void> {
    const { req } = this;
    if (req.signal.aborted) return this.fail(XtmpError.from(req.signal.reason ?? new DOMException("aborted", "AbortError")));
    // a signal that is never aborted (the shared default) needs no listener; the listener stays
    // until the call ends (not just until the requests are sent)
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
    try {
      const { mux, acceptsZstd, udp, signer, decompressionBudget } = await this.env.session();
      if (this.done) return;
      this.signer = signer;
      this.budget = decompressionBudget;
      if (req.method.rules.signed && !signer) throw new XtmpError(Code.UNAUTHENTICATED, "signed method: this session has no identities to sign with");
      const pseudo: Array<[string, string]> = [[":path", req.method.path]];
      if (req.method.rules.delivery === "datagram" && udp?.ready) {
        pseudo.push([":delivery", "datagram"]);
        this.stats.udp = true;
        this.udp = udp;
      }
      if (req.deadline !== undefined) pseudo.push([":timeout", encodeTimeout(req.deadline)]);
      this.stream = mux.openStream(encodeHeaderBlock(pseudo, req.header), this);
      const policy = req.method.rules.compression;
      const compress = (size: number) => this.env.compression && shouldCompress(policy, size, acceptsZstd, this.env.forceCompression);
      let index = 0;
      for await (const message of req.messages) {
        if (this.done || this.stream.localEnded) return;
        let [bytes, compressed] = encodeMessage(req.method.requestType, message, compress);
        let flags = compressed ? FrameFlags.COMPRESSED : 0;
        if (signer && req.method.rules.signed) {
          bytes = appendSignature(bytes, signer.sign("C", req.method.path, index++, bytes));
          flags |= FrameFlags.SIGNED;
        }
        if (!this.stream.sendMessage(bytes, flags)) await new Promise<void>((r) => (this.drainWaiter = r));
      }
      this.stream.end();
    } catch (err) {
      this.cancel(XtmpError.from(err, Code.INTERNAL));
    }
  }

  /** Ends the call locally with `error` and resets the stream so the server stops. */
  cancel(error: XtmpError): void {
    if (this.done) return;
    this.stream?.reset(error.code === Code.DEADLINE_EXCEEDED ? Code.DEADLINE_EXCEEDED : Code.CANCELLED, error.rawMessage);
    this.fail(error);
  }

  private fail(error: XtmpError, sent?: number): void {
    if (this.done) return;
    this.done = true;
    this.settleLoss(sent);
    this.timer?.clear();
    this.unlisten?.();
    this.headerResolve(new Metadata());
    this.responses.fail(error);
    this.trailerReject(error);
    this.drainWaiter?.();
  }

  // ---- StreamHandler ----

  onHeaders(block: Uint8Array): void {
    try {
      this.headerResolve(decodeHeaderBlock(block).metadata);
    } catch (err) {
      this.cancel(XtmpError.from(err, Code.INTERNAL));
    }
  }

  onMessage(data: Uint8Array, flags: number): void {
    this.responses.push([data, flags]);
  }

  onEnd(): void {}

  /**
   * A message of a DATAGRAM call arrived by UDP: delivered in arrival order. While the call runs,
   * `lost` counts gaps in `seq`; the trailers' `:datagrams` then make it exact (sent - received).
   */
  onDatagram(seq: number, payload: Uint8Array): void {
    if (this.done) return;
    const s = this.stats;
    this.arrivals++;
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

  onTrailers(block: Uint8Array): void {
    if (this.done) return;
    let status = Code.INTERNAL;
    let message = "malformed trailers";
    let metadata = new Metadata();
    const details: Uint8Array[] = [];
    let sent: number | undefined;
    try {
      const h = decodeHeaderBlock(block);
      const s = Number(pseudoText(h, ":status"));
      status = Number.isInteger(s) && s >= 0 && s <= 16 ? s : Code.UNKNOWN;
      message = pseudoText(h, ":message") ?? "";
      metadata = h.metadata;
      const d = h.pseudo.get(":details-bin");
      if (d) details.push(d.slice());
      const n = pseudoText(h, ":datagrams");
      if (n !== undefined && !DATAGRAMS_COUNT.test(n)) {
        [status, message] = [Code.INTERNAL, "malformed :datagrams"];
      } else if (n !== undefined) sent = Number(n);
    } catch {
      // status stays INTERNAL: the peer sent trailers we cannot read
    }
    this.headerResolve(new Metadata());
    if (sent !== undefined) this.stats.sent = sent;
    if (status !== Code.OK) return this.fail(new XtmpError(status, message, { metadata, details }), sent);
    if (sent !== undefined && this.arrivals < sent && this.stream && this.udp?.linger) this.settle(sent, this.udp.linger(this.stream.id, this), metadata);
    else this.succeed(metadata, sent);
  }

  /**
   * Datagrams sent before the trailers may still be in the UDP socket's buffer: keep taking them
   * while each event-loop turn brings more (at most `sent` turns), then end the call.
   */
  private settle(sent: number, unlinger: () => void, metadata: Metadata): void {
    let seen = this.arrivals;
    const check = (): void => {
      if (!this.done && this.arrivals < sent && this.arrivals > seen) {
        seen = this.arrivals;
        return nextTurn(check);
      }
      unlinger();
      this.succeed(metadata, sent);
    };
    nextTurn(check);
  }

  private succeed(metadata: Metadata, sent: number | undefined): void {
    if (this.done) return;
    this.done = true;
    this.settleLoss(sent);
    this.timer?.clear();
    this.unlisten?.();
    this.responses.end();
    this.trailerResolve(metadata);
    this.drainWaiter?.();
  }

  /** With the server's count of datagram messages, `lost` is exact: every message sent and not received. */
  private settleLoss(sent: number | undefined): void {
    if (sent !== undefined) this.stats.lost = Math.max(0, sent - this.stats.received);
  }

  onReset(error: XtmpError): void {
    this.fail(error.code === Code.CANCELLED ? new XtmpError(Code.CANCELLED, error.rawMessage) : error);
  }

  onDrain(): void {
    const w = this.drainWaiter;
    this.drainWaiter = undefined;
    w?.();
  }
}
