// Test helpers for calls: the error a call ends with, polling for a condition with a bound, bounded waits.
import { XtmpError } from "../../src/index.js";

/** Runs a unary promise or drains a stream; returns the XtmpError it ends with (throws if it succeeds). */
export async function failure(p: Promise<unknown> | AsyncIterable<unknown>): Promise<XtmpError> {
  try {
    if (Symbol.asyncIterator in (p as object)) for await (const _ of p as AsyncIterable<unknown>);
    else await p;
  } catch (err) {
    if (err instanceof XtmpError) return err;
    throw err;
  }
  throw new Error("expected the call to fail");
}

/** Polls `cond` every 5 ms for up to `ms`; returns its final value. */
export async function until(cond: () => boolean, ms = 3000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
  return cond();
}

/**
 * Settles as `p` does, or rejects naming `what` when `p` has not settled within `ms`. An overall
 * bound on waiting for an event (so a hang fails with a clear message), not a timing assertion:
 * choose `ms` far above any plausible time.
 */
export async function within<T>(p: Promise<T>, what: string, ms = 10_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: did not happen within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, bound]);
  } finally {
    clearTimeout(timer);
  }
}
