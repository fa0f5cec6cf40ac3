// The shared timer wheel: deadlines never fire early and at most a 16th late, cancel and reschedule, one runtime timer for many entries.
import { expect } from "chai";
import { TimerWheel, type TimerEntry, type WheelClock } from "../../src/mux/timer-wheel.js";

/** A fake clock: `advance` runs due timers in order; `pending` counts armed runtime timers. */
function fakeClock() {
  let now = 1000;
  let id = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const clock: WheelClock = {
    now: () => now,
    setTimeout: (fn, ms) => (timers.set(++id, { at: now + ms, fn }), id),
    clearTimeout: (h) => void timers.delete(h as number),
  };
  const advance = (ms: number) => {
    const end = now + ms;
    for (;;) {
      const next = [...timers].filter(([, t]) => t.at <= end).sort((x, y) => x[1].at - y[1].at)[0];
      if (!next) break;
      timers.delete(next[0]);
      now = Math.max(now, next[1].at);
      next[1].fn();
    }
    now = end;
  };
  return { clock, advance, get pending() { return timers.size; }, get now() { return now; } };
}

describe("timer wheel", () => {
  let c: ReturnType<typeof fakeClock> | undefined;
  /** An entry that records when (by the fake clock) it fired. */
  const entry = (): TimerEntry & { firedAt: number[] } => {
    const firedAt: number[] = [];
    return { firedAt, onTimer: () => void firedAt.push((c as ReturnType<typeof fakeClock>).now) };
  };
  beforeEach(() => (c = fakeClock()));

  it("fires every entry once, never before its delay and at most a 16th of it (or 1 ms) late", () => {
    const clk = c as ReturnType<typeof fakeClock>;
    const wheel = new TimerWheel(clk.clock);
    const delays = [1, 5, 17, 150, 300, 999, 4000, 60_000, 300_000];
    const start = clk.now;
    const entries = delays.map((d) => {
      const e = entry();
      wheel.schedule(e, d);
      return e;
    });
    clk.advance(400_000);
    entries.forEach((e, i) => {
      const d = delays[i] as number;
      expect(e.firedAt, `delay ${d}`).to.have.length(1);
      const late = (e.firedAt[0] as number) - (start + d);
      expect(late, `delay ${d}`).to.be.at.least(0);
      expect(late, `delay ${d}`).to.be.at.most(Math.max(1, d / 16));
    });
    expect(wheel.size).to.equal(0);
    expect(clk.pending).to.equal(0);
  });

  it("a cancelled entry does not fire; rescheduling replaces the earlier deadline", () => {
    const clk = c as ReturnType<typeof fakeClock>;
    const wheel = new TimerWheel(clk.clock);
    const cancelled = entry();
    const moved = entry();
    wheel.schedule(cancelled, 100);
    wheel.schedule(moved, 100);
    wheel.cancel(cancelled);
    wheel.schedule(moved, 5000);
    clk.advance(1000);
    expect(cancelled.firedAt).to.have.length(0);
    expect(moved.firedAt).to.have.length(0);
    clk.advance(5000);
    expect(cancelled.firedAt).to.have.length(0);
    expect(moved.firedAt).to.have.length(1);
  });

  it("holds one runtime timer for thousands of entries, whatever their deadlines", () => {
    const clk = c as ReturnType<typeof fakeClock>;
    const wheel = new TimerWheel(clk.clock);
    const entries = Array.from({ length: 5000 }, () => entry());
    entries.forEach((e, i) => wheel.schedule(e, 10 + (i % 97) * 37));
    expect(wheel.size).to.equal(5000);
    expect(clk.pending).to.equal(1);
    clk.advance(2000);
    expect(clk.pending).to.be.at.most(1);
    clk.advance(10_000);
    expect(entries.every((e) => e.firedAt.length === 1)).to.equal(true);
    expect(clk.pending).to.equal(0);
  });

  it("an entry that throws does not cost the others their deadline; the error surfaces", () => {
    const clk = c as ReturnType<typeof fakeClock>;
    const wheel = new TimerWheel(clk.clock);
    const before = entry();
    const after = entry();
    wheel.schedule(before, 50);
    wheel.schedule({ onTimer: () => { throw new RangeError("entry failed"); } }, 50);
    wheel.schedule(after, 50);
    expect(() => clk.advance(100)).to.throw(RangeError, "entry failed");
    expect(before.firedAt).to.have.length(1);
    expect(after.firedAt).to.have.length(1);
  });

  it("an entry may reschedule itself from onTimer (a periodic check)", () => {
    const clk = c as ReturnType<typeof fakeClock>;
    const wheel = new TimerWheel(clk.clock);
    let n = 0;
    const periodic: TimerEntry = { onTimer: () => void (++n < 5 && wheel.schedule(periodic, 100)) };
    wheel.schedule(periodic, 100);
    clk.advance(10_000);
    expect(n).to.equal(5);
    expect(clk.pending).to.equal(0);
  });
});
