// MuxStream: one stream's send queue, windows, message reassembly and lifecycle.
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";
import { FrameFlags, FrameType } from "../wire/frame-types.js";
import { DATA_FRAME_CHARGE, encodeReset, encodeWindowUpdate, MAX_WINDOW } from "./control.js";
import { protocol } from "./errors.js";
import { Fifo } from "./fifo.js";
import { keepsAsView, Reassembly } from "./reassembly.js";

/** What a stream tells its user. Each callback runs synchronously while a frame is processed. */
export interface StreamHandler {
  /** Response headers arrived (client side). */
  onHeaders(block: Uint8Array): void;
  /** A complete message arrived (`flags`: COMPRESSED, SIGNED); call `stream.messageConsumed()` once processed. */
  onMessage(data: Uint8Array, flags: number): void;
  /** The peer half-closed: it sends no more messages. */
  onEnd(): void;
  /** Trailers arrived (client side); the stream is closed. */
  onTrailers(block: Uint8Array): void;
  /**
   * The stream was aborted: peer RESET, local limit, or the session died. `refused`: no application
   * saw the stream (RESET with REFUSED, refused by GOAWAY, or never sent), so it is safe to send again.
   */
  onReset(error: XtmpError, refused?: boolean): void;
  /** Queued messages were sent: the stream accepts more without growing memory. */
  onDrain(): void;
}

/** The session services a stream needs (implemented by MuxSession). */
export interface StreamHost {
  /** Largest DATA payload. */
  readonly maxFramePayload: number;
  /** Session-level send credit. */
  sessionSendWindow: number;
  /** The transport holds too many unsent bytes: send no DATA until the session says it is writable. */
  readonly writeBlocked: boolean;
  /** Largest message accepted from the peer. */
  readonly maxRecvMessage: number;
  /** Whether the peer accepts DATA frames with the BATCH flag. */
  readonly peerAcceptsBatches: boolean;
  /** Sends a frame on this stream. */
  sendFrame(type: FrameType, flags: number, streamId: number, payload: Uint8Array): void;
  /** Sends a header block (OPEN, HEADERS, TRAILERS), fragmented into CONTINUATION frames when larger than a frame. */
  sendHeaderBlock(type: FrameType, streamId: number, block: Uint8Array): void;
  /** The stream could not send for lack of session credit. */
  blocked(stream: MuxStream): void;
  /** The stream is finished; forget it. */
  streamClosed(stream: MuxStream): void;
  /** The stream's concurrency slot is free (closed and every `hold()` released). */
  slotFreed(stream: MuxStream): void;
  /** Returns consumed bytes to the session window. */
  sessionConsumed(n: number): void;
}

const enum Item {
  DATA,
  END,
  TRAILERS,
}

interface Pending {
  kind: Item;
  data: Uint8Array;
  off: number;
  flags: number;
}

const EMPTY = new Uint8Array(0);
// per-message flags carried on every DATA fragment of the message
const MESSAGE_FLAGS = FrameFlags.COMPRESSED | FrameFlags.SIGNED | FrameFlags.BATCH;

/** One bidirectional stream of a session. */
export class MuxStream {
  /** Stream id (0 while waiting for a concurrency slot). */
  id = 0;
  /** Credit the peer gave us. */
  sendWindow: number;
  /** Credit we gave the peer and it has not used. */
  recvWindow: number;
  /** Bytes queued but not yet sent. */
  pendingBytes = 0;
  /** We sent END_STREAM or trailers. */
  localEnded = false;
  /** The peer sent END_STREAM or trailers. */
  remoteEnded = false;
  /** Closed or reset: no more events. */
  closed = false;
  /** The event handler. */
  handler: StreamHandler | undefined;
  /** Counted against the session's concurrency limit until the slot is freed (peer-opened streams). */
  slotted = false;
  private pending = new Fifo<Pending>();
  private unacked = 0;
  // the fragments of a message that came in more than one DATA frame
  private reassembly: Reassembly | undefined;
  // credit still owed for delivered messages, in order (their last fragment: earlier ones were
  // credited on arrival, since reassembly is bounded by the message size limit instead)
  private owed = new Fifo<number>();
  private wasBlocked = false;
  // references keeping the concurrency slot busy: the stream itself until closed, plus `hold()`s
  private holds = 1;

