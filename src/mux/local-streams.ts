// Streams this side opens: stream-id allocation up to 2^31-1 and the bounded queue waiting for the peer's concurrency limit.
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";
import { MAX_STREAM_ID } from "../wire/frame.js";
import { Fifo } from "./fifo.js";
import type { MuxStream } from "./stream.js";

/** Stream ids a session keeps for callers that obtained it before it stopped being offered (see MuxSession.isAvailable). */
export const STREAM_ID_RESERVE = 1024;

/** Id allocation and the waiting queue of the side that opens streams. */
export class LocalStreams {
  /** Streams waiting for a concurrency slot (id 0); each is promised one of the ids left. */
  readonly waiting = new Fifo<MuxStream>();
  /** Streams refused because `maxQueued` already waited. */
  queueRefusals = 0;
  private next: number;
  // request headers of queued streams (kept off the stream object, which never needs them again)
  private readonly headers = new WeakMap<MuxStream, Uint8Array>();

  constructor(
    first: number,
    private readonly maxQueued: number,
  ) {
    this.next = first;
  }

  /** Ids not yet promised to a queued stream. */
  get spareIds(): number {
    const left = this.next > MAX_STREAM_ID ? 0 : Math.floor((MAX_STREAM_ID - this.next) / 2) + 1;
    return left - this.waiting.length;
  }

  /** Whether `id` (of this side's parity) was ever assigned. */
  used(id: number): boolean {
    return id < this.next;
  }

  /** Throws unless one more stream can be taken: an id must be left for it, and the queue must have room when it has to wait. */
  admit(mustWait: boolean, peerLimit: number): void {
    if (this.spareIds <= 0) throw new XtmpError(Code.UNAVAILABLE, "session has no stream ids left");
    if (mustWait && this.waiting.length >= this.maxQueued) {
      this.queueRefusals++;
      throw new XtmpError(Code.RESOURCE_EXHAUSTED, `${this.waiting.length} calls already wait for the peer's limit of ${peerLimit} concurrent streams (maxQueuedStreams)`);
    }
  }

  /** Queues a stream and its header block until it can be activated. */
  enqueue(stream: MuxStream, headers: Uint8Array): void {
    this.headers.set(stream, headers);
    this.waiting.push(stream);
  }

  /** Assigns the next id; returns it and the stream's queued header block (if it waited). */
  assign(stream: MuxStream): Uint8Array | undefined {
    stream.id = this.next;
    this.next += 2;
    const h = this.headers.get(stream);
    this.headers.delete(stream);
    return h;
  }
}
