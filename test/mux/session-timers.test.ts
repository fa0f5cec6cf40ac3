// Session timers on the shared wheel: idle timeout, keepalive, no runtime timer per session, nothing left behind at close.
import { expect } from "chai";
import { Code } from "../../src/status/code.js";
import type { XtmpError } from "../../src/status/error.js";
import { decodeGoAway } from "../../src/mux/control.js";
import { MuxSession } from "../../src/mux/session.js";
import { sharedWheel } from "../../src/mux/timer-wheel.js";
import { FrameType } from "../../src/wire/frame-types.js";
import { until } from "../helpers/calls.js";
import { framePair } from "../helpers/frame-pair.js";

/** Runs `fn` counting the runtime timers (setTimeout, setInterval) it starts. */
function countingTimers<T>(fn: () => T): { result: T; timers: number } {
  const g = globalThis as unknown as Record<"setTimeout" | "setInterval", (...args: unknown[]) => unknown>;
  const original = { setTimeout: g.setTimeout, setInterval: g.setInterval };
  let timers = 0;
  for (const k of ["setTimeout", "setInterval"] as const) g[k] = (...args: unknown[]) => (timers++, original[k](...args));
  try {
    return { result: fn(), timers };
  } finally {
    Object.assign(g, original);
  }
}

describe("mux session timers (shared wheel)", function () {
  this.timeout(20_000);

  it("1,000 server sessions with an idle timeout and keepalive add no runtime timer each, and leave no wheel entry once closed", async () => {
    const entriesBefore = sharedWheel.size;
    const { result: sessions, timers } = countingTimers(() =>
      Array.from({ length: 1000 }, () => {
        const [a, b] = framePair();
        const server = new MuxSession(b, { isClient: false, keepaliveMs: 60_000, limits: { idleTimeoutMs: 300_000, maxAgeMs: 600_000 } });
        const client = new MuxSession(a, { isClient: true, keepaliveMs: 30_000 });
        return [server, client];
      }),
    );
    // a runtime timer per session (idle, age, keepalive interval) was the design before the wheel;
    // the wheel's one timer is re-armed when an earlier deadline arrives (here: each kind's first)
    expect(timers, "runtime timers started").to.be.at.most(4);
    expect(sharedWheel.size - entriesBefore, "one wheel entry per session").to.equal(2000);
    for (const [server, client] of sessions) {
      server?.close();
      client?.close();
    }
    expect(sharedWheel.size).to.equal(entriesBefore);
  });

  it("closes an idle server session after idleTimeoutMs (GOAWAY idle timeout first), never before", async () => {
    const [a, b] = framePair();
    const started = performance.now();
    const server = new MuxSession(b, { isClient: false, limits: { idleTimeoutMs: 120 } });
    new MuxSession(a, { isClient: true });
    expect(await until(() => server.isClosed, 10_000)).to.equal(true);
    expect(performance.now() - started).to.be.at.least(120);
    const goaway = b.sent.find((f) => f.type === FrameType.GOAWAY);
    expect(goaway && decodeGoAway(goaway.payload).reason).to.equal("idle timeout");
  });

  it("keepalive: a peer that never answers PINGs is closed after keepaliveTimeoutMs; one that answers stays open", async () => {
    // `silent` has no session on its end: nobody answers the PINGs sent to it
    const [silent, dead] = framePair();
    silent.setReceiver({ onFrame() {}, onClose() {} });
    let closedWith: XtmpError | undefined;
    const probing = new MuxSession(dead, { isClient: true, keepaliveMs: 40, keepaliveTimeoutMs: 80, onClose: (e) => (closedWith = e) });
    const [a, b] = framePair();
    const alive = new MuxSession(a, { isClient: true, keepaliveMs: 40, keepaliveTimeoutMs: 80 });
    new MuxSession(b, { isClient: false });
    expect(await until(() => probing.isClosed, 10_000)).to.equal(true);
    expect(closedWith?.code).to.equal(Code.UNAVAILABLE);
    expect(closedWith?.rawMessage).to.match(/keepalive: no PING answer within 80 ms/);
    expect(dead.sent.filter((f) => f.type === FrameType.PING).length).to.be.at.least(1);
    // the live pair went through the same periods, answering its PINGs
    expect(await until(() => a.sent.filter((f) => f.type === FrameType.PING).length >= 3, 10_000)).to.equal(true);
    expect(alive.isClosed).to.equal(false);
    alive.close();
  });
});
