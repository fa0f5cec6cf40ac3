// Deadlines: absolute epoch milliseconds locally, remaining milliseconds on the wire; timers for any length.

/** Largest deadline accepted on the wire (about 49.7 days, the largest u32 of ms). */
export const MAX_TIMEOUT_MS = 0xffffffff;

/** Longest single `setTimeout` delay (2^31 - 1 ms, about 24.8 days); longer ones fire at once. */
export const MAX_TIMER_MS = 0x7fffffff;

/** The absolute deadline (epoch ms) of a call option: ms from now, or a Date. */
export function absoluteDeadline(deadline: number | Date | undefined, now = Date.now()): number | undefined {
  if (deadline === undefined) return undefined;
  return deadline instanceof Date ? deadline.getTime() : now + deadline;
}

/** The earlier of two optional deadlines. */
export function earliest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

/** The ":timeout" header value: remaining ms (0 .. MAX_TIMEOUT_MS), decimal. */
export function encodeTimeout(deadline: number, now = Date.now()): string {
  return String(Math.max(0, Math.min(MAX_TIMEOUT_MS, Math.ceil(deadline - now))));
}

/** What `decodeTimeout` returns for a ":timeout" that is present but not 1-10 digits of at most MAX_TIMEOUT_MS. */
export const MALFORMED_TIMEOUT = "malformed";

/** Parses ":timeout": the absolute deadline, undefined when absent, MALFORMED_TIMEOUT when malformed. */
export function decodeTimeout(text: string | undefined, now = Date.now()): number | undefined | typeof MALFORMED_TIMEOUT {
  if (text === undefined) return undefined;
  if (!/^[0-9]{1,10}$/.test(text)) return MALFORMED_TIMEOUT;
  const ms = Number(text);
  return ms > MAX_TIMEOUT_MS ? MALFORMED_TIMEOUT : now + ms;
}

/** A pending `setLongTimeout`. */
export interface LongTimer {
  /** Cancels it (idempotent). */
  clear(): void;
}

/** The timer functions `setLongTimeout` uses (replaceable in tests). */
export interface TimerApi {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

const realTimers: TimerApi = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

/**
 * Calls `fn` after `ms` milliseconds, for any `ms` (chained timeouts of at most MAX_TIMER_MS, so a
 * 30-day delay does not overflow to 1 ms). NaN or non-positive delays fire on the next timer turn;
 * an infinite one never fires.
 */
export function setLongTimeout(fn: () => void, ms: number, timers: TimerApi = realTimers): LongTimer {
  const delay = Number.isNaN(ms) ? 0 : Math.max(0, ms);
  if (delay <= MAX_TIMER_MS) {
    // the common case: one timer, nothing to chain
    const h = timers.setTimeout(fn, delay);
    return { clear: () => timers.clearTimeout(h) };
  }
  const due = timers.now() + delay;
  let handle: unknown;
  let cleared = false;
  const arm = (): void => {
    const left = due - timers.now();
    if (left > MAX_TIMER_MS) handle = timers.setTimeout(arm, MAX_TIMER_MS);
    else handle = timers.setTimeout(() => !cleared && fn(), Math.max(0, left));
  };
  arm();
  return {
    clear() {
      if (cleared) return;
      cleared = true;
      timers.clearTimeout(handle);
    },
  };
}
