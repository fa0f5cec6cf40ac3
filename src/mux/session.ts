// MuxSession: many concurrent streams over one FrameDuplex, with flow control, limits, ping and goaway.
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";
import type { FrameDuplex, FrameReceiver } from "../wire/duplex.js";
import type { Frame } from "../wire/frame.js";
import { CloseCode, FrameFlags, FrameType } from "../wire/frame-types.js";
import { RateBudget } from "./budget.js";
import { DATA_FRAME_CHARGE, DEFAULT_SETTINGS, MAX_WINDOW, type MuxSettings } from "./control.js";
import { decodeGoAway, decodeReset, decodeSettings, decodeWindowUpdate, encodeGoAway, encodeSettings, encodeWindowUpdate } from "./control.js";
import { abuse, abuseErrors, callHook, protocol } from "./errors.js";
import { DEFAULT_MAX_HEADER_BYTES, HeaderAssembler, sendHeaderBlock, type HeaderFrame } from "./header-blocks.js";
import { Keepalive } from "./keepalive.js";
import { Lifetime } from "./lifetime.js";
import { LocalStreams, STREAM_ID_RESERVE } from "./local-streams.js";
import { DEFAULT_MAX_QUEUED_STREAMS, DEFAULT_MUX_LIMITS, type MuxLimits, type MuxOptions, type MuxStats } from "./options.js";
import { MuxStream, type StreamHandler, type StreamHost } from "./stream.js";

export { DEFAULT_MAX_QUEUED_STREAMS, DEFAULT_MUX_LIMITS, type MuxLimits, type MuxOptions, type MuxStats } from "./options.js";
export { DEFAULT_MAX_HEADER_BYTES } from "./header-blocks.js";
export { STREAM_ID_RESERVE } from "./local-streams.js";

/** Many streams over one session. */
export class MuxSession implements FrameReceiver, StreamHost {
  /** Session-level credit the peer gave us. */
  sessionSendWindow = DEFAULT_SETTINGS.sessionWindow;
  /** Largest message accepted. */
  readonly maxRecvMessage: number;
  /** Largest header block accepted (all fragments of an OPEN, HEADERS or TRAILERS). */
  readonly maxHeaderBytes: number;
  private readonly local: MuxSettings;
  private peer: MuxSettings = { ...DEFAULT_SETTINGS };
  // until the peer acknowledges our SETTINGS it may still be using the defaults, so we accept
  // at least the default windows for streams it opens before then (as HTTP/2 does)
  private settingsAcked = false;
  private sessionRecvWindow: number;
  private sessionUnacked = 0;
  private readonly streams = new Map<number, MuxStream>();
  private readonly own: LocalStreams;
  private readonly limits: MuxLimits;
  private readonly controlBudget: RateBudget;
  private readonly resetBudget: RateBudget;
  // peer-opened streams whose slot is busy (open, or held by a running handler)
  private busy = 0;
  private lifetime: Lifetime | undefined;
  private readonly blockedStreams = new Set<MuxStream>();
  private lastRemoteId = 0;
  private opened = 0;
  private goAwaySent = false;
  private stalls = 0;
  private goAwayReceived = false;
  // no new streams by local decision (retire()); the session closes once its streams are done
  private retiring = false;
  private closed = false;
  private readonly headerBlocks: HeaderAssembler;
  private readonly keepalive: Keepalive;
  private drainWaiters: Array<() => void> = [];

