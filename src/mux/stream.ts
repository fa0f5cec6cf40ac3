// MuxStream: one stream's send queue, windows, message reassembly and lifecycle.
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";
import { FrameFlags, FrameType } from "../wire/frame-types.js";
import { concatBytes } from "../wire/bytes.js";
import { encodeReset, encodeWindowUpdate } from "./control.js";

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
  /** The stream was aborted: peer RESET, local limit, or the session died. */
  onReset(error: XtmpError): void;
  /** Queued messages were sent: the stream accepts more without growing memory. */
  onDrain(): void;
}

/** The session services a stream needs (implemented by MuxSession). */
export interface StreamHost {
  /** Largest DATA payload. */
  readonly maxFramePayload: number;
  /** Session-level send credit. */
  sessionSendWindow: number;
  /** Largest message accepted from the peer. */
  readonly maxRecvMessage: number;
  /** Sends a frame on this stream. */
  sendFrame(type: FrameType, flags: number, streamId: number, payload: Uint8Array): void;
  /** The stream could not send for lack of session credit. */
  blocked(stream: MuxStream): void;
  /** The stream is finished; forget it. */
  streamClosed(stream: MuxStream): void;
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
const MESSAGE_FLAGS = FrameFlags.COMPRESSED | FrameFlags.SIGNED;

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
  private pending: Pending[] = [];
  private unacked = 0;
  private fragments: Uint8Array[] = [];
  // credit still owed for delivered messages, in order (their last fragment: earlier ones were
  // credited on arrival, since reassembly is bounded by the message size limit instead)
  private owed: number[] = [];
  private fragBytes = 0;
  private wasBlocked = false;

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
    if (this.id !== 0 && this.pending.length === 0) this.host.sendFrame(FrameType.HEADERS, 0, this.id, block);
    else this.pending.push({ kind: Item.DATA, data: block, off: -1, flags: 0 }); // off -1 marks a HEADERS item
  }

  /** Queues a message (`flags`: COMPRESSED, SIGNED); returns false when it could not all be sent yet (wait for onDrain). */
  sendMessage(data: Uint8Array, flags: number): boolean {
    if (this.closed || this.localEnded) return true;
    this.pending.push({ kind: Item.DATA, data, off: 0, flags: flags & MESSAGE_FLAGS });
    this.pendingBytes += data.length;
    this.flush();
    return this.pendingBytes === 0;
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

  /** Aborts the stream and tells the peer. */
  reset(code: Code, message: string): void {
    if (this.closed) return;
    if (this.id !== 0) this.host.sendFrame(FrameType.RESET, 0, this.id, encodeReset(code, message));
    this.finish();
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

  /** Sends what the windows allow. */
  flush(): void {
    if (this.id === 0 || this.closed) return;
    const host = this.host;
    while (this.pending.length > 0) {
      const item = this.pending[0] as Pending;
      if (item.off === -1) {
        host.sendFrame(FrameType.HEADERS, 0, this.id, item.data);
      } else if (item.kind === Item.TRAILERS) {
        host.sendFrame(FrameType.TRAILERS, 0, this.id, item.data);
        this.pending.shift();
        this.finish();
        return;
      } else if (item.kind === Item.END) {
        host.sendFrame(FrameType.DATA, FrameFlags.END_STREAM, this.id, EMPTY);
      } else {
        const len = item.data.length;
        do {
          const n = Math.min(len - item.off, host.maxFramePayload, this.sendWindow, host.sessionSendWindow);
          if (n <= 0 && len > 0) {
            this.wasBlocked = true;
            host.blocked(this);
            return;
          }
          const last = item.off + n === len;
          host.sendFrame(FrameType.DATA, item.flags | (last ? FrameFlags.END_MESSAGE : 0), this.id, item.data.subarray(item.off, item.off + n));
          item.off += n;
          this.sendWindow -= n;
          host.sessionSendWindow -= n;
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

  /** Handles an incoming DATA frame (windows already checked by the session). */
  onData(flags: number, payload: Uint8Array): void {
    this.recvWindow -= payload.length;
    if (this.remoteEnded) throw new XtmpError(Code.INTERNAL, "protocol error: DATA after END_STREAM");
    if (this.fragBytes + payload.length > this.host.maxRecvMessage) {
      this.host.sessionConsumed(payload.length);
      const msg = `message larger than the limit of ${this.host.maxRecvMessage} bytes`;
      this.reset(Code.RESOURCE_EXHAUSTED, msg);
      this.handler?.onReset(new XtmpError(Code.RESOURCE_EXHAUSTED, msg));
      return;
    }
    if (payload.length > 0 || flags & FrameFlags.END_MESSAGE) {
      this.fragments.push(payload.slice());
      this.fragBytes += payload.length;
    }
    if (!(flags & FrameFlags.END_MESSAGE)) {
      this.credit(payload.length);
    } else {
      this.owed.push(payload.length);
      const msg = this.fragments.length === 1 ? (this.fragments[0] as Uint8Array) : concatBytes(this.fragments, this.fragBytes);
      this.fragments = [];
      this.fragBytes = 0;
      this.handler?.onMessage(msg, flags & MESSAGE_FLAGS);
    }
    if (flags & FrameFlags.END_STREAM) {
      if (this.fragBytes > 0) throw new XtmpError(Code.INTERNAL, "protocol error: END_STREAM inside a message");
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

  /** The peer or the session aborted the stream. */
  abort(error: XtmpError): void {
    if (this.closed) return;
    this.finish();
    this.handler?.onReset(error);
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    let owed = 0;
    for (const n of this.owed) owed += n;
    this.owed = [];
    if (owed > 0) this.host.sessionConsumed(owed);
    this.pending = [];
    this.pendingBytes = 0;
    this.fragments = [];
    this.fragBytes = 0;
    this.host.streamClosed(this);
  }
}