  constructor(
    private readonly host: StreamHost,
    sendWindow: number,
    private readonly initialRecvWindow: number,
  ) {
    this.sendWindow = sendWindow;
    this.recvWindow = initialRecvWindow;
  }

  /** Installs the event handler (before any frame can arrive for this stream). */
  setHandler(handler: StreamHandler): void {
    this.handler = handler;
  }

  /** Sends response headers. */
  sendHeaders(block: Uint8Array): void {
    if (this.closed || this.localEnded) return;
    if (this.id !== 0 && this.pending.length === 0) this.host.sendHeaderBlock(FrameType.HEADERS, this.id, block);
    else this.pending.push({ kind: Item.DATA, data: block, off: -1, flags: 0 }); // off -1 marks a HEADERS item
  }

  /** Whether queued items wait for flow-control credit (the sender should wait for onDrain). */
  get backlogged(): boolean {
    return this.pending.length > 0;
  }

  /** The largest batch (§11.7) worth sending as one message: one frame's payload, or 0 when the peer takes no batches. */
  get batchLimit(): number {
    return this.host.peerAcceptsBatches ? this.host.maxFramePayload : 0;
  }

  /** Queues a message (`flags`: COMPRESSED, SIGNED); returns false when it could not all be sent yet (wait for onDrain). */
  sendMessage(data: Uint8Array, flags: number): boolean {
    if (this.closed || this.localEnded) return true;
    this.pending.push({ kind: Item.DATA, data, off: 0, flags: flags & MESSAGE_FLAGS });
    this.pendingBytes += data.length;
    this.flush();
    return this.pending.length === 0;
  }

  /**
   * Keeps the stream's concurrency slot busy after the stream closes, until `release()`: a server
   * holds it while the handler runs, so a peer that resets streams cannot start more handlers than
   * the concurrency limit allows.
   */
  hold(): void {
    this.holds++;
  }

  /** Releases a `hold()`. */
  release(): void {
    if (this.holds > 0 && --this.holds === 0) this.host.slotFreed(this);
  }

  /** Half-closes our side after everything queued. */
  end(): void {
    if (this.closed || this.localEnded) return;
    this.localEnded = true;
    this.pending.push({ kind: Item.END, data: EMPTY, off: 0, flags: FrameFlags.END_STREAM });
    this.flush();
  }

  /** Sends trailers after everything queued and closes the stream (server side). */
  sendTrailers(block: Uint8Array): void {
    if (this.closed || this.localEnded) return;
    this.localEnded = true;
    this.pending.push({ kind: Item.TRAILERS, data: block, off: 0, flags: 0 });
    this.flush();
  }

  /** Aborts the stream and tells the peer; `refused` (server side) says no application saw the stream. */
  reset(code: Code, message: string, refused = false): void {
    if (this.closed) return;
    if (this.id !== 0) this.host.sendFrame(FrameType.RESET, refused ? FrameFlags.REFUSED : 0, this.id, encodeReset(code, message));
    this.finish();
  }

  /** Aborts the stream, tells the peer (RESET) and the handler (onReset) with the same status. */
  fail(code: Code, message: string): void {
    if (this.closed) return;
    this.reset(code, message);
    this.handler?.onReset(new XtmpError(code, message));
  }

  /** The peer granted credit. */
  onWindowUpdate(n: number): void {
    if (this.sendWindow + n > MAX_WINDOW) protocol("stream window overflow");
    this.sendWindow += n;
    this.flush();
  }

  /** The consumer processed the oldest delivered message: its credit goes back to the peer. */
  messageConsumed(): void {
    const n = this.owed.shift();
    if (n !== undefined) this.credit(n);
  }

  private credit(n: number): void {
    this.host.sessionConsumed(n);
    if (this.closed || this.remoteEnded) return;
    this.unacked += n;
    if (this.unacked >= this.initialRecvWindow / 2) {
      this.host.sendFrame(FrameType.WINDOW_UPDATE, 0, this.id, encodeWindowUpdate(this.unacked));
      this.recvWindow += this.unacked;
      this.unacked = 0;
    }
  }