  constructor(
    private readonly duplex: FrameDuplex,
    private readonly opts: MuxOptions,
  ) {
    this.local = { ...DEFAULT_SETTINGS, ...opts.settings };
    this.sessionRecvWindow = Math.max(this.local.sessionWindow, DEFAULT_SETTINGS.sessionWindow);
    this.maxRecvMessage = opts.maxRecvMessage ?? 4 << 20;
    this.maxHeaderBytes = opts.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
    this.headerBlocks = new HeaderAssembler(this.maxHeaderBytes);
    this.own = new LocalStreams(opts.firstStreamId ?? (opts.isClient ? 1 : 2), opts.maxQueuedStreams ?? DEFAULT_MAX_QUEUED_STREAMS);
    this.limits = { ...DEFAULT_MUX_LIMITS, ...opts.limits };
    this.controlBudget = new RateBudget(this.limits.controlFramesPerSecond, this.limits.controlFramesPerSecond * 4);
    this.resetBudget = new RateBudget(this.limits.resetsPerSecond, this.limits.resetsPerSecond * 5);
    const answer = (p: Uint8Array) => (this.spendControl("PING"), this.sendFrame(FrameType.PING, FrameFlags.ACK, 0, p));
    this.keepalive = new Keepalive({ sendPing: (p) => this.sendFrame(FrameType.PING, 0, 0, p), answer, close: (e) => this.close(e) }, opts.keepaliveMs, opts.keepaliveTimeoutMs ?? 20_000);
    duplex.setReceiver(this);
    if (this.closed) return;
    this.sendFrame(FrameType.SETTINGS, 0, 0, encodeSettings(this.local));
    if (!opts.isClient) this.lifetime = new Lifetime({ isIdle: () => this.streams.size === 0 && this.busy === 0, goAway: (r) => this.goAway(r), close: (e) => this.close(e), drained: () => this.drained() }, this.limits);
  }

  /** Largest DATA payload. */
  get maxFramePayload(): number {
    return this.duplex.maxFramePayload;
  }

  /** The transport holds too many unsent bytes (a peer that does not read): DATA waits. */
  get writeBlocked(): boolean {
    return this.duplex.writeBlocked === true;
  }

  /** Counters. */
  get stats(): MuxStats {
    return { activeStreams: this.streams.size, queuedStreams: this.own.waiting.length, streamsOpened: this.opened, busySlots: this.busy, queueRefusals: this.own.queueRefusals, headerBlockBytes: this.headerBlocks.bufferedBytes, flowControlStalls: this.stalls };
  }

  /** Streams open or waiting for a slot now (what least-request balancing compares). */
  get load(): number {
    return this.streams.size + this.own.waiting.length;
  }

  /**
   * Whether new calls should use this session: false once it closed, is going away, retires, or has
   * fewer than STREAM_ID_RESERVE stream ids left (then the owner opens a new session, as after GOAWAY).
   */
  get isAvailable(): boolean {
    return this.accepting && this.own.spareIds > STREAM_ID_RESERVE;
  }

  // whether openStream() takes streams at all (the id reserve serves callers that obtained the session earlier)
  private get accepting(): boolean {
    return !this.closed && !this.goAwayReceived && !this.goAwaySent && !this.retiring;
  }

  /** Whether the session has closed. */
  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Opens a stream; it is queued (id 0) while the peer's concurrency limit is reached. Throws
   * UNAVAILABLE when the session takes no new streams (closed, going away, retiring, out of ids) and
   * RESOURCE_EXHAUSTED when `maxQueuedStreams` streams already wait.
   */
  openStream(headers: Uint8Array, handler: StreamHandler): MuxStream {
    if (!this.accepting) throw new XtmpError(Code.UNAVAILABLE, this.closed ? "session is closed" : "session is going away");
    const mustWait = this.streams.size >= this.peer.maxConcurrentStreams;
    this.own.admit(mustWait, this.peer.maxConcurrentStreams);
    const stream = new MuxStream(this, this.peer.initialStreamWindow, this.local.initialStreamWindow);
    stream.setHandler(handler);
    if (mustWait) this.own.enqueue(stream, headers);
    else this.activate(stream, headers);
    return stream;
  }

  private activate(stream: MuxStream, headers?: Uint8Array): void {
    const queued = this.own.assign(stream);
    this.streams.set(stream.id, stream);
    this.opened++;
    this.sendHeaderBlock(FrameType.OPEN, stream.id, headers ?? queued ?? new Uint8Array(0));
    stream.flush();
  }

