// resumableStream: one continuous server stream over re-subscriptions that resume after the last message received.
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";
import type { CallOptions } from "../rpc/call-options.js";
import { ConnectionBackoff, type ConnectionBackoffOptions } from "../retry/backoff.js";

/** Options of `resumableStream`. */
export interface ResumableStreamOptions<Req, Res> {
  /** The request that continues right after `last` (e.g. `{ ...request, resumeAfter: last.sequence }`). */
  resume(request: Req, last: Res): Req;
  /** Statuses that end a subscription but not the stream: it re-subscribes (default UNAVAILABLE). */
  retryOn?: readonly Code[];
  /** Delay between re-subscriptions (default 100 ms initial, x1.6, jitter 0.2, 5 s max; reset by a message). */
  backoff?: ConnectionBackoffOptions;
  /** Re-subscriptions in a row without a message in between before the error is thrown (default 10). */
  maxAttempts?: number;
  /** Options of every call (metadata, deadline); `signal` also stops the waits between them. */
  callOptions?: CallOptions;
  /** Re-subscriptions wait for a ready server instead of failing fast (default true). */
  waitForReady?: boolean;
  /** Called before each re-subscription with the error that ended the previous one. */
  onResubscribe?(error: XtmpError, attempt: number): void;
}

/**
 * Turns a server-streaming method into one async iterable that survives the server going away:
 * when a subscription fails with a status in `retryOn`, it subscribes again (through the channel's
 * balancer, after a backoff) with the request `resume` derives from the last message received, so
 * the consumer sees no gap and no duplicate as long as the server honours the resume request.
 * Breaking out of the loop cancels the current call.
 *
 * ```ts
 * const updates = resumableStream((req, o) => bpci.liveUpdates(req, o), { topics: ["bundles"] }, {
 *   resume: (req, last) => ({ ...req, resumeAfter: last.sequence }),
 * });
 * for await (const u of updates) …
 * ```
 */
export async function* resumableStream<Req, Res>(open: (request: Req, options: CallOptions) => AsyncIterable<Res>, request: Req, options: ResumableStreamOptions<Req, Res>): AsyncGenerator<Res, void, undefined> {
  const retryOn = new Set<Code>(options.retryOn ?? [Code.UNAVAILABLE]);
  const maxAttempts = options.maxAttempts ?? 10;
  const backoff = new ConnectionBackoff({ initialMs: 100, maxMs: 5_000, ...options.backoff });
  const signal = options.callOptions?.signal;
  let current = request;
  let failures = 0;
  for (let subscription = 0; ; subscription++) {
    const callOptions: CallOptions = { ...options.callOptions, waitForReady: subscription === 0 ? options.callOptions?.waitForReady ?? false : options.waitForReady ?? true };
    try {
      for await (const message of open(current, callOptions)) {
        failures = 0;
        backoff.reset();
        current = options.resume(request, message);
        yield message;
      }
      return;
    } catch (err) {
      const error = XtmpError.from(err);
      if (!retryOn.has(error.code) || signal?.aborted || ++failures > maxAttempts) throw error;
      options.onResubscribe?.(error, failures);
      await pause(backoff.next(), signal);
    }
  }
}

/** Waits `ms`, or rejects CANCELLED when `signal` aborts first. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new XtmpError(Code.CANCELLED, "resumable stream cancelled"));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new XtmpError(Code.CANCELLED, "resumable stream cancelled"));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
