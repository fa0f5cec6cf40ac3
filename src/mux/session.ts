// MuxSession: many concurrent streams over one FrameDuplex, with flow control, limits, ping and goaway.
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";
import type { FrameDuplex, FrameReceiver } from "../wire/duplex.js";
import type { Frame } from "../wire/frame.js";
import { CloseCode, FrameFlags, FrameType } from "../wire/frame-types.js";
import { DATA_FRAME_CHARGE, DEFAULT_SETTINGS, MAX_WINDOW } from "./control.js";
import { decodeGoAway, decodeReset, decodeSettings, decodeWindowUpdate, encodeGoAway, encodeSettings, encodeWindowUpdate } from "./control.js";
import { abuseErrors, callHook, protocol } from "./errors.js";
import { acceptUnfragmented, HeaderAssembler, sendHeaderBlock, type HeaderFrame } from "./header-blocks.js";
import { Keepalive } from "./keepalive.js";
import { STREAM_ID_RESERVE } from "./local-streams.js";
import type { MuxOptions } from "./options.js";
import { MuxSessionState, perfNow } from "./session-state.js";
import { SessionTimers } from "./session-timers.js";
import { MuxStream, type StreamHandler, type StreamHost } from "./stream.js";

export { DEFAULT_MAX_QUEUED_STREAMS, DEFAULT_MUX_LIMITS, type MuxLimits, type MuxOptions, type MuxStats } from "./options.js";
export { DEFAULT_MAX_HEADER_BYTES } from "./header-blocks.js";
export { STREAM_ID_RESERVE } from "./local-streams.js";

/** Many streams over one session. */
export class MuxSession extends MuxSessionState implements FrameReceiver, StreamHost {
  constructor(duplex: FrameDuplex, opts: MuxOptions) {
    super(duplex, opts);
    if (opts.keepaliveMs) this.keepalive = new Keepalive(this, opts.keepaliveMs, opts.keepaliveTimeoutMs ?? 20_000, perfNow);
    duplex.setReceiver(this);
    if (this.closed) return;
    this.sendFrame(FrameType.SETTINGS, 0, 0, encodeSettings(this.local));
    const limits = opts.isClient ? undefined : this.limits;
    if (SessionTimers.needed(limits, this.keepalive)) this.timers = new SessionTimers(this, limits, this.keepalive);
  }

  /**
   * Opens a stream; it is queued (id 0) while the peer's concurrency limit is reached. Throws
   * UNAVAILABLE when the session takes no new streams (closed, going away, retiring, out of ids) and
   * RESOURCE_EXHAUSTED when `maxQueuedStreams` streams already wait.
   */
  openStream(headers: Uint8Array, handler: StreamHandler): MuxStream {
    if (!this.accepting) throw new XtmpError(Code.UNAVAILABLE, this.closed ? "session is closed" : "session is going away");
    const mustWait = this.streams.size >= this.peer.maxConcurrentStreams;
    const own = this.ownStreams();
    own.admit(mustWait, this.peer.maxConcurrentStreams);
    const stream = new MuxStream(this, this.peer.initialStreamWindow, this.local.initialStreamWindow);
    stream.setHandler(handler);
    if (mustWait) own.enqueue(stream, headers);
    else this.activate(stream, headers);
    return stream;
  }

  private activate(stream: MuxStream, headers?: Uint8Array): void {
    const queued = this.ownStreams().assign(stream);
    this.table().set(stream.id, stream);
    this.opened++;
    this.sendHeaderBlock(FrameType.OPEN, stream.id, headers ?? queued ?? new Uint8Array(0));
    stream.flush();
  }

  /** Takes no new streams; those open or queued finish, then the session closes (CLOSE NO_ERROR). */
  retire(): void {
    if (this.retiring || this.closed) return;
    this.retiring = true;
    if (this.streams.size === 0 && this.queued === 0) this.close();
  }

  /** The handler of an open stream (used to route messages that arrive outside the stream, by datagram). */
  streamHandler(id: number): StreamHandler | undefined {
    return this.streams.get(id)?.handler;
  }

  /** Measures the round-trip time with a PING. */
  ping(): Promise<number> {
    return (this.keepalive ??= new Keepalive(this, 0, this.opts.keepaliveTimeoutMs ?? 20_000, perfNow)).ping();
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
    if (this.streams.size === 0 && this.queued === 0) return Promise.resolve();
    return new Promise((r) => (this.drainWaiters ??= []).push(r));
  }

  /** Closes the session: every open stream ends with `error` (UNAVAILABLE when orderly); `code` overrides the CLOSE code. */
  close(error?: XtmpError, code?: CloseCode): void {
    if (this.closed) return;
    this.duplex.close(error, code);
    this.teardown(error);
  }

  // ---- StreamHost ----