  /** Takes no new streams; those open or queued finish, then the session closes (CLOSE NO_ERROR). */
  retire(): void {
    if (this.retiring || this.closed) return;
    this.retiring = true;
    if (this.streams.size === 0 && this.own.waiting.length === 0) this.close();
  }

  /** The handler of an open stream (used to route messages that arrive outside the stream, by datagram). */
  streamHandler(id: number): StreamHandler | undefined {
    return this.streams.get(id)?.handler;
  }

  /** Measures the round-trip time with a PING. */
  ping(): Promise<number> {
    return this.keepalive.ping();
  }

  /** Graceful shutdown: announce GOAWAY, refuse new streams, let open ones finish. */
  goAway(reason = "shutting down"): void {
    if (this.goAwaySent || this.closed) return;
    this.goAwaySent = true;
    this.sendFrame(FrameType.GOAWAY, 0, 0, encodeGoAway(this.lastRemoteId, CloseCode.GOING_AWAY, reason));
    this.opts.onGoAwaySent?.(reason);
  }

  /** Resolves when no stream is open (or the session closed). */
  drained(): Promise<void> {
    if (this.streams.size === 0 && this.own.waiting.length === 0) return Promise.resolve();
    return new Promise((r) => this.drainWaiters.push(r));
  }

  /** Closes the session: every open stream ends with `error` (UNAVAILABLE when orderly); `code` overrides the CLOSE code. */
  close(error?: XtmpError, code?: CloseCode): void {
    if (this.closed) return;
    this.duplex.close(error, code);
    this.teardown(error);
  }

  // ---- StreamHost ----

  sendFrame(type: FrameType, flags: number, streamId: number, payload: Uint8Array): void {
    if (!this.closed) this.duplex.send({ type, flags, streamId, payload });
  }

  sendHeaderBlock(type: FrameType, streamId: number, block: Uint8Array): void {
    if (!this.closed) sendHeaderBlock(this, type, streamId, block, this.duplex.maxFramePayload);
  }

  blocked(stream: MuxStream): void {
    this.stalls++;
    this.blockedStreams.add(stream);
  }

