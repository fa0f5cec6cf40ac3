// Retry throttling token bucket (gRFC A6): starting tokens, the more-than-half threshold, truncation and caps.
import { expect } from "chai";
import { Code } from "../../src/status/code.js";
import { XtmpError } from "../../src/status/error.js";
import { parseServiceConfig } from "../../src/retry/service-config.js";
import { RetryThrottle } from "../../src/retry/throttle.js";

function times(n: number, f: () => void): void {
  for (let i = 0; i < n; i++) f();
}

describe("retry/throttle", () => {
  it("starts full and allows retries", () => {
    const t = new RetryThrottle({ maxTokens: 10, tokenRatio: 0.1 });
    expect(t.tokens).to.equal(10);
    expect(t.allowsRetry).to.equal(true);
  });

  it("allows retries only while tokens are MORE than half of maxTokens (not at equality)", () => {
    const t = new RetryThrottle({ maxTokens: 10, tokenRatio: 1 });
    times(4, () => t.onFailure());
    expect(t.tokens).to.equal(6);
    expect(t.allowsRetry).to.equal(true);
    t.onFailure();
    expect(t.tokens).to.equal(5);
    expect(t.allowsRetry, "exactly maxTokens / 2").to.equal(false);
    t.onSuccess();
    expect(t.tokens).to.equal(6);
    expect(t.allowsRetry).to.equal(true);
  });

  it("compares against half of an odd or fractional maxTokens without rounding it", () => {
    const t = new RetryThrottle({ maxTokens: 3, tokenRatio: 0.5 });
    t.onFailure();
    expect([t.tokens, t.allowsRetry]).to.deep.equal([2, true]);
    t.onFailure();
    expect([t.tokens, t.allowsRetry]).to.deep.equal([1, false]);
    t.onSuccess();
    expect([t.tokens, t.allowsRetry], "1.5 = maxTokens / 2").to.deep.equal([1.5, false]);
    t.onSuccess();
    expect([t.tokens, t.allowsRetry]).to.deep.equal([2, true]);
  });

  it("never goes below 0 nor above maxTokens", () => {
    const t = new RetryThrottle({ maxTokens: 4, tokenRatio: 3 });
    t.onSuccess();
    expect(t.tokens, "capped when already full").to.equal(4);
    times(10, () => t.onFailure());
    expect(t.tokens).to.equal(0);
    expect(t.allowsRetry).to.equal(false);
    t.onSuccess();
    expect(t.tokens).to.equal(3);
    t.onSuccess();
    expect(t.tokens, "capped at maxTokens").to.equal(4);
  });

  it("truncates tokenRatio to 3 decimals and counts exactly (ten successes of 0.1 make exactly 1)", () => {
    const t = new RetryThrottle({ maxTokens: 10, tokenRatio: 0.1239 });
    t.onFailure();
    t.onSuccess();
    expect(t.tokens).to.equal(9.123);
    const exact = new RetryThrottle({ maxTokens: 10, tokenRatio: 0.1 });
    times(10, () => exact.onFailure());
    times(10, () => exact.onSuccess());
    expect(exact.tokens).to.equal(1);
    const decimal = new RetryThrottle({ maxTokens: 10, tokenRatio: 1.013 });
    decimal.onFailure();
    decimal.onFailure();
    decimal.onSuccess();
    expect(decimal.tokens, "1.013 stays 1.013 (1.013 × 1000 is 1012.999… in binary)").to.equal(9.013);
  });

  it("works from a parsed service config", () => {
    const config = parseServiceConfig('{"retryThrottling": {"maxTokens": 2, "tokenRatio": 0.5}}').retryThrottling;
    if (config === undefined) throw new Error("no retryThrottling parsed");
    const t = new RetryThrottle(config);
    expect(t.allowsRetry).to.equal(true);
    t.onFailure();
    expect(t.allowsRetry, "1 of 2 tokens left").to.equal(false);
  });

  it("rejects an invalid config built by hand with INVALID_ARGUMENT", () => {
    const bad = [
      { maxTokens: 0, tokenRatio: 1 },
      { maxTokens: 1001, tokenRatio: 1 },
      { maxTokens: Number.NaN, tokenRatio: 1 },
      { maxTokens: 0.0001, tokenRatio: 1 },
      { maxTokens: 10, tokenRatio: 0 },
      { maxTokens: 10, tokenRatio: 0.0005 },
      { maxTokens: 10, tokenRatio: Number.NaN },
      { maxTokens: 10, tokenRatio: Infinity },
      { maxTokens: 10, tokenRatio: -1 },
    ];
    for (const config of bad) {
      expect(() => new RetryThrottle(config), JSON.stringify(config))
        .to.throw(XtmpError)
        .with.property("code", Code.INVALID_ARGUMENT);
    }
  });
});