  sendFrame(type: FrameType, flags: number, streamId: number, payload: Uint8Array): void {
    if (this.closed) return;
    this.duplex.send({ type, flags, streamId, payload });
    // a peer stalled on credit waits for this frame: it should not wait for the rest of our turn
    if (type === FrameType.WINDOW_UPDATE) this.duplex.flushSoon?.();
  }

  sendHeaderBlock(type: FrameType, streamId: number, block: Uint8Array): void {
    if (!this.closed) sendHeaderBlock(this, type, streamId, block, this.duplex.maxFramePayload);
  }

  blocked(stream: MuxStream): void {
    this.stalls++;
    (this.blockedStreams ??= new Set()).add(stream);
  }

  streamClosed(stream: MuxStream): void {
    this.blockedStreams?.delete(stream);
    if (stream.id === 0) {
      this.own?.waiting.remove(stream);
      return;
    }
    if (!this.streams.has(stream.id)) return;
    this.table().delete(stream.id);
    this.activateWaiting();
    if (this.streams.size === 0 && this.queued === 0) {
      this.timers?.becameIdle();
      const waiters = this.drainWaiters;
      this.drainWaiters = undefined;
      for (const w of waiters ?? []) w();
      // out of ids (the owner has moved on to a new session) or retired: done
      if (this.retiring || (this.opts.isClient && this.own && this.own.spareIds <= STREAM_ID_RESERVE)) this.close();
    }
  }

  slotFreed(stream: MuxStream): void {
    if (!stream.slotted) return;
    stream.slotted = false;
    if (--this.busy === 0) this.timers?.becameIdle();
  }

  // queued streams already hold an id in the reserve (openStream), so retiring does not stop them
  private activateWaiting(): void {
    const waiting = this.own?.waiting;
    while (waiting && waiting.length > 0 && this.streams.size < this.peer.maxConcurrentStreams && !this.closed && !this.goAwayReceived) this.activate(waiting.shift() as MuxStream);
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
    this.keepalive?.touch(perfNow());
    try {
      // the assembler is made for the first fragmented block (and kept: it holds the open block's state)
      const whole = this.headerBlocks || f.flags & FrameFlags.MORE_HEADERS ? (this.headerBlocks ??= new HeaderAssembler(this.maxHeaderBytes)).accept(f) : acceptUnfragmented(f, this.maxHeaderBytes);
      if (whole) this.dispatch(whole);
    } catch (err) {
      if (!(err instanceof XtmpError)) this.reportUnexpected(err);
      this.close(XtmpError.from(err, Code.INTERNAL), abuseErrors.has(err as XtmpError) ? CloseCode.EXCESSIVE_LOAD : undefined);
    }
  }

  private reportUnexpected(err: unknown): void {
    callHook(this.opts.onUnexpectedError?.bind(this.opts), err);
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
    this.table().set(stream.id, stream);
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
        if (f.payload.length !== 8) protocol("PING payload must be 8 bytes");
        if (f.flags & FrameFlags.ACK) return this.keepalive?.answered(f.payload);
        this.spendControl("PING");
        return this.sendFrame(FrameType.PING, FrameFlags.ACK, 0, f.payload.slice());
      case FrameType.GOAWAY: {
        const { lastStreamId, reason } = decodeGoAway(f.payload);
        this.goAwayReceived = true;
        const err = new XtmpError(Code.UNAVAILABLE, `peer is going away: ${reason}`);
        for (const s of [...this.streams.values()]) if (s.id % 2 === (this.opts.isClient ? 1 : 0) && s.id > lastStreamId) s.abort(err, true);
        for (const s of this.own?.waiting.drain() ?? []) s.abort(err, true);
        this.opts.onGoAway?.(lastStreamId, reason);
        return;
      }
      default:
        protocol(`frame type 0x${f.type.toString(16)} is not valid on stream 0`);
    }
  }

  private unblock(): void {
    const blocked = this.blockedStreams;
    if (!blocked) return;
    for (const s of [...blocked]) {
      if (this.sessionSendWindow <= 0) return;
      blocked.delete(s);
      s.flush();
    }
  }

  private teardown(error?: XtmpError): void {
    if (this.closed) return;
    this.closed = true;
    this.keepalive?.stop();
    this.timers?.stop();
    // an orderly close with no stream left makes no error (its stack trace is most of a close's cost)
    let err = error;
    const why = (): XtmpError => (err ??= new XtmpError(Code.UNAVAILABLE, "session closed"));
    for (const s of this.streams.values()) s.abort(why());
    // queued streams never reached the wire
    for (const s of this.own?.waiting.drain() ?? []) s.abort(why(), true);
    this.dropStreams();
    const waiters = this.drainWaiters;
    this.drainWaiters = undefined;
    for (const w of waiters ?? []) w();
    this.opts.onClose?.(error);
  }
}
