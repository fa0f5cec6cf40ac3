// AsyncQueue: a single-consumer async iterable fed by callbacks, with a hook per item taken.
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";

/** Messages pushed by the transport, pulled by `for await`. */
export class AsyncQueue<T> implements AsyncIterableIterator<T> {
  private items: T[] = [];
  private head = 0;
  private done = false;
  private error: unknown;
  private waiter: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void } | undefined;
  private iterated = false;

  /**
   * @param onTake called when the consumer takes an item (flow-control credit)
   * @param onStop called when the consumer stops early (break/return)
   */
  constructor(
    private readonly onTake?: (item: T) => void,
    private readonly onStop?: () => void,
  ) {}

  /** Number of items waiting. */
  get size(): number {
    return this.items.length - this.head;
  }

  /** Adds an item. */
  push(item: T): void {
    if (this.done) return;
    const w = this.waiter;
    if (w) {
      this.waiter = undefined;
      this.onTake?.(item);
      w.resolve({ value: item, done: false });
    } else {
      this.items.push(item);
    }
  }

  /** No more items: the iteration ends after the queued ones. */
  end(): void {
    if (this.done) return;
    this.done = true;
    this.settleWaiter();
  }

  /** Fails the iteration after the queued items. */
  fail(error: unknown): void {
    if (this.done) return;
    this.done = true;
    this.error = error;
    this.settleWaiter();
  }

  private settleWaiter(): void {
    const w = this.waiter;
    if (!w || this.size > 0) return;
    this.waiter = undefined;
    if (this.error !== undefined) w.reject(this.error);
    else w.resolve({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<T>> {
    if (this.size > 0) {
      const item = this.items[this.head] as T;
      this.items[this.head++] = undefined as T;
      if (this.head > 64 && this.head * 2 > this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
      this.onTake?.(item);
      return Promise.resolve({ value: item, done: false });
    }
    if (this.done) return this.error !== undefined ? Promise.reject(this.error) : Promise.resolve({ value: undefined, done: true });
    if (this.waiter) return Promise.reject(new XtmpError(Code.INTERNAL, "concurrent next() on a message stream"));
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  return(): Promise<IteratorResult<T>> {
    if (!this.done) {
      this.done = true;
      this.items = [];
      this.head = 0;
      this.onStop?.();
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    if (this.iterated) throw new XtmpError(Code.INTERNAL, "a message stream can be iterated only once");
    this.iterated = true;
    return this;
  }
}

/**
 * Iterates `queue` (once), passing each item through `map`: how calls turn received bytes into
 * messages lazily, as the consumer pulls. `expand` may turn an item into several (a batch): they are
 * then mapped one per `next()`. An exception from `expand` or `map` rejects that `next()`.
 */
export function mapQueue<T, U>(queue: AsyncQueue<T>, map: (item: T) => U, expand?: (item: T) => readonly T[] | undefined): AsyncIterable<U> {
  // no async functions here: a call waiting for its next message holds a promise, not a suspended frame
  const iterable: AsyncIterable<U> = {
    [Symbol.asyncIterator]: () => {
      const it = queue[Symbol.asyncIterator]();
      let rest: readonly T[] | undefined; // the rest of the batch being handed out
      let at = 0;
      const mapped = (r: IteratorResult<T>): IteratorResult<U> => {
        if (r.done) return { done: true, value: undefined };
        const parts = expand?.(r.value);
        if (!parts) return { done: false, value: map(r.value) };
        rest = parts;
        at = 1;
        return { done: false, value: map(parts[0] as T) };
      };
      return {
        next: (): Promise<IteratorResult<U>> => {
          if (rest) {
            if (at < rest.length) {
              try {
                return Promise.resolve({ done: false, value: map(rest[at++] as T) });
              } catch (err) {
                return Promise.reject(err);
              }
            }
            rest = undefined;
          }
          return it.next().then(mapped);
        },
        return: (): Promise<IteratorResult<U>> => {
          rest = undefined;
          return queue.return().then(() => ({ done: true, value: undefined }));
        },
      };
    },
  };
  return iterable;
}
