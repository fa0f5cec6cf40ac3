// ByteQueue: incoming chunks kept as they arrived; whole units are taken with at most one copy.

/** A FIFO of received bytes. */
export class ByteQueue {
  private chunks: Uint8Array[] = [];
  private head = 0; // offset into chunks[0]
  /** Bytes available. */
  length = 0;

  /** Appends a received chunk (kept by reference: the caller must not reuse it). */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /** The first `n` bytes without consuming them (a view when they sit in one chunk, else one copy). */
  peek(n: number): Uint8Array {
    if (n > this.length) throw new RangeError("ByteQueue: not enough bytes");
    const first = this.chunks[0];
    if (first && first.length - this.head >= n) return first.subarray(this.head, this.head + n);
    const out = new Uint8Array(n);
    let off = 0;
    let h = this.head;
    for (const c of this.chunks) {
      const part = c.subarray(h, Math.min(c.length, h + n - off));
      out.set(part, off);
      off += part.length;
      h = 0;
      if (off === n) break;
    }
    return out;
  }

  /** Up to `n` leading bytes as a view or single copy, for prefix checks (never more than available). */
  peekUpTo(n: number): Uint8Array {
    return this.peek(Math.min(n, this.length));
  }

  /** Drops `n` bytes. */
  skip(n: number): void {
    if (n > this.length) throw new RangeError("ByteQueue: not enough bytes");
    this.length -= n;
    while (n > 0) {
      const c = this.chunks[0] as Uint8Array;
      const left = c.length - this.head;
      if (n < left) {
        this.head += n;
        return;
      }
      n -= left;
      this.chunks.shift();
      this.head = 0;
    }
  }

  /** Takes `n` bytes (peek + skip). */
  take(n: number): Uint8Array {
    const out = this.peek(n);
    this.skip(n);
    return out;
  }
}