  streamClosed(stream: MuxStream): void {
    this.blockedStreams.delete(stream);
    if (stream.id === 0) {
      this.own.waiting.remove(stream);
      return;
    }
    if (!this.streams.delete(stream.id)) return;
    this.activateWaiting();
    if (this.streams.size === 0 && this.own.waiting.length === 0) {
      this.lifetime?.becameIdle();
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const w of waiters) w();
      // out of ids (the owner has moved on to a new session) or retired: done
      if (this.retiring || (this.opts.isClient && this.own.spareIds <= STREAM_ID_RESERVE)) this.close();
    }
  }

  slotFreed(stream: MuxStream): void {
    if (!stream.slotted) return;
    stream.slotted = false;
    if (--this.busy === 0) this.lifetime?.becameIdle();
  }

  // queued streams already hold an id in the reserve (openStream), so retiring does not stop them
  private activateWaiting(): void {
    const waiting = this.own.waiting;
    while (waiting.length > 0 && this.streams.size < this.peer.maxConcurrentStreams && !this.closed && !this.goAwayReceived) this.activate(waiting.shift() as MuxStream);
  }

  sessionConsumed(n: number): void {
    this.sessionUnacked += n;
    if (this.sessionUnacked >= this.local.sessionWindow / 4 && !this.closed) {
      this.sendFrame(FrameType.WINDOW_UPDATE, 0, 0, encodeWindowUpdate(this.sessionUnacked));
      this.sessionRecvWindow += this.sessionUnacked;
      this.sessionUnacked = 0;
    }
  }

  // ---- FrameReceiver ----

  onFrame(f: Frame): void {
    this.keepalive.touch();
    try {
      const whole = this.headerBlocks.accept(f);
      if (whole) this.dispatch(whole);
    } catch (err) {
      if (!(err instanceof XtmpError)) this.reportUnexpected(err);
      this.close(XtmpError.from(err, Code.INTERNAL), abuseErrors.has(err as XtmpError) ? CloseCode.EXCESSIVE_LOAD : undefined);
    }
  }

  private reportUnexpected(err: unknown): void {
    callHook(this.opts.onUnexpectedError, err);
  }

  onClose(error?: XtmpError): void {
    this.teardown(error);
  }

  onWritable(): void {
    this.unblock();
  }

  onUnexpectedError(error: unknown): void {
    this.reportUnexpected(error);
  }

  private dispatch(f: Frame | HeaderFrame): void {
    if (f.streamId === 0) return this.sessionFrame(f);
    const oversize = "oversize" in f && f.oversize;
    if (f.type === FrameType.OPEN) return this.onOpen(f, oversize);
    const stream = this.streams.get(f.streamId);
    const charge = f.payload.length + DATA_FRAME_CHARGE;
    if (f.type === FrameType.DATA) {
      if (charge > this.sessionRecvWindow) protocol("session flow-control window overrun");
      this.sessionRecvWindow -= charge;
    }
    if (!stream) {
      if (!this.wasOpened(f.streamId)) protocol(`frame type 0x${f.type.toString(16)} on stream ${f.streamId}, which was never opened`);
      if (f.type === FrameType.DATA) this.sessionConsumed(charge); // late data on a closed stream
      return;
    }
    switch (f.type) {
      case FrameType.DATA:
        if (charge > stream.recvWindow) protocol(`stream ${f.streamId} flow-control window overrun`);
        return stream.onData(f.flags, f.payload);
      case FrameType.HEADERS:
        if (!this.opts.isClient) protocol("HEADERS from a client");
        if (oversize) return stream.fail(Code.RESOURCE_EXHAUSTED, this.oversizeMessage("response headers"));
        return stream.onHeaders(f.payload);
      case FrameType.TRAILERS:
        if (!this.opts.isClient) protocol("TRAILERS from a client");
        // the stream is over for the server either way; only this side learns why it failed
        if (oversize) return stream.abort(new XtmpError(Code.RESOURCE_EXHAUSTED, this.oversizeMessage("trailers")));
        return stream.onTrailers(f.payload);
      case FrameType.RESET: {
        const { code, message } = decodeReset(f.payload);
        if (!this.opts.isClient) this.spendReset();
        return stream.abort(new XtmpError(code, message || "stream reset by peer"), this.opts.isClient && (f.flags & FrameFlags.REFUSED) !== 0);
      }
      case FrameType.WINDOW_UPDATE:
        return stream.onWindowUpdate(decodeWindowUpdate(f.payload));
      default:
        protocol(`frame type 0x${f.type.toString(16)} is not valid on a stream`);
    }
  }

  private wasOpened(id: number): boolean {
    const remoteParity = this.opts.isClient ? 0 : 1;
    return id % 2 === remoteParity ? id <= this.lastRemoteId : this.own.used(id);
  }

  private oversizeMessage(what: string): string {
    return `${what} larger than the header block limit of ${this.maxHeaderBytes} bytes`;
  }

  private onOpen(f: Frame, oversize: boolean): void {
    if (this.opts.isClient) protocol("the server opened a stream");
    if (f.streamId % 2 !== 1 || f.streamId <= this.lastRemoteId) protocol(`stream id ${f.streamId} reused or out of order`);
    this.lastRemoteId = f.streamId;
    const recvWindow = this.settingsAcked ? this.local.initialStreamWindow : Math.max(this.local.initialStreamWindow, DEFAULT_SETTINGS.initialStreamWindow);
    const stream = new MuxStream(this, this.peer.initialStreamWindow, recvWindow);
    stream.id = f.streamId;
    if (this.goAwaySent) {
      this.spendReset();
      stream.reset(Code.UNAVAILABLE, "server is shutting down", true);
      return;
    }
    if (oversize) {
      this.spendReset();
      stream.reset(Code.RESOURCE_EXHAUSTED, this.oversizeMessage("request metadata"));
      return;
    }
    // a slot stays busy until the stream closed and its handler finished (rapid-reset defence)
    if (this.busy >= this.local.maxConcurrentStreams) {
      this.spendReset();
      stream.reset(Code.RESOURCE_EXHAUSTED, `too many concurrent streams (limit ${this.local.maxConcurrentStreams})`, true);
      return;
    }
    this.busy++;
    stream.slotted = true;
    this.streams.set(stream.id, stream);
    this.opened++;
    if (!this.opts.onStream) {
      stream.reset(Code.UNIMPLEMENTED, "this peer serves no streams");
      return;
    }
    this.opts.onStream(stream, f.payload.slice());
  }

  private sessionFrame(f: Frame): void {
    switch (f.type) {
      case FrameType.SETTINGS: {
        if (f.flags & FrameFlags.ACK) {
          this.settingsAcked = true;
          return;
        }
        this.spendControl("SETTINGS");
        this.sendFrame(FrameType.SETTINGS, FrameFlags.ACK, 0, new Uint8Array(0));
        const next = decodeSettings(f.payload, this.peer);
        const streamDelta = next.initialStreamWindow - this.peer.initialStreamWindow;
        this.sessionSendWindow += next.sessionWindow - this.peer.sessionWindow;
        this.peer = next;
        for (const s of this.streams.values()) s.sendWindow += streamDelta;
        this.unblock();
        this.activateWaiting();
        return;
      }
      case FrameType.WINDOW_UPDATE: {
        const n = decodeWindowUpdate(f.payload);
        if (this.sessionSendWindow + n > MAX_WINDOW) protocol("session window overflow");
        this.sessionSendWindow += n;
        return this.unblock();
      }
      case FrameType.PING:
        return this.keepalive.onPing(f.flags, f.payload);
      case FrameType.GOAWAY: {
        const { lastStreamId, reason } = decodeGoAway(f.payload);
        this.goAwayReceived = true;
        const err = new XtmpError(Code.UNAVAILABLE, `peer is going away: ${reason}`);
        for (const s of [...this.streams.values()]) if (s.id % 2 === (this.opts.isClient ? 1 : 0) && s.id > lastStreamId) s.abort(err, true);
        for (const s of this.own.waiting.drain()) s.abort(err, true);
        this.opts.onGoAway?.(lastStreamId, reason);
        return;
      }
      default:
        protocol(`frame type 0x${f.type.toString(16)} is not valid on stream 0`);
    }
  }

  // a peer that makes us answer too many PINGs/SETTINGS (HTTP/2 ping and settings floods)
  private spendControl(what: string): void {
    if (!this.controlBudget.take()) abuse(`too many ${what} frames (limit ${this.limits.controlFramesPerSecond}/s)`);
  }

  // a peer that resets (or gets refused) too many streams (HTTP/2 rapid reset)
  private spendReset(): void {
    if (!this.resetBudget.take()) abuse(`too many stream resets (limit ${this.limits.resetsPerSecond}/s)`);
  }

  private unblock(): void {
    for (const s of [...this.blockedStreams]) {
      if (this.sessionSendWindow <= 0) return;
      this.blockedStreams.delete(s);
      s.flush();
    }
  }

  private teardown(error?: XtmpError): void {
    if (this.closed) return;
    this.closed = true;
    this.keepalive.stop();
    this.lifetime?.stop();
    const err = error ?? new XtmpError(Code.UNAVAILABLE, "session closed");
    for (const s of this.streams.values()) s.abort(err);
    // queued streams never reached the wire
    for (const s of this.own.waiting.drain()) s.abort(err, true);
    this.streams.clear();
    this.blockedStreams.clear();
    for (const w of this.drainWaiters.splice(0)) w();
    this.opts.onClose?.(error);
  }
}
