// Message reassembly from DATA fragments: large fragments kept as views, small ones coalesced, one copy at the end.

// A fragment is kept as a view (not copied) when it is at least this long and fills at least half of
// the buffer it lives in (a record plaintext), so a view never pins more than twice its own bytes.
const VIEW_MIN = 4096;
const TAIL_MIN = 4096;

/** Whether `payload` may be kept without copying: big, and most of the buffer it pins. */
export function keepsAsView(payload: Uint8Array): boolean {
  return payload.length >= VIEW_MIN && payload.length * 2 >= payload.buffer.byteLength;
}

/**
 * The fragments of one message so far. Memory is bounded by twice the message's bytes (views pin at
 * most twice their length; the coalescing buffer at most doubles), and the parts list by one entry
 * per 4 KiB, however the peer cuts the message.
 */
export class Reassembly {
  /** Bytes received so far. */
  bytes = 0;
  private readonly parts: Uint8Array[] = [];
  // small fragments are copied into this buffer, which grows geometrically
  private tail: Uint8Array | undefined;
  private tailUsed = 0;

  constructor(private readonly maxBytes: number) {}

  /** Adds a fragment (the caller has checked `bytes + payload.length` against the message limit). */
  add(payload: Uint8Array): void {
    if (payload.length === 0) return;
    this.bytes += payload.length;
    if (keepsAsView(payload)) {
      this.closeTail();
      this.parts.push(payload);
      return;
    }
    const need = this.tailUsed + payload.length;
    if (!this.tail || this.tail.length < need) {
      const grown = new Uint8Array(Math.min(this.maxBytes, Math.max(need, 2 * (this.tail?.length ?? 0), TAIL_MIN)));
      if (this.tail) grown.set(this.tail.subarray(0, this.tailUsed));
      this.tail = grown;
    }
    this.tail.set(payload, this.tailUsed);
    this.tailUsed = need;
  }

  /** Segments held (views and closed coalescing buffers): at most two per 4 KiB of message. */
  get segments(): number {
    return this.parts.length + (this.tailUsed > 0 ? 1 : 0);
  }

  /** The whole message, with `last` (its final fragment) appended: one copy of every byte. */
  finish(last: Uint8Array): Uint8Array {
    this.closeTail();
    const out = new Uint8Array(this.bytes + last.length);
    let off = 0;
    for (const p of this.parts) {
      out.set(p, off);
      off += p.length;
    }
    out.set(last, off);
    return out;
  }

  private closeTail(): void {
    if (this.tailUsed > 0) this.parts.push((this.tail as Uint8Array).subarray(0, this.tailUsed));
    this.tail = undefined;
    this.tailUsed = 0;
  }
}
