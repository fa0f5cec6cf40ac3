// DecompressionBudget: a per-session token bucket of decompressed bytes (bounds what compressed messages cost).

/** Default sustained rate of a session's charged decompressed bytes: 64 MiB per second. */
export const DEFAULT_MAX_DECOMPRESSED_BYTES_PER_SECOND = 64 << 20;

/** Default expansion that costs nothing: output up to 8x the compressed input (ordinary data compresses less). */
export const DEFAULT_FREE_EXPANSION_RATIO = 8;

/** Options of a DecompressionBudget. */
export interface DecompressionBudgetOptions {
  /** Sustained decompressed bytes per second (default 64 MiB; `Infinity` = no budget). */
  bytesPerSecond?: number;
  /** Bytes that may be charged in a burst after an idle period (default: one second's worth). */
  burstBytes?: number;
  /** A message is charged only for its output beyond this multiple of its compressed size (default 8; 0 = all of it). */
  freeRatio?: number;
  /** Clock in milliseconds (default `performance.now`); tests pass a fake one. */
  now?: () => number;
}

/**
 * The decompression work one session may cause. A compressed message costs the part of its
 * declared size beyond `freeRatio` times its compressed size (what the peer gets for free compared
 * with sending it uncompressed), and is admitted while the bucket is not in debt; its cost may then
 * take the bucket into debt, which refills at `bytesPerSecond`. So over any T seconds a session
 * makes us decompress at most `freeRatio * compressed bytes received + burstBytes +
 * bytesPerSecond * T + one message`, however small its messages are on the wire.
 */
export class DecompressionBudget {
  readonly bytesPerSecond: number;
  readonly burstBytes: number;
  readonly freeRatio: number;
  /** Decompressed bytes admitted so far (charged or free). */
  admittedBytes = 0;
  /** Messages refused because the budget was spent. */
  refusedMessages = 0;
  private tokens: number;
  private last: number;
  private readonly now: () => number;

  constructor(opts: DecompressionBudgetOptions = {}) {
    const rate = opts.bytesPerSecond ?? DEFAULT_MAX_DECOMPRESSED_BYTES_PER_SECOND;
    if (!(rate > 0)) throw new RangeError(`bytesPerSecond must be positive, got ${rate}`);
    const burst = opts.burstBytes ?? rate;
    if (!(burst > 0)) throw new RangeError(`burstBytes must be positive, got ${burst}`);
    const ratio = opts.freeRatio ?? DEFAULT_FREE_EXPANSION_RATIO;
    if (!(ratio >= 0)) throw new RangeError(`freeRatio must be at least 0, got ${ratio}`);
    this.freeRatio = ratio;
    this.bytesPerSecond = rate;
    this.burstBytes = burst;
    this.tokens = burst;
    this.now = opts.now ?? (() => performance.now());
    this.last = this.now();
  }

  /**
   * Charges the decompression of `compressedBytes` into `bytes`; false (nothing charged) when the
   * budget is spent.
   */
  charge(bytes: number, compressedBytes = 0): boolean {
    const cost = Math.max(0, bytes - this.freeRatio * compressedBytes);
    if (this.bytesPerSecond === Infinity || cost === 0) {
      this.admittedBytes += bytes;
      return true;
    }
    const t = this.now();
    if (t > this.last) {
      this.tokens = Math.min(this.burstBytes, this.tokens + ((t - this.last) * this.bytesPerSecond) / 1000);
      this.last = t;
    }
    if (this.tokens <= 0) {
      this.refusedMessages++;
      return false;
    }
    this.tokens -= cost;
    this.admittedBytes += bytes;
    return true;
  }
}
