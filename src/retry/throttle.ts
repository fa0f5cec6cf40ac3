// Retry throttling: gRFC A6's per-channel token bucket that stops retries and hedges while most attempts fail.
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";
import { thousandths, type RetryThrottlingConfig } from "./service-config.js";

/**
 * gRFC A6 retry throttling, one per channel. Tokens start at maxTokens; a failed attempt takes one,
 * a success gives back tokenRatio; retries and hedges are sent only while more than half remain.
 * Counts are kept in whole thousandths (maxTokens and tokenRatio truncated to 3 decimals, as gRPC
 * does), so the bucket never drifts through floating-point rounding.
 */
export class RetryThrottle {
  private readonly maxMilli: number;
  private readonly ratioMilli: number;
  private milli: number;

  /** Throws XtmpError(INVALID_ARGUMENT) unless 0 < maxTokens ≤ 1000 and tokenRatio ≥ 0.001. */
  constructor(config: RetryThrottlingConfig) {
    const { maxTokens, tokenRatio } = config;
    this.maxMilli = typeof maxTokens === "number" && maxTokens > 0 && maxTokens <= 1000 ? thousandths(maxTokens) : 0;
    this.ratioMilli = typeof tokenRatio === "number" && Number.isFinite(tokenRatio) && tokenRatio > 0 ? thousandths(tokenRatio) : 0;
    if (this.maxMilli === 0) throw new XtmpError(Code.INVALID_ARGUMENT, `retryThrottling.maxTokens must be in [0.001, 1000], got ${String(maxTokens)}`);
    if (this.ratioMilli === 0) throw new XtmpError(Code.INVALID_ARGUMENT, `retryThrottling.tokenRatio must be at least 0.001, got ${String(tokenRatio)}`);
    this.milli = this.maxMilli;
  }

  /** Tokens now, 0..maxTokens. */
  get tokens(): number {
    return this.milli / 1000;
  }

  /** Whether a retry or hedge may be sent now: tokens > maxTokens / 2. */
  get allowsRetry(): boolean {
    return this.milli * 2 > this.maxMilli;
  }

  /** A failed attempt (status in retryable/nonFatal codes, or pushback said stop): tokens − 1 (≥ 0). */
  onFailure(): void {
    this.milli = Math.max(0, this.milli - 1000);
  }

  /** A successful response (any other outcome): tokens + tokenRatio (≤ maxTokens). */
  onSuccess(): void {
    this.milli = Math.min(this.maxMilli, this.milli + this.ratioMilli);
  }
}
