// A ResolverListener for tests that records every callback and lets a test await the next one.
import type { Endpoint, ResolverListener } from "../../src/resolver/resolver.js";
import { XtmpError } from "../../src/status/error.js";

export type ResolverEvent = { kind: "endpoints"; addresses: string[] } | { kind: "error"; error: XtmpError };

/** Records callbacks in order; `next()` resolves with the first event not yet taken. */
export class Recorder implements ResolverListener {
  readonly events: ResolverEvent[] = [];
  private taken = 0;
  private waiter: (() => void) | null = null;

  onEndpoints(endpoints: readonly Endpoint[]): void {
    this.push({ kind: "endpoints", addresses: endpoints.map((e) => e.address) });
  }

  onError(error: XtmpError): void {
    this.push({ kind: "error", error });
  }

  /** The next event (waits for it). Bound the wait with `within` from test/helpers/calls.ts. */
  async next(): Promise<ResolverEvent> {
    while (this.taken >= this.events.length) await new Promise<void>((r) => (this.waiter = r));
    return this.events[this.taken++] as ResolverEvent;
  }

  /** The next event, which must be an endpoint list; returns its addresses. */
  async nextEndpoints(): Promise<string[]> {
    const e = await this.next();
    if (e.kind !== "endpoints") throw new Error(`expected endpoints, got error ${e.error.message}`);
    return e.addresses;
  }

  /** The next event, which must be an error. */
  async nextError(): Promise<XtmpError> {
    const e = await this.next();
    if (e.kind !== "error") throw new Error(`expected an error, got endpoints ${e.addresses.join(",")}`);
    return e.error;
  }

  private push(e: ResolverEvent): void {
    this.events.push(e);
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }
}

/** Lets every pending promise continuation run (a macrotask turn), so "nothing happened" can be asserted. */
export function drain(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}
