// DatagramSender: a session's bounded, paced queue of outgoing datagram messages (backpressure, flush notices).
import { Fifo } from "../mux/fifo.js";
import { datagramMessageSize, encodeDatagramMessages, MAX_DATAGRAM_PLAINTEXT, type DatagramMessage } from "../wire/datagram.js";

/** Bytes of datagram messages (plus DATAGRAM_MESSAGE_OVERHEAD each) a session may have queued before its calls wait. */
export const DATAGRAM_QUEUE_BYTES = 256 << 10;
/** Bookkeeping bytes counted per queued message (so many tiny messages cannot hide their cost). */
export const DATAGRAM_MESSAGE_OVERHEAD = 64;
/** Datagrams a session sends per event-loop turn at most; then it yields until the next turn. */
export const DATAGRAMS_PER_TURN = 32;

const nextTurn: (f: () => void) => void = typeof setImmediate === "function" ? (f) => void setImmediate(f) : (f) => void setTimeout(f, 0);

/**
 * Messages queued by calls, packed into datagrams and sent at most DATAGRAMS_PER_TURN per
 * event-loop turn. `send` reports when the queue is full (the call then waits in `onRoom`), and
 * `afterSent` tells a call when everything it queued has been handed to the socket.
 */
export class DatagramSender {
  private readonly queue = new Fifo<DatagramMessage>();
  private queuedBytes = 0;
  /** Messages still queued, per stream. */
  private readonly perStream = new Map<number, number>();
  private readonly flushWaiters = new Map<number, Array<() => void>>();
  private roomWaiters: Array<() => void> = [];
  private scheduled = false;
  private closed = false;
  /** Datagrams handed to `transmit`. */
  datagrams = 0;

  constructor(
    /** Sends one MESSAGES plaintext; returns false when it could not be sent (counted by the caller). */
    private readonly transmit: (plaintext: Uint8Array) => boolean,
    /** Receives exceptions thrown by waiters or `transmit` (never thrown into the event loop). */
    private readonly unexpected: (err: unknown) => void,
    private readonly limitBytes = DATAGRAM_QUEUE_BYTES,
    private readonly perTurn = DATAGRAMS_PER_TURN,
  ) {}

  /** Whether the queue is at its limit (calls should wait in `onRoom` before queuing more). */
  get full(): boolean {
    return this.queuedBytes >= this.limitBytes;
  }

  /** Messages queued, all streams. */
  get length(): number {
    return this.queue.length;
  }

  /** Queues one message; it goes out in a later event-loop turn. Returns false once the queue is full. */
  send(message: DatagramMessage): boolean {
    if (this.closed) return true;
    this.queue.push(message);
    this.queuedBytes += datagramMessageSize(message.streamId, message.seq, message.payload.length) + DATAGRAM_MESSAGE_OVERHEAD;
    this.perStream.set(message.streamId, (this.perStream.get(message.streamId) ?? 0) + 1);
    this.schedule();
    return !this.full;
  }

  /** Calls `f` once the queue is below its limit (at once if it is, or when the sender closes). */
  onRoom(f: () => void): void {
    if (!this.full || this.closed) return f();
    this.roomWaiters.push(f);
  }

  /** Calls `f` once every message of `streamId` queued so far has been sent (at once if none is queued). */
  afterSent(streamId: number, f: () => void): void {
    if (this.closed || !this.perStream.has(streamId)) return f();
    const list = this.flushWaiters.get(streamId);
    if (list) list.push(f);
    else this.flushWaiters.set(streamId, [f]);
  }

  /** Drops everything queued and releases every waiter (the session is gone). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    while (this.queue.length > 0) this.queue.shift();
    this.queuedBytes = 0;
    this.perStream.clear();
    const waiters = [...this.flushWaiters.values()].flat().concat(this.roomWaiters);
    this.flushWaiters.clear();
    this.roomWaiters = [];
    for (const w of waiters) this.call(w);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    nextTurn(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  /** Sends up to `perTurn` datagrams of queued messages, then notifies and reschedules. */
  private pump(): void {
    if (this.closed) return;
    const flushed: number[] = [];
    for (let n = 0; n < this.perTurn && this.queue.length > 0; n++) {
      const batch: DatagramMessage[] = [];
      let bytes = 1;
      for (let m = this.queue.peek(); m; m = this.queue.peek()) {
        const size = datagramMessageSize(m.streamId, m.seq, m.payload.length);
        if (batch.length > 0 && bytes + size > MAX_DATAGRAM_PLAINTEXT) break;
        this.queue.shift();
        batch.push(m);
        bytes += size;
        this.queuedBytes -= size + DATAGRAM_MESSAGE_OVERHEAD;
        const left = (this.perStream.get(m.streamId) ?? 1) - 1;
        if (left > 0) this.perStream.set(m.streamId, left);
        else {
          this.perStream.delete(m.streamId);
          flushed.push(m.streamId);
        }
      }
      try {
        if (this.transmit(encodeDatagramMessages(batch))) this.datagrams++;
      } catch (err) {
        this.unexpected(err);
      }
    }
    if (this.queue.length > 0) this.schedule();
    for (const id of flushed) {
      const list = this.flushWaiters.get(id);
      this.flushWaiters.delete(id);
      for (const w of list ?? []) this.call(w);
    }
    if (!this.full && this.roomWaiters.length > 0) {
      const waiters = this.roomWaiters;
      this.roomWaiters = [];
      for (const w of waiters) this.call(w);
    }
  }

  private call(f: () => void): void {
    try {
      f();
    } catch (err) {
      this.unexpected(err);
    }
  }
}
