// Clock: the time source and timers of resolvers, backoff and retries (a fake one in tests).

/** A timer handle, as returned by `Clock.setTimeout`. */
export type TimerHandle = { readonly __timer?: never } | ReturnType<typeof setTimeout>;

/** Time and timers; `systemClock` uses Date.now and the global timers. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `fn` after `ms` milliseconds. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer (unknown handles are ignored). */
  clearTimeout(handle: TimerHandle): void;
}

/**
 * The real clock: Date.now and the global timers (delays capped to the 32-bit timer limit). Timers
 * keep the process alive, like open sessions: a channel's owner closes it when done.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    return setTimeout(fn, Math.min(Math.max(0, ms), 0x7fffffff));
  },
  clearTimeout(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};
