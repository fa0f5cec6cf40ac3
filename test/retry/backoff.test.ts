// Connection backoff schedule (1 s, x1.6, ±20 % jitter, 120 s cap, reset, connect timeout) and retry-policy delays, with a deterministic random.
import { expect } from "chai";
import { ConnectionBackoff, retryDelay } from "../../src/retry/backoff.js";

/** The un-jittered schedule: 1000 × 1.6^n capped at 120,000. */
function bases(n: number): number[] {
  const out: number[] = [];
  for (let b = 1000, i = 0; i < n; i++, b = Math.min(b * 1.6, 120_000)) out.push(b);
  return out;
}
const ALMOST_ONE = 1 - 2 ** -40;

describe("retry/backoff", () => {
  describe("ConnectionBackoff", () => {
    it("with random = 0.5 gives exactly 1000, 1600, 2560, 4096, … capped at 120000", () => {
      const b = new ConnectionBackoff({}, () => 0.5);
      const delays = Array.from({ length: 20 }, () => b.next());
      expect(delays.slice(0, 4)).to.deep.equal([1000, 1600, 2560, 4096]);
      expect(delays[4]).to.be.closeTo(6553.6, 1e-9);
      delays.forEach((d, i) => expect(d, `delay ${i}`).to.be.closeTo(bases(20)[i] as number, 1e-6));
      expect(delays.slice(11)).to.deep.equal(new Array(9).fill(120_000));
      expect(delays[10]).to.be.below(120_000);
    });

    it("random = 0 gives the lower jitter bound, base × 0.8", () => {
      const b = new ConnectionBackoff({}, () => 0);
      const delays = Array.from({ length: 15 }, () => b.next());
      expect(delays.slice(0, 3)).to.deep.equal([800, 1280, 2048]);
      delays.forEach((d, i) => expect(d, `delay ${i}`).to.be.closeTo((bases(15)[i] as number) * 0.8, 1e-6));
      expect(delays[14]).to.equal(96_000);
    });

    it("random → 1 approaches the upper jitter bound, base × 1.2, without reaching it", () => {
      const b = new ConnectionBackoff({}, () => ALMOST_ONE);
      const delays = Array.from({ length: 15 }, () => b.next());
      delays.forEach((d, i) => {
        const upper = (bases(15)[i] as number) * 1.2;
        expect(d, `delay ${i}`).to.be.below(upper);
        expect(d, `delay ${i}`).to.be.closeTo(upper, 1e-3);
      });
      expect(delays[14]).to.be.closeTo(144_000, 1e-3);
    });

    it("every delay lies within ±20 % of its base whatever random returns", () => {
      let seed = 12345;
      const lcg = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      const b = new ConnectionBackoff({}, lcg);
      bases(40).forEach((base, i) => {
        const d = b.next();
        expect(d, `delay ${i}`).to.be.at.least(base * 0.8 - 1e-9);
        expect(d, `delay ${i}`).to.be.below(base * 1.2 + 1e-9);
      });
    });

    it("reset() restarts the schedule at 1000", () => {
      const b = new ConnectionBackoff({}, () => 0.5);
      for (let i = 0; i < 8; i++) b.next();
      b.reset();
      expect([b.next(), b.next(), b.next()]).to.deep.equal([1000, 1600, 2560]);
    });

    it("connectTimeoutMs is max(20000, current backoff)", () => {
      const b = new ConnectionBackoff({}, () => 0.5);
      expect(b.connectTimeoutMs).to.equal(20_000);
      for (let i = 0; i < 6; i++) b.next(); // current = 1000 × 1.6^6 ≈ 16777 < 20000
      expect(b.connectTimeoutMs).to.equal(20_000);
      b.next(); // current ≈ 26843.5
      expect(b.connectTimeoutMs).to.be.closeTo(26_843.5456, 1e-6);
      for (let i = 0; i < 10; i++) b.next();
      expect(b.connectTimeoutMs).to.equal(120_000);
      b.reset();
      expect(b.connectTimeoutMs).to.equal(20_000);
    });

    it("honours custom options", () => {
      const b = new ConnectionBackoff({ initialMs: 100, multiplier: 2, jitter: 0, maxMs: 500, minConnectTimeoutMs: 300 }, () => 0);
      expect(b.connectTimeoutMs).to.equal(300);
      expect(Array.from({ length: 5 }, () => b.next())).to.deep.equal([100, 200, 400, 500, 500]);
      expect(b.connectTimeoutMs).to.equal(500);
    });
  });

  describe("retryDelay", () => {
    it("is random × min(initial × multiplier^(n−1), max)", () => {
      expect(retryDelay(1, 100, 2, 1000, () => 0.5)).to.equal(50);
      expect(retryDelay(2, 100, 2, 1000, () => 0.5)).to.equal(100);
      expect(retryDelay(3, 100, 2, 1000, () => 0.5)).to.equal(200);
      expect(retryDelay(4, 100, 2, 1000, () => 0.5)).to.equal(400);
      expect(retryDelay(5, 100, 2, 1000, () => 0.5), "capped at maxBackoff").to.equal(500);
      expect(retryDelay(2000, 100, 2, 1000, () => 0.5), "no overflow past the cap").to.equal(500);
    });

    it("lies in [0, cap): random = 0 gives 0, random → 1 approaches the cap", () => {
      for (const n of [1, 2, 3, 10]) {
        const cap = Math.min(100 * 1.5 ** (n - 1), 2000);
        expect(retryDelay(n, 100, 1.5, 2000, () => 0)).to.equal(0);
        const high = retryDelay(n, 100, 1.5, 2000, () => ALMOST_ONE);
        expect(high).to.be.below(cap);
        expect(high).to.be.closeTo(cap, 1e-6);
      }
    });

    it("treats n below 1 as the first retry", () => {
      expect(retryDelay(0, 100, 2, 1000, () => 0.5)).to.equal(50);
    });
  });
});
