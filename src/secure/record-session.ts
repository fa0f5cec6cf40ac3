// RecordSession: frames batched into protected records over a byte duplex, with rekeying, padding and close.
import { Code, XtmpError } from "../status/error.js";
import { ByteQueue } from "../wire/byte-queue.js";
import { concatBytes } from "../wire/bytes.js";
import type { ByteDuplex, ByteReceiver, FrameDuplex, FrameReceiver } from "../wire/duplex.js";
import { parseFrame, type Frame } from "../wire/frame.js";
import { CloseCode, FrameType } from "../wire/frame-types.js";
import { LENGTH_PREFIX, readLength } from "../wire/record.js";
import { readVarint, varintSize, writeVarint } from "../wire/varint.js";
import { closeCodeOf, statusOfClose } from "./close-codes.js";
import type { RecordProtector } from "./protector.js";
import { KEY_UPDATE_SIZE, RecordSealer, type RekeyPolicy } from "./record-sealer.js";

export type { RekeyPolicy } from "./record-sealer.js";

/** Tunables of a record session. */
export interface RecordSessionOptions {
  /** Largest record plaintext we accept (announced in the handshake). */
  maxRecvPlaintext: number;
  /** Largest record plaintext the peer accepts. */
  maxSendPlaintext: number;
  /** Key rotation limits (ignored by insecure sessions). */
  rekey?: RekeyPolicy;
  /** Pad every record plaintext to a multiple of this many bytes (0 = off). */
  padding?: number;
  /** Clock (ms), replaceable in tests. */
  now?: () => number;
  /**
   * Bytes the duplex may hold unsent (default 4 MiB). Above it we stop processing what the peer
   * sends, buffer at most as many received bytes, then stop reading: a peer that does not read our
   * replies is not read either, and stalls on its own TCP window.
   */
  maxOutboundBuffer?: number;
  /**
   * Milliseconds the peer may leave us stopped that way without reading a byte before the session
   * is closed with TIMEOUT (default 30,000; 0 = never).
   */
  writeStallTimeoutMs?: number;
  /** TICKET frames (PROTOCOL.md §4.2) go here (it may throw an XtmpError); without it a TICKET is a protocol error. */
  onTicket?: (payload: Uint8Array) => void;
}

// sealed records are written as soon as this many bytes of them wait, without waiting for the end of the turn
const EAGER_WRITE_BYTES = 256 << 10;

/** Default `maxOutboundBuffer`. */
export const DEFAULT_MAX_OUTBOUND_BUFFER = 4 << 20;
/** Default `writeStallTimeoutMs`. */
export const DEFAULT_WRITE_STALL_TIMEOUT_MS = 30_000;

// the largest frame header: type, flags, 5-byte stream id, 5-byte length
const MAX_FRAME_HEADER = 12;
const MAX_CLOSE_REASON = 256;

/** Counters a session exposes (for tests, metrics and the demo's bytes-on-the-wire figure). */
export interface RecordStats {
  /** Records sent. */
  recordsSent: number;
  /** Records received. */
  recordsReceived: number;
  /** Bytes written to the duplex (prefixes, ciphertext, tags). */
  bytesSent: number;
  /** Bytes received from the duplex. */
  bytesReceived: number;
  /** Key updates sent. */
  rekeysSent: number;
  /** Key updates received. */
  rekeysReceived: number;
  /** Bytes the duplex held unsent after the latest write (0 for in-memory duplexes). */
  outboundBuffered: number;
  /** The most the duplex held unsent after any write. */
  peakOutboundBuffered: number;
  /** Times processing stopped because the peer did not take our bytes (over `maxOutboundBuffer`). */
  readPauses: number;
  /** 1 when the session was closed because the peer stayed stalled past `writeStallTimeoutMs`. */
  writeStallCloses: number;
}

