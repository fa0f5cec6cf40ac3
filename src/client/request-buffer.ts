// RequestBuffer: a call's request messages, encoded once, kept for retries until the call commits.
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";
import { encodeMessage } from "../rpc/message-codec.js";
import type { MessageCodec } from "../rpc/descriptor.js";

/** The marker after the last request message. */
export const END: unique symbol = Symbol("end of requests");
export type RequestItem = Uint8Array | typeof END;

const NO_COMPRESSION = () => false;

/** How many bytes the channel's calls keep for retries (shared by the channel's calls). */
export interface RetryBudget {
  /** Takes `n` bytes; false when the channel's budget is spent. */
  take(n: number): boolean;
  /** Returns bytes. */
  give(n: number): void;
}

/**
 * The one request of a unary or server-streaming call: an async iterable like any other for
 * interceptors, which the buffer reads without a promise when it arrives unchanged.
 */
export class SingleMessage implements AsyncIterable<unknown> {
  constructor(readonly value: unknown) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<unknown> {
    yield this.value;
  }
}

/**
 * Pulls request messages from the caller's iterable only as fast as the fastest attempt sends them
 * (flow control carries through), encodes each once, and keeps them while the call may still retry.
 * Attempt k reads item i with `at(i)` (or waits with `next(i)`). Once the call has committed, items
 * the committed attempt has sent are dropped.
 */
export class RequestBuffer {
  private readonly items: Uint8Array[] = [];
  private base = 0;
  private ended = false;
  private failure: XtmpError | undefined;
  private pulling: Promise<void> | undefined;
  private retaining = true;
  private kept = 0;
  private source: AsyncIterator<unknown> | undefined;
  private single: SingleMessage | undefined;

  constructor(
    private readonly messages: AsyncIterable<unknown>,
    private readonly codec: MessageCodec<unknown>,
    private readonly perCallLimit: number,
    private readonly budget: RetryBudget,
    /** The buffer cannot keep more: the call must commit to one attempt. */
    private readonly overflow: () => void,
  ) {
    if (messages instanceof SingleMessage) this.single = messages;
  }

  /** Item `i` if it is already here (undefined: not yet pulled). */
  at(i: number): RequestItem | undefined {
    if (this.single) {
      const { value } = this.single;
      this.single = undefined;
      this.ended = true;
      this.accept(value);
    }
    if (this.failure) throw this.failure;
    if (i < this.base) throw new XtmpError(Code.INTERNAL, "request message already released");
    const item = this.items[i - this.base];
    if (item !== undefined) return item;
    return this.ended && i === this.base + this.items.length ? END : undefined;
  }

  /** Waits for item `i` (pulling from the caller's iterable when it is the next one). */
  async next(i: number): Promise<RequestItem> {
    for (;;) {
      const item = this.at(i);
      if (item !== undefined) return item;
      if (this.pulling) {
        await this.pulling;
        continue;
      }
      const p = this.pull();
      this.pulling = p;
      await p;
      this.pulling = undefined;
    }
  }

  private async pull(): Promise<void> {
    let r: IteratorResult<unknown>;
    try {
      r = await (this.source ??= this.messages[Symbol.asyncIterator]()).next();
    } catch (err) {
      this.failure = XtmpError.from(err, Code.INTERNAL);
      return;
    }
    if (r.done) this.ended = true;
    else this.accept(r.value);
  }

  // encodes a message and keeps it (accounting for the retry buffers while they still matter)
  private accept(message: unknown): void {
    let bytes: Uint8Array;
    try {
      [bytes] = encodeMessage(this.codec, message, NO_COMPRESSION);
    } catch (err) {
      this.failure = XtmpError.from(err, Code.INTERNAL);
      return;
    }
    this.items.push(bytes);
    if (this.retaining) {
      if (this.kept + bytes.length > this.perCallLimit || !this.budget.take(bytes.length)) this.overflow();
      else this.kept += bytes.length;
    }
  }

  /** The committed attempt sent item `i`: without retries left to serve, it can go. */
  sent(i: number): void {
    if (this.retaining || i !== this.base || this.items.length === 0) return;
    this.items.shift();
    this.base++;
  }

  /** The call committed: nothing is kept for retries any more (items up to `sentUpTo` are released). */
  release(sentUpTo: number): void {
    if (!this.retaining) return;
    this.retaining = false;
    this.budget.give(this.kept);
    this.kept = 0;
    const drop = Math.max(0, Math.min(sentUpTo - this.base, this.items.length));
    this.items.splice(0, drop);
    this.base += drop;
  }

  /** Stops pulling from the caller (the call ended): its iterator is told to return. */
  close(): void {
    this.release(this.base);
    this.single = undefined;
    if (!this.ended) {
      this.ended = true;
      // the caller's generator runs its finally blocks; what it throws there has nowhere to go
      if (this.source?.return) void this.source.return().catch(() => undefined);
    }
  }
}