  /** Sends what the windows allow. Every DATA frame costs its payload plus DATA_FRAME_CHARGE of credit. */
  flush(): void {
    if (this.closed) return;
    if (this.id === 0) {
      this.wasBlocked = true; // waiting for a concurrency slot: onDrain once activated and flushed
      return;
    }
    const host = this.host;
    for (let item = this.pending.peek(); item !== undefined; item = this.pending.peek()) {
      if (item.off === -1) {
        host.sendHeaderBlock(FrameType.HEADERS, this.id, item.data);
      } else if (item.kind === Item.TRAILERS) {
        host.sendHeaderBlock(FrameType.TRAILERS, this.id, item.data);
        this.pending.shift();
        this.finish();
        return;
      } else {
        const len = item.data.length;
        do {
          const credit = Math.min(this.sendWindow, host.sessionSendWindow) - DATA_FRAME_CHARGE;
          if (credit < 0 || (credit === 0 && len > item.off) || host.writeBlocked) {
            this.wasBlocked = true;
            host.blocked(this);
            return;
          }
          const n = Math.min(len - item.off, host.maxFramePayload, credit);
          const end = item.off + n === len;
          const flags = item.kind === Item.END ? FrameFlags.END_STREAM : item.flags | (end ? FrameFlags.END_MESSAGE : 0);
          host.sendFrame(FrameType.DATA, flags, this.id, n === len ? item.data : item.data.subarray(item.off, item.off + n));
          item.off += n;
          this.sendWindow -= n + DATA_FRAME_CHARGE;
          host.sessionSendWindow -= n + DATA_FRAME_CHARGE;
          this.pendingBytes -= n;
        } while (item.off < len);
      }
      this.pending.shift();
    }
    if (this.localEnded && this.remoteEnded) this.finish();
    if (this.wasBlocked) {
      this.wasBlocked = false;
      this.handler?.onDrain();
    }
  }

  /** Handles an incoming DATA frame (windows already checked and charged by the session). */
  onData(flags: number, payload: Uint8Array): void {
    const charge = payload.length + DATA_FRAME_CHARGE;
    this.recvWindow -= charge;
    if (this.remoteEnded) throw new XtmpError(Code.INTERNAL, "protocol error: DATA after END_STREAM");
    const fragBytes = this.reassembly?.bytes ?? 0;
    if (fragBytes + payload.length > this.host.maxRecvMessage) {
      this.host.sessionConsumed(charge);
      return this.fail(Code.RESOURCE_EXHAUSTED, `message larger than the limit of ${this.host.maxRecvMessage} bytes`);
    }
    if (flags & FrameFlags.END_MESSAGE) {
      // a single large fragment is delivered without a copy; a small one is copied so it does not pin its record
      const msg = this.reassembly ? this.reassembly.finish(payload) : payload.length === 0 ? EMPTY : keepsAsView(payload) ? payload : payload.slice();
      this.reassembly = undefined;
      this.owed.push(charge);
      this.handler?.onMessage(msg, flags & MESSAGE_FLAGS);
    } else {
      if (payload.length > 0) (this.reassembly ??= new Reassembly(this.host.maxRecvMessage)).add(payload);
      this.credit(charge); // reassembly is bounded by the message limit, not the window
    }
    if (flags & FrameFlags.END_STREAM) {
      if (this.reassembly) throw new XtmpError(Code.INTERNAL, "protocol error: END_STREAM inside a message");
      this.remoteEnded = true;
      if (!this.closed) this.handler?.onEnd();
      if (this.localEnded && this.pending.length === 0) this.finish();
    }
  }

  /** Handles HEADERS. */
  onHeaders(block: Uint8Array): void {
    this.handler?.onHeaders(block.slice());
  }

  /** Handles TRAILERS: the server is done, so is this stream. */
  onTrailers(block: Uint8Array): void {
    this.remoteEnded = true;
    this.localEnded = true;
    this.finish();
    this.handler?.onTrailers(block.slice());
  }

  /** The peer or the session aborted the stream (`refused`: no application saw it). */
  abort(error: XtmpError, refused = false): void {
    if (this.closed) return;
    this.finish();
    this.handler?.onReset(error, refused);
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    const owed = this.owed.sum((n) => n);
    this.owed = new Fifo<number>();
    if (owed > 0) this.host.sessionConsumed(owed);
    this.pending = new Fifo<Pending>();
    this.pendingBytes = 0;
    this.reassembly = undefined;
    this.host.streamClosed(this);
    this.release();
  }
}
