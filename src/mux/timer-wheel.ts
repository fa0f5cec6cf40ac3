// TimerWheel: coarse deadlines of many sessions on one runtime timer (idle timeouts, keepalive, max age).

/** Something a wheel calls back once its deadline has passed (one deadline per entry at a time). */
export interface TimerEntry {
  /** Called once at or after the deadline given to `schedule` (never before it). */
  onTimer(): void;
}

/** Clock and timer functions of a wheel (replaceable in tests). */
export interface WheelClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

// the longest delay setTimeout takes (longer ones fire at once)
const MAX_TIMER = 0x7fffffff;

const systemClock: WheelClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * Deadlines rounded up to a slot whose width grows with the delay (a 16th of it, as a power of two
 * from 1 ms to 16 s): a 300 s idle timeout fires up to 16 s late, a 150 ms one up to 8 ms late,
 * none early. Entries of one slot share a Set; the wheel holds one runtime timer, armed for its
 * earliest slot. Scheduling, rescheduling and cancelling are O(log slots), and an entry costs a
 * Map entry here and a Set entry in its slot: no timer object per entry.
 */
export class TimerWheel {
  private readonly slots = new Map<number, Set<TimerEntry>>();
  private readonly slotOf = new Map<TimerEntry, number>();
  private readonly heap: number[] = []; // slot times with entries, a min-heap
  private timer: unknown;
  private armedFor = Infinity;

  constructor(private readonly clock: WheelClock = systemClock) {}

  /** Entries waiting now. */
  get size(): number {
    return this.slotOf.size;
  }

  /** The current time of the wheel's clock (ms). */
  now(): number {
    return this.clock.now();
  }

  /** Calls `entry.onTimer()` once, no sooner than `delayMs` from now; replaces the entry's earlier deadline. */
  schedule(entry: TimerEntry, delayMs: number): void {
    const delay = Math.min(Math.max(0, delayMs), MAX_TIMER);
    const width = slotWidth(delay);
    const slot = Math.ceil((this.clock.now() + delay) / width) * width;
    const old = this.slotOf.get(entry);
    if (old === slot) return;
    if (old !== undefined) this.remove(entry, old);
    let set = this.slots.get(slot);
    if (!set) {
      set = new Set();
      this.slots.set(slot, set);
      push(this.heap, slot);
    }
    set.add(entry);
    this.slotOf.set(entry, slot);
    if (slot < this.armedFor) this.arm(slot);
  }

  /** Forgets the entry's deadline (if any). */
  cancel(entry: TimerEntry): void {
    const slot = this.slotOf.get(entry);
    if (slot !== undefined) this.remove(entry, slot);
  }

  private remove(entry: TimerEntry, slot: number): void {
    this.slotOf.delete(entry);
    const set = this.slots.get(slot);
    set?.delete(entry);
    // an emptied slot stays in the heap until its time: it is skipped then (see fire)
    if (set && set.size === 0) this.slots.delete(slot);
  }

  private arm(slot: number): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.armedFor = slot;
    this.timer = this.clock.setTimeout(() => this.fire(), Math.min(MAX_TIMER, Math.max(0, slot - this.clock.now())));
  }

  private fire(): void {
    this.timer = undefined;
    this.armedFor = Infinity;
    const now = this.clock.now();
    let failure: { error: unknown } | undefined;
    while (this.heap.length > 0 && (this.heap[0] as number) <= now) {
      const slot = pop(this.heap) as number;
      const set = this.slots.get(slot);
      if (!set) continue;
      this.slots.delete(slot);
      for (const entry of set) {
        this.slotOf.delete(entry);
        // one entry's failure must not cost the others their deadline; it surfaces after the loop
        try {
          entry.onTimer();
        } catch (error) {
          failure ??= { error };
        }
      }
    }
    // skip slots emptied by cancel: arm for the first one that still has entries
    while (this.heap.length > 0 && !this.slots.has(this.heap[0] as number)) pop(this.heap);
    if (this.heap.length > 0) this.arm(this.heap[0] as number);
    if (failure) throw failure.error;
  }
}

/** Slot width for a delay: a 16th of it, rounded down to a power of two, 1 ms .. 16,384 ms. */
function slotWidth(delay: number): number {
  const w = delay / 16;
  if (w < 2) return 1;
  return Math.min(16_384, 2 ** Math.floor(Math.log2(w)));
}

function push(heap: number[], v: number): void {
  let i = heap.push(v) - 1;
  while (i > 0) {
    const p = (i - 1) >> 1;
    if ((heap[p] as number) <= v) break;
    heap[i] = heap[p] as number;
    i = p;
  }
  heap[i] = v;
}

function pop(heap: number[]): number | undefined {
  const top = heap[0];
  const last = heap.pop() as number;
  if (heap.length === 0) return top;
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= heap.length) break;
    const r = l + 1;
    const c = r < heap.length && (heap[r] as number) < (heap[l] as number) ? r : l;
    if ((heap[c] as number) >= last) break;
    heap[i] = heap[c] as number;
    i = c;
  }
  heap[i] = last;
  return top;
}

/** The wheel every session of this process shares. */
export const sharedWheel = new TimerWheel();
