// Which retries a call may make: transparent retries, the method's retry or hedging policy, throttling and pushback.
import { retryInfoDelayMs } from "../status/details.js";
import { Code } from "../status/code.js";
import type { XtmpError } from "../status/error.js";
import type { AnyMethodDescriptor } from "../rpc/descriptor.js";
import { retryDelay } from "../retry/backoff.js";
import type { Clock } from "../retry/clock.js";
import { parsePushbackValues, PUSHBACK_KEY } from "../retry/pushback.js";
import type { HedgingPolicy, MethodConfig, RetryPolicy } from "../retry/service-config.js";
import type { RetryThrottle } from "../retry/throttle.js";
import type { ChannelSession } from "./connect.js";
import type { RetryBudget } from "./request-buffer.js";

/** What calls need from their channel to pick sessions and retry. */
export interface RetryHost {
  /** A ready session now (preferably not `avoid`, where the previous attempt failed), or undefined. */
  pickNow(avoid?: ChannelSession): ChannelSession | undefined;
  /**
   * Calls `done` with a session once one is ready, or with the channel's error when it is in
   * transient failure and `waitForReady` is false; returns the cancel function.
   */
  waitForPick(waitForReady: boolean, done: (cs: ChannelSession | undefined, error?: XtmpError) => void): () => void;
  /** Retries at all (channel option `retries`). */
  readonly retries: boolean;
  readonly retryBudget: RetryBudget;
  readonly perCallRetryBufferBytes: number;
  readonly throttle: RetryThrottle | undefined;
  readonly clock: Clock;
  readonly random: () => number;
  /** The service config's entry for a method path. */
  methodConfig(path: string): MethodConfig | undefined;
}

/**
 * Retries for IDEMPOTENT and NO_SIDE_EFFECTS methods without a service config: up to 3 attempts,
 * retrying UNAVAILABLE after random(0, 100 ms), then random(0, 200 ms).
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxAttempts: 3,
  initialBackoffMs: 100,
  maxBackoffMs: 1_000,
  backoffMultiplier: 2,
  retryableStatusCodes: new Set([Code.UNAVAILABLE]),
});

/** A call's retry behaviour beyond transparent retries. */
export type CallPolicy = { readonly kind: "none" } | { readonly kind: "retry"; readonly retry: RetryPolicy } | { readonly kind: "hedge"; readonly hedging: HedgingPolicy };

const NONE: CallPolicy = { kind: "none" };
const DEFAULT: CallPolicy = { kind: "retry", retry: DEFAULT_RETRY_POLICY };

/**
 * The policy of a method: the service config's retryPolicy; its hedgingPolicy only for methods
 * marked NO_SIDE_EFFECTS (hedging runs a call several times even when all goes well); without a
 * config, the default retry policy for IDEMPOTENT and NO_SIDE_EFFECTS methods; otherwise none.
 */
export function policyFor(method: AnyMethodDescriptor, host: RetryHost): CallPolicy {
  if (!host.retries) return NONE;
  const mc = host.methodConfig(method.path);
  if (mc?.hedgingPolicy && method.rules.idempotency === "no_side_effects") return { kind: "hedge", hedging: mc.hedgingPolicy };
  if (mc?.retryPolicy) return { kind: "retry", retry: mc.retryPolicy };
  return method.rules.idempotency === "unknown" ? NONE : DEFAULT;
}

/**
 * After a failed, uncommitted attempt: the delay before the next attempt (0 = now), or undefined
 * when the call fails with this error. `attempts` = policy attempts made so far (the first
 * included), `transparent` = transparent retries made so far.
 */
export function nextDelay(policy: CallPolicy, host: RetryHost, error: XtmpError, refused: boolean, attempts: number, transparent: number): number | undefined {
  if (!host.retries) return undefined;
  // never reached a server application: the first retry at once, later ones after a short backoff
  if (refused) return transparent === 0 ? 0 : retryDelay(transparent, 50, 2, 1_000, host.random);
  if (policy.kind === "none") return undefined;
  const codes = policy.kind === "retry" ? policy.retry.retryableStatusCodes : policy.hedging.nonFatalStatusCodes;
  const throttle = host.throttle;
  if (!codes.has(error.code)) {
    throttle?.onSuccess();
    return undefined;
  }
  throttle?.onFailure();
  const pushback = parsePushbackValues(textValues(error, PUSHBACK_KEY));
  const max = policy.kind === "retry" ? policy.retry.maxAttempts : policy.hedging.maxAttempts;
  if (pushback.kind === "stop" || attempts >= max || (throttle && !throttle.allowsRetry)) return undefined;
  if (pushback.kind === "delay") return pushback.ms;
  // the server's google.rpc.RetryInfo (a status detail) says how long to wait; pushback wins over it
  const info = error.details.length > 0 ? retryInfoDelayMs(error) : undefined;
  if (info !== undefined) return info;
  if (policy.kind === "hedge") return 0;
  const r = policy.retry;
  return retryDelay(attempts, r.initialBackoffMs, r.backoffMultiplier, r.maxBackoffMs, host.random);
}

function textValues(error: XtmpError, key: string): string[] {
  const out: string[] = [];
  for (const [k, v] of error.metadata) if (k === key) out.push(typeof v === "string" ? v : "");
  return out;
}
