// Backoff schedules: gRPC's connection backoff (jittered exponential) and the retry backoff of retry policies.

/** Parameters of gRPC's connection-backoff algorithm (doc/connection-backoff.md). */
export interface ConnectionBackoffOptions {
  /** First delay, ms (default 1,000). */
  initialMs?: number;
  /** Growth factor per failed attempt (default 1.6). */
  multiplier?: number;
  /** Relative jitter: each delay is randomised within ±jitter (default 0.2). */
  jitter?: number;
  /** Largest delay before jitter, ms (default 120,000). */
  maxMs?: number;
  /** Smallest connect timeout, ms (default 20,000): an attempt may take max(minConnectTimeoutMs, current backoff). */
  minConnectTimeoutMs?: number;
}

/**
 * gRPC connection backoff: after each failed attempt the next one waits `current` ± jitter, and
 * `current` grows by `multiplier` up to `maxMs`; `reset()` (a handshake completed) starts over.
 */
export class ConnectionBackoff {
  private readonly initial: number;
  private readonly multiplier: number;
  private readonly jitter: number;
  private readonly max: number;
  private readonly minConnectTimeout: number;
  private current: number;

  constructor(
    options: ConnectionBackoffOptions = {},
    private readonly random: () => number = Math.random,
  ) {
    this.initial = options.initialMs ?? 1_000;
    this.multiplier = options.multiplier ?? 1.6;
    this.jitter = options.jitter ?? 0.2;
    this.max = options.maxMs ?? 120_000;
    this.minConnectTimeout = options.minConnectTimeoutMs ?? 20_000;
    this.current = this.initial;
  }

  /** How long the next connection attempt may take: max(minConnectTimeoutMs, current backoff). */
  get connectTimeoutMs(): number {
    return Math.max(this.minConnectTimeout, this.current);
  }

  /** The delay before the next attempt (jittered), advancing the schedule. */
  next(): number {
    const base = this.current;
    this.current = Math.min(base * this.multiplier, this.max);
    return Math.max(0, base * (1 + this.jitter * (this.random() * 2 - 1)));
  }

  /** Starts the schedule over (after a successful connection). */
  reset(): void {
    this.current = this.initial;
  }
}

/**
 * The delay before retry attempt `n` (1 = the first retry) of a gRPC retry policy:
 * random(0, min(initialBackoff × multiplier^(n−1), maxBackoff)).
 */
export function retryDelay(n: number, initialMs: number, multiplier: number, maxMs: number, random: () => number = Math.random): number {
  const cap = Math.min(initialMs * Math.pow(multiplier, Math.max(0, n - 1)), maxMs);
  return random() * cap;
}
