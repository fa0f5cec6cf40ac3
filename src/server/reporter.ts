// Counts and reports failures that are not the peer's fault (bugs, throwing hooks) so none is silent.

/** Where an unexpected exception was caught. */
export type FailureSite = "frame" | "handler-hook" | "datagram" | "dispatch" | "session";

/** Calls the application's hook for unexpected exceptions, counting them; a hook that throws is counted too. */
export class FailureReporter {
  /** Unexpected exceptions by site. */
  readonly counts: Partial<Record<FailureSite, number>> = {};
  /** Exceptions thrown by the application's own hooks (onError, onUnexpectedError). */
  hookErrors = 0;

  constructor(private readonly hook: ((error: unknown, site: FailureSite) => void) | undefined) {}

  /** Records an unexpected exception caught at `site` and passes it to the hook. */
  report(error: unknown, site: FailureSite): void {
    this.counts[site] = (this.counts[site] ?? 0) + 1;
    this.callHook(() => this.hook?.(error, site));
  }

  /** Runs an application hook; its exceptions are counted, never propagated into the server. */
  callHook(fn: () => void): void {
    try {
      const r: unknown = fn();
      // an async hook's rejection would otherwise be an unhandled rejection
      if (r instanceof Promise) r.catch(() => this.hookErrors++);
    } catch {
      this.hookErrors++;
    }
  }
}
