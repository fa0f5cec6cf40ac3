// Test helpers for calls: the error a call ends with, and polling for a condition with a bound.
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