/** A FrameDuplex over a ByteDuplex: frames sent in one event-loop turn go out as few records in one write. */
export class RecordSession implements FrameDuplex, ByteReceiver {
  /** Largest frame payload the peer accepts. */
  readonly maxFramePayload: number;
  /** Counters. */
  readonly stats: RecordStats = { recordsSent: 0, recordsReceived: 0, bytesSent: 0, bytesReceived: 0, rekeysSent: 0, rekeysReceived: 0,
    outboundBuffered: 0, peakOutboundBuffered: 0, readPauses: 0, writeStallCloses: 0 };
  private receiver: FrameReceiver | undefined;
  private readonly queue = new ByteQueue();
  private flushScheduled = false;
  private closed = false;
  private closing = false;
  private closeError: XtmpError | undefined;
  private pendingEnd: XtmpError | undefined;
  private readonly sealer: RecordSealer;
  private readonly maxRecvBody: number;
  private readonly maxOutbound: number;
  private readonly stallMs: number;
  // received records wait (the queue is not drained) while this is set
  private holding = false;
  // set while the duplex holds more than maxOutbound: records wait, the stall timer runs, and
  // reading stops once maxOutbound received bytes wait too
  private stallTimer: ReturnType<typeof setTimeout> | undefined;
  private blocked = false;
  private socketPaused = false;
  private drainedMark = 0; // bytes the duplex had handed to the network when last checked
  private soonScheduled = false;

  constructor(
    private readonly duplex: ByteDuplex,
    private readonly protector: RecordProtector,
    private readonly options: RecordSessionOptions,
    leftover?: Uint8Array,
  ) {
    this.maxFramePayload = options.maxSendPlaintext - KEY_UPDATE_SIZE - MAX_FRAME_HEADER;
    this.maxRecvBody = options.maxRecvPlaintext + protector.overhead;
    this.sealer = new RecordSealer(protector, options.maxSendPlaintext, options.padding ?? 0, options.rekey, options.now ?? Date.now, this.stats);
    this.maxOutbound = options.maxOutboundBuffer ?? DEFAULT_MAX_OUTBOUND_BUFFER;
    this.stallMs = options.writeStallTimeoutMs ?? DEFAULT_WRITE_STALL_TIMEOUT_MS;
    if (leftover && leftover.length > 0) this.queue.push(leftover);
    duplex.setReceiver(this);
  }

  /** Whether the session has closed. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Whether the peer does not take what we send (over `maxOutboundBuffer`): its records wait. */
  get writeBlocked(): boolean {
    return this.blocked;
  }

  /** Whether we stopped reading from the peer (write-blocked, and its waiting bytes reached the limit). */
  get readPaused(): boolean {
    return this.socketPaused;
  }

  setReceiver(receiver: FrameReceiver): void {
    this.receiver = receiver;
    if (this.closed) {
      receiver.onClose(this.closeError);
      return;
    }
    this.drain();
    if (this.pendingEnd && !this.holding) this.shutdown(this.pendingEnd, false);
  }

