// The state of a mux session, with the parts an idle session does without (stream table, own streams, budgets) made on first use.
import type { FrameDuplex } from "../wire/duplex.js";
import { RateBudget } from "./budget.js";
import { DEFAULT_SETTINGS, type MuxSettings } from "./control.js";
import { abuse } from "./errors.js";
import { DEFAULT_MAX_HEADER_BYTES, type HeaderAssembler } from "./header-blocks.js";
import type { Keepalive } from "./keepalive.js";
import { LocalStreams, STREAM_ID_RESERVE } from "./local-streams.js";
import { DEFAULT_MAX_QUEUED_STREAMS, DEFAULT_MUX_LIMITS, type MuxLimits, type MuxOptions, type MuxStats } from "./options.js";
import type { SessionTimers } from "./session-timers.js";
import type { MuxStream } from "./stream.js";

const NO_STREAMS: ReadonlyMap<number, MuxStream> = new Map();
/** The sessions' clock (ms, monotonic). */
export const perfNow = (): number => performance.now();
// frozen option objects (a server passes one for all its sessions) resolve to one shared object
const resolvedSettings = new WeakMap<object, MuxSettings>();
const resolvedLimits = new WeakMap<object, MuxLimits>();
function resolve<T extends object>(cache: WeakMap<object, T>, defaults: T, given: Partial<T> | undefined): T {
  if (!given) return defaults;
  const hit = cache.get(given);
  if (hit) return hit;
  const out = { ...defaults, ...given };
  if (Object.isFrozen(given)) cache.set(given, out);
  return out;
}

/** MuxSession's fields and the accessors that make its optional parts when first needed. */
export abstract class MuxSessionState {
  /** Session-level credit the peer gave us. */
  sessionSendWindow = DEFAULT_SETTINGS.sessionWindow;
  /** Largest message accepted. */
  readonly maxRecvMessage: number;
  /** Largest header block accepted (all fragments of an OPEN, HEADERS or TRAILERS). */
  readonly maxHeaderBytes: number;
  protected readonly local: MuxSettings;
  protected peer: MuxSettings = DEFAULT_SETTINGS; // replaced (never changed) by the peer's SETTINGS
  // until the peer acknowledges our SETTINGS it may still be using the defaults, so we accept
  // at least the default windows for streams it opens before then (as HTTP/2 does)
  protected settingsAcked = false;
  protected sessionRecvWindow: number;
  protected sessionUnacked = 0;
  protected streams = NO_STREAMS; // a table of its own once a stream opens (see table())
  protected own: LocalStreams | undefined; // once this side opens a stream
  protected readonly limits: MuxLimits;
  // token buckets start full: made at the first spend, they are the same as made at the start
  private controlBudget: RateBudget | undefined;
  private resetBudget: RateBudget | undefined;
  // peer-opened streams whose slot is busy (open, or held by a running handler)
  protected busy = 0;
  protected timers: SessionTimers | undefined;
  protected blockedStreams: Set<MuxStream> | undefined;
  protected lastRemoteId = 0;
  protected opened = 0;
  protected goAwaySent = false;
  protected stalls = 0;
  protected goAwayReceived = false;
  // no new streams by local decision (retire()); the session closes once its streams are done
  protected retiring = false;
  protected closed = false;
  protected headerBlocks: HeaderAssembler | undefined; // once a fragmented header block arrives
  protected keepalive: Keepalive | undefined; // with keepaliveMs, or once ping() is used
  protected drainWaiters: Array<() => void> | undefined;

  constructor(
    protected readonly duplex: FrameDuplex,
    protected readonly opts: MuxOptions,
  ) {
    this.local = resolve(resolvedSettings, DEFAULT_SETTINGS, opts.settings);
    this.sessionRecvWindow = Math.max(this.local.sessionWindow, DEFAULT_SETTINGS.sessionWindow);
    this.maxRecvMessage = opts.maxRecvMessage ?? 4 << 20;
    this.maxHeaderBytes = opts.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
    this.limits = resolve(resolvedLimits, DEFAULT_MUX_LIMITS, opts.limits);
  }

