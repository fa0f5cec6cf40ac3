// Fifo: an array-backed queue with O(1) push and shift (the mux's send queues and credit ledgers).

/** A first-in first-out queue; `shift` is O(1) (a moving head, compacted now and then). */
export class Fifo<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  /** Items queued. */
  get length(): number {
    return this.items.length - this.head;
  }

  /** The oldest item, or undefined. */
  peek(): T | undefined {
    return this.items[this.head];
  }

  /** Appends an item. */
  push(item: T): void {
    this.items.push(item);
  }

  /** Removes and returns the oldest item. */
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Removes one item (O(n); for rare removals such as a queued stream being cancelled). */
  remove(item: T): boolean {
    const i = this.items.indexOf(item, this.head);
    if (i < 0) return false;
    this.items.splice(i, 1);
    return true;
  }

  /** Removes and returns every item, oldest first. */
  drain(): T[] {
    const out = this.items.slice(this.head) as T[];
    this.items = [];
    this.head = 0;
    return out;
  }

  /** Sum of `f` over the items. */
  sum(f: (item: T) => number): number {
    let n = 0;
    for (let i = this.head; i < this.items.length; i++) n += f(this.items[i] as T);
    return n;
  }
}
