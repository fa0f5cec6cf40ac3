// The replay window against a model: every counter is accepted once, never twice, never when too old.
import { expect } from "chai";
import fc from "fast-check";
import { REPLAY_WINDOW, ReplayWindow } from "../../src/secure/replay-window.js";

describe("replay window", () => {
  it("is at least 1024 wide", () => {
    expect(REPLAY_WINDOW).to.be.at.least(1024);
  });

  it("accepts in-order and reordered counters once, rejects duplicates and the too-old", () => {
    const w = new ReplayWindow();
    expect(w.check(0)).to.equal(true);
    expect(w.check(0)).to.equal(false);
    expect(w.check(5)).to.equal(true);
    expect(w.check(3)).to.equal(true);
    expect(w.check(3)).to.equal(false);
    expect(w.check(5000)).to.equal(true);
    expect(w.check(5000 - REPLAY_WINDOW)).to.equal(false);
    expect(w.check(5000 - REPLAY_WINDOW + 1)).to.equal(true);
    expect(w.check(-1)).to.equal(false);
  });

  it("handles counters up to 2^48-1 (the datagram range) exactly, and refuses unsafe integers", () => {
    const w = new ReplayWindow();
    const top = 2 ** 48 - 1;
    expect(w.check(3)).to.equal(true);
    expect(w.check(top - 1)).to.equal(true); // a jump far beyond the window clears it
    expect(w.check(3)).to.equal(false); // now too old
    expect(w.check(top)).to.equal(true);
    expect(w.check(top - 1)).to.equal(false);
    expect(w.check(top - 2)).to.equal(true);
    expect(w.top).to.equal(top);
    for (const bad of [2 ** 53, Number.MAX_SAFE_INTEGER + 2, 1.5, Number.NaN, Infinity]) expect(w.check(bad), String(bad)).to.equal(false);
  });

  it("matches a set-based model for random counter sequences", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 100_000 })), { maxLength: 400 }), (counters) => {
        const w = new ReplayWindow();
        const seen = new Set<number>();
        let top = -1;
        for (const c of counters) {
          const expected = !seen.has(c) && !(c <= top && top - c >= REPLAY_WINDOW);
          expect(w.check(c), `counter ${c} (top ${top})`).to.equal(expected);
          if (expected) {
            seen.add(c);
            top = Math.max(top, c);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
