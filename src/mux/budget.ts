// RateBudget: a token bucket that limits how often a peer may make us do work (resets, pings, settings).

/** A token bucket: `burst` tokens, refilled at `perSecond`; `take()` fails when empty. */
export class RateBudget {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Spends one token; false when the budget is exhausted (the caller then acts on the abuse). */
  take(): boolean {
    if (this.tokens < 1) {
      const t = this.now();
      this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) * this.perSecond) / 1000);
      this.last = t;
      if (this.tokens < 1) return false;
    }
    this.tokens--;
    return true;
  }
}