  // the stream table, made when the first stream opens
  protected table(): Map<number, MuxStream> {
    if (this.streams === NO_STREAMS) this.streams = new Map();
    return this.streams as Map<number, MuxStream>;
  }

  // forgets every stream (teardown)
  protected dropStreams(): void {
    this.streams = NO_STREAMS;
    this.blockedStreams = undefined;
  }

  // this side's stream ids and waiting queue, made when this side first opens a stream
  protected ownStreams(): LocalStreams {
    return (this.own ??= new LocalStreams(this.opts.firstStreamId ?? (this.opts.isClient ? 1 : 2), this.opts.maxQueuedStreams ?? DEFAULT_MAX_QUEUED_STREAMS));
  }

  // streams waiting for a slot
  protected get queued(): number {
    return this.own ? this.own.waiting.length : 0;
  }

  /** Server: no stream is open and no handler runs (what the idle timeout waits for). */
  get isIdle(): boolean {
    return this.streams.size === 0 && this.busy === 0;
  }

  /** Largest DATA payload. */
  get maxFramePayload(): number {
    return this.duplex.maxFramePayload;
  }

  /** Whether the peer's SETTINGS said it accepts batched messages (§11.7). */
  get peerAcceptsBatches(): boolean {
    return this.peer.batchMessages;
  }

  /** The transport holds too many unsent bytes (a peer that does not read): DATA waits. */
  get writeBlocked(): boolean {
    return this.duplex.writeBlocked === true;
  }

  /** Counters. */
  get stats(): MuxStats {
    return { activeStreams: this.streams.size, queuedStreams: this.queued, streamsOpened: this.opened, busySlots: this.busy, queueRefusals: this.own?.queueRefusals ?? 0, headerBlockBytes: this.headerBlocks?.bufferedBytes ?? 0, flowControlStalls: this.stalls };
  }

  /** Streams open or waiting for a slot now (what least-request balancing compares). */
  get load(): number {
    return this.streams.size + this.queued;
  }

  /**
   * Whether new calls should use this session: false once it closed, is going away, retires, or has
   * fewer than STREAM_ID_RESERVE stream ids left (then the owner opens a new session, as after GOAWAY).
   */
  get isAvailable(): boolean {
    return this.accepting && this.ownStreams().spareIds > STREAM_ID_RESERVE;
  }

  // whether openStream() takes streams at all (the id reserve serves callers that obtained the session earlier)
  protected get accepting(): boolean {
    return !this.closed && !this.goAwayReceived && !this.goAwaySent && !this.retiring;
  }

  /** Whether the session has closed. */
  get isClosed(): boolean {
    return this.closed;
  }

  protected wasOpened(id: number): boolean {
    const remoteParity = this.opts.isClient ? 0 : 1;
    return id % 2 === remoteParity ? id <= this.lastRemoteId : this.own !== undefined && this.own.used(id);
  }

  protected oversizeMessage(what: string): string {
    return `${what} larger than the header block limit of ${this.maxHeaderBytes} bytes`;
  }

  // a peer that makes us answer too many PINGs/SETTINGS (HTTP/2 ping and settings floods)
  protected spendControl(what: string): void {
    const rate = this.limits.controlFramesPerSecond;
    if (!(this.controlBudget ??= new RateBudget(rate, rate * 4, perfNow)).take()) abuse(`too many ${what} frames (limit ${rate}/s)`);
  }

  // a peer that resets (or gets refused) too many streams (HTTP/2 rapid reset)
  protected spendReset(): void {
    const rate = this.limits.resetsPerSecond;
    if (!(this.resetBudget ??= new RateBudget(rate, rate * 5, perfNow)).take()) abuse(`too many stream resets (limit ${rate}/s)`);
  }
}