  send(frame: Frame): void {
    if (this.closed) throw new XtmpError(Code.UNAVAILABLE, "session is closed");
    if (frame.payload.length > this.maxFramePayload) {
      throw new RangeError(`frame payload of ${frame.payload.length} bytes exceeds ${this.maxFramePayload}`);
    }
    this.sealer.add(frame);
    // a bulk sender writes as it goes, so the peer decrypts while we are still encrypting
    if (this.sealer.outBytes >= EAGER_WRITE_BYTES) this.writeSealed();
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      scheduleFlush(flushLater, this);
    }
  }

  /** Flushes in a microtask: after the current work, before the end of the event-loop turn. */
  flushSoon(): void {
    if (this.soonScheduled || this.closed) return;
    this.soonScheduled = true;
    if (soon.push(this) === 1) queueMicrotask(flushSoonQueue);
  }

  /** Seals the pending record and writes every sealed record with one duplex write. */
  flush(): void {
    const sealer = this.sealer;
    if (sealer.pending > 0 && !this.closed) sealer.seal(); // closed: the keys are erased, nothing more goes out
    sealer.release();
    if (this.closed) return;
    this.writeSealed();
    if (this.closing) return;
    const buffered = this.duplex.bufferedAmount;
    if (buffered !== undefined) this.noteBuffered(buffered);
    else if (this.holding) this.resume();
  }

  // writes the sealed records with one duplex write
  private writeSealed(): void {
    const sealer = this.sealer;
    if (sealer.outBytes === 0) return;
    const bytes = sealer.outBytes;
    const parts = sealer.take();
    this.stats.bytesSent += bytes;
    // small batches are cheaper to copy once than to gather; large ones go out without a copy
    if (this.duplex.writev && bytes > 4096) this.duplex.writev(parts);
    else this.duplex.write(concatBytes(parts, bytes));
  }

  /** Backpressure: above maxOutbound unsent bytes, process nothing more until they go out. */
  private noteBuffered(buffered: number): void {
    this.stats.outboundBuffered = buffered;
    if (buffered > this.stats.peakOutboundBuffered) this.stats.peakOutboundBuffered = buffered;
    if (buffered > this.maxOutbound) {
      if (this.blocked || this.closed) return;
      this.blocked = this.holding = true;
      this.stats.readPauses++;
      // received bytes still flow in up to the same bound: a peer blocked on us in turn can go on
      this.maybePauseSocket();
      this.drainedMark = this.stats.bytesSent - buffered;
      if (this.stallMs > 0) this.stallTimer = setTimeout(stallCheck, Math.min(this.stallMs, 0x7fffffff), this);
    } else if (this.holding) {
      this.resume();
    }
  }

  private maybePauseSocket(): void {
    if (this.blocked && !this.socketPaused && this.queue.length >= this.maxOutbound) {
      this.socketPaused = true;
      this.duplex.pauseReading?.();
    }
  }

  /** The duplex wrote some of what it held. */
  onDrain(): void {
    if (this.blocked && !this.closed) this.noteBuffered(this.duplex.bufferedAmount ?? 0);
  }

  private resume(): void {
    this.holding = false;
    const wasBlocked = this.blocked;
    if (wasBlocked) {
      this.blocked = false;
      clearTimeout(this.stallTimer);
      this.stallTimer = undefined;
    }
    if (this.socketPaused) {
      this.socketPaused = false;
      this.duplex.resumeReading?.();
    }
    this.drain();
    if (wasBlocked && !this.closed) this.receiver?.onWritable?.();
    if (this.pendingEnd && !this.holding && this.receiver) this.shutdown(this.pendingEnd, false);
  }

  /** @internal The flush scheduled for the end of the turn. */
  flushScheduledNow(): void {
    this.flushScheduled = false;
    this.flush();
  }

  /** @internal The flush asked for by `flushSoon`. */
  flushSoonNow(): void {
    this.soonScheduled = false;
    this.flush();
  }

  /** @internal No byte went out for `stallMs`: close (the CLOSE is best effort: it sits behind the unread bytes). */
  stalled(): void {
    this.stallTimer = undefined;
    if (this.closed) return;
    const buffered = this.duplex.bufferedAmount ?? 0;
    if (this.stats.bytesSent - buffered > this.drainedMark) {
      // the peer reads, if slowly: wait another period
      this.drainedMark = this.stats.bytesSent - buffered;
      this.stallTimer = setTimeout(stallCheck, Math.min(this.stallMs, 0x7fffffff), this);
      return;
    }
    this.stats.writeStallCloses++;
    this.close(new XtmpError(Code.UNAVAILABLE, `the peer has not read ${buffered} bytes for ${this.stallMs} ms`), CloseCode.TIMEOUT);
  }

  onData(chunk: Uint8Array): void {
    if (this.closed) return;
    this.stats.bytesReceived += chunk.length;
    this.queue.push(chunk);
    if (this.holding) this.maybePauseSocket();
    else this.drain();
  }

  onEnd(error?: Error): void {
    if (this.closed) return; // our own close ended the connection
    const err = new XtmpError(Code.UNAVAILABLE, "connection closed by peer", error ? { cause: error } : {});
    // records that arrived before the end (a CLOSE with its reason, say) are processed first, also
    // when they wait for our replies to go out (but not for a peer that stopped reading)
    if (this.receiver && (!this.holding || this.blocked)) this.shutdown(err, false);
    else this.pendingEnd = err;
  }

  private drain(): void {
    try {
      while (this.receiver && !this.closed && !this.holding && this.queue.length >= LENGTH_PREFIX) {
        const len = readLength(this.queue.peek(LENGTH_PREFIX), this.maxRecvBody) as number;
        if (this.queue.length < LENGTH_PREFIX + len) return;
        this.queue.skip(LENGTH_PREFIX);
        // a zero-length record is never valid: it is the handshake's ABORT arriving after we finished
        if (len === 0) throw new XtmpError(Code.UNAUTHENTICATED, "the peer aborted the handshake");
        const pt = this.protector.open(this.queue.take(len));
        if (pt === null) {
          throw new XtmpError(Code.DATA_LOSS, this.protector.secure ? "record authentication failed" : "record checksum mismatch");
        }
        this.stats.recordsReceived++;
        this.processRecord(pt);
        // replies piling up in this turn: let them go out before reading more (the flush resumes)
        if (this.sealer.outBytes + this.sealer.pending > this.maxOutbound && this.flushScheduled) this.holding = true;
      }
    } catch (err) {
      if (!(err instanceof XtmpError)) this.receiver?.onUnexpectedError?.(err);
      this.close(XtmpError.from(err, Code.INTERNAL));
    }
  }

  private processRecord(pt: Uint8Array): void {
    const max = this.options.maxRecvPlaintext;
    let keyUpdate = false;
    let off = 0;
    for (let r = parseFrame(pt, off, max); r; r = parseFrame(pt, off, max)) {
      const [f, next] = r;
      off = next;
      if (keyUpdate) throw new XtmpError(Code.INTERNAL, "protocol error: frame after KEY_UPDATE");
      if (f.type === FrameType.KEY_UPDATE) {
        if (!this.protector.secure || f.streamId !== 0 || f.payload.length !== 0) throw new XtmpError(Code.INTERNAL, "protocol error: bad KEY_UPDATE");
        keyUpdate = true;
      } else if (f.type === FrameType.CLOSE) {
        this.onPeerClose(f.payload);
        return;
      } else if (f.type === FrameType.TICKET) {
        if (!this.options.onTicket || f.streamId !== 0) throw new XtmpError(Code.INTERNAL, "protocol error: unexpected TICKET");
        this.options.onTicket(f.payload);
      } else if (f.type < 0x80) {
        this.receiver?.onFrame(f);
        if (this.closed) return;
      }
    }
    if (keyUpdate) {
      this.protector.rekeyRecv();
      this.stats.rekeysReceived++;
    }
  }

  private onPeerClose(payload: Uint8Array): void {
    const [code, off] = readVarint(payload, 0) ?? [CloseCode.PROTOCOL_ERROR, payload.length];
    const reason = new TextDecoder().decode(payload.subarray(off, off + MAX_CLOSE_REASON));
    const err = code === CloseCode.NO_ERROR ? undefined : new XtmpError(statusOfClose(code), `peer closed the session: ${reason || CloseCode[code] || `code ${code}`}`);
    this.shutdown(err, true);
  }

  /** Sends CLOSE (`code`, by default derived from `error`, and its message), flushes, and closes the duplex. */
  close(error?: XtmpError, code: CloseCode = closeCodeOf(error)): void {
    if (this.closed) return;
    const reason = new TextEncoder().encode((error?.rawMessage ?? "").slice(0, MAX_CLOSE_REASON));
    this.closing = true;
    const payload = new Uint8Array(varintSize(code) + reason.length);
    payload.set(reason, writeVarint(payload, 0, code));
    try {
      this.send({ type: FrameType.CLOSE, flags: 0, streamId: 0, payload });
      this.flush();
    } catch (sendErr) {
      // the CLOSE notice is best effort; the session is going away either way
      error ??= XtmpError.from(sendErr, Code.INTERNAL);
    }
    this.shutdown(error, true);
  }

  private shutdown(error: XtmpError | undefined, closeDuplex: boolean): void {
    if (this.closed) return;
    this.closed = true;
    this.closeError = error;
    clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
    this.protector.erase();
    if (closeDuplex) this.duplex.close();
    this.receiver?.onClose(error);
  }
}

// Flush once per event-loop turn, after all the microtask-driven work of the turn (async generators
// yield through microtasks, so a microtask flush would write one record per message). The session
// travels as the callback's argument: no closure per session.
const scheduleFlush: (f: (s: RecordSession) => void, s: RecordSession) => void =
  typeof setImmediate === "function" ? (f, s) => void setImmediate(f, s) : (f, s) => void setTimeout(f, 0, s);
const flushLater = (s: RecordSession): void => s.flushScheduledNow();
const stallCheck = (s: RecordSession): void => s.stalled();
// sessions that asked for a flush in a microtask, served by one microtask
let soon: RecordSession[] = [];
function flushSoonQueue(): void {
  const due = soon;
  soon = [];
  let failed = false;
  let failure: unknown;
  for (const s of due) {
    try {
      s.flushSoonNow();
    } catch (err) {
      // every session still gets its flush; the first failure is rethrown, as a lone flush's would be
      if (!failed) [failed, failure] = [true, err];
    }
  }
  if (failed) throw failure;
}
