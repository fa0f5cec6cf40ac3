// The dns:/// resolver: real lookups of localhost, rate-limited refresh, backoff after failures, close().
import { expect } from "chai";
import { createResolver, type Resolver, type ResolverOptions } from "../../src/resolver/resolver.js";
import { Code } from "../../src/status/code.js";
import { within } from "../helpers/calls.js";
import { FakeClock } from "./fake-clock.js";
import { drain, Recorder } from "./recorder.js";

type Answer = ReadonlyArray<{ address: string; family: number }>;

/** A lookup that counts its calls and answers with `answer(n)` (n = 1 for the first call). */
function countingLookup(answer: (n: number) => Answer | Error = () => [{ address: "10.0.0.1", family: 4 }]) {
  const calls: string[] = [];
  const lookup = (host: string): Promise<Answer> => {
    calls.push(host);
    const a = answer(calls.length);
    return a instanceof Error ? Promise.reject(a) : Promise.resolve(a);
  };
  return { calls, lookup };
}

function enotfound(): Error {
  return Object.assign(new Error("getaddrinfo ENOTFOUND svc.example"), { code: "ENOTFOUND" });
}

const INTERVAL = 30_000;

describe("resolver: dns", () => {
  const open: Resolver[] = [];
  afterEach(() => {
    for (const r of open.splice(0)) r.close();
  });
  function start(target: string, options: ResolverOptions): { r: Resolver; rec: Recorder } {
    const r = createResolver(target, options);
    open.push(r);
    const rec = new Recorder();
    r.start(rec);
    return { r, rec };
  }

  it("dns:///localhost:PORT with the real lookup gives loopback endpoints with that port", async () => {
    const { rec } = start("dns:///localhost:45123", {});
    const list = await within(rec.nextEndpoints(), "localhost endpoints");
    expect(list.length).to.be.at.least(1);
    for (const a of list) expect(a).to.match(/^xtmp:\/\/(127\.\d+\.\d+\.\d+|\[::1\]):45123$/);
    expect(new Set(list).size, "no duplicates").to.equal(list.length);
  });

  it("reports A and AAAA results as xtmp:// endpoints, duplicates removed, in order", async () => {
    const { calls, lookup } = countingLookup(() => [
      { address: "10.0.0.2", family: 4 },
      { address: "2001:DB8::1", family: 6 },
      { address: "10.0.0.1", family: 4 },
      { address: "10.0.0.2", family: 4 },
      { address: "2001:db8:0::1", family: 6 },
    ]);
    const { rec } = start("dns:///svc.example:7000", { lookup, clock: new FakeClock() });
    expect(calls, "start() looks up at once").to.deep.equal(["svc.example"]);
    expect(await within(rec.nextEndpoints(), "endpoints")).to.deep.equal(["xtmp://10.0.0.2:7000", "xtmp://[2001:db8::1]:7000", "xtmp://10.0.0.1:7000"]);
  });

  it("10 refresh() calls within the interval cause exactly one extra lookup, at the interval's end", async () => {
    const clock = new FakeClock();
    const { calls, lookup } = countingLookup();
    const { r, rec } = start("dns:///svc.example:1", { lookup, clock, minRefreshIntervalMs: INTERVAL });
    await within(rec.nextEndpoints(), "first endpoints");
    expect(calls).to.have.length(1);
    for (let i = 0; i < 10; i++) {
      r.refresh();
      clock.advance(1_000);
    }
    expect(calls, "no lookup inside the interval").to.have.length(1);
    clock.advance(INTERVAL - 10_000 - 1);
    expect(calls, "still none 1 ms before the interval ends").to.have.length(1);
    clock.advance(1);
    expect(calls, "one lookup when the interval ends").to.have.length(2);
    await within(rec.nextEndpoints(), "refreshed endpoints");
    clock.advance(10 * INTERVAL);
    expect(calls, "no lookup without a refresh()").to.have.length(2);
    r.refresh();
    expect(calls, "a refresh() after the interval looks up at once").to.have.length(3);
    await within(rec.nextEndpoints(), "third endpoints");
    expect(rec.events).to.have.length(3);
  });

  it("refresh() during a lookup in flight starts no second lookup; it runs one when the interval since that start ends", async () => {
    const clock = new FakeClock();
    const release: Array<(a: Answer) => void> = [];
    const lookup = (): Promise<Answer> => new Promise((resolve) => release.push(resolve));
    const { r, rec } = start("dns:///svc.example:1", { lookup, clock, minRefreshIntervalMs: INTERVAL });
    clock.advance(INTERVAL / 2);
    r.refresh();
    r.refresh();
    expect(release, "one lookup in flight at most").to.have.length(1);
    release[0]?.([{ address: "10.0.0.9", family: 4 }]);
    expect(await within(rec.nextEndpoints(), "endpoints")).to.deep.equal(["xtmp://10.0.0.9:1"]);
    clock.advance(INTERVAL / 2 - 1);
    expect(release, "the coalesced refresh waits for the interval since the last start").to.have.length(1);
    clock.advance(1);
    expect(release).to.have.length(2);
    // a lookup hanging past the interval: the refresh asked for meanwhile runs as soon as it settles
    clock.advance(2 * INTERVAL);
    r.refresh();
    expect(release, "still one in flight").to.have.length(2);
    release[1]?.([{ address: "10.0.0.8", family: 4 }]);
    await within(rec.nextEndpoints(), "second endpoints");
    expect(release).to.have.length(3);
  });

  it("a failed lookup reports onError, then retries no sooner than the interval", async () => {
    const clock = new FakeClock();
    const { calls, lookup } = countingLookup((n) => (n === 1 ? enotfound() : [{ address: "10.0.0.3", family: 4 }]));
    const { r, rec } = start("dns:///svc.example:5", { lookup, clock, minRefreshIntervalMs: INTERVAL, random: () => 0.5 });
    const err = await within(rec.nextError(), "lookup error");
    expect(err.code).to.equal(Code.UNAVAILABLE);
    expect(err.rawMessage).to.equal("dns:///svc.example:5: lookup failed: ENOTFOUND");
    for (let i = 0; i < 5; i++) r.refresh(); // refreshes join the scheduled retry
    clock.advance(INTERVAL - 1);
    expect(calls, "no retry before the interval").to.have.length(1);
    clock.advance(1);
    expect(calls, "the retry at the interval's end").to.have.length(2);
    expect(await within(rec.nextEndpoints(), "endpoints after the retry")).to.deep.equal(["xtmp://10.0.0.3:5"]);
    clock.advance(10 * INTERVAL);
    expect(calls, "no more lookups after a success").to.have.length(2);
  });

  it("repeated failures back off by the connection backoff when it exceeds the interval", async () => {
    const clock = new FakeClock();
    const { calls, lookup } = countingLookup(() => enotfound());
    const { rec } = start("dns:///svc.example:5", { lookup, clock, minRefreshIntervalMs: 100, random: () => 0.5 });
    // jitter 0 (random 0.5): 1000, 1600, 2560 ms between attempts
    for (const gap of [1_000, 1_600, 2_560]) {
      await within(rec.nextError(), "lookup error");
      const before = calls.length;
      clock.advance(gap - 1);
      expect(calls, `no attempt before ${gap} ms`).to.have.length(before);
      clock.advance(1);
      expect(calls, `an attempt after ${gap} ms`).to.have.length(before + 1);
    }
  });

  it("an empty or malformed result, or a lookup that throws, is an UNAVAILABLE error and is retried", async () => {
    const answers: Array<Answer | Error> = [[], [{ address: "not-an-ip", family: 4 }], [{ address: "10.0.0.4", family: 4 }]];
    const clock = new FakeClock();
    let n = 0;
    const lookup = (): Promise<Answer> => {
      const a = answers[n++];
      if (a === undefined) throw new TypeError("lookup exploded");
      return a instanceof Error ? Promise.reject(a) : Promise.resolve(a);
    };
    const { rec } = start("dns:///svc.example:5", { lookup, clock, minRefreshIntervalMs: INTERVAL, random: () => 0.5 });
    expect((await within(rec.nextError(), "empty")).rawMessage).to.equal("dns:///svc.example:5: lookup returned no addresses");
    clock.advance(INTERVAL);
    expect((await within(rec.nextError(), "malformed")).rawMessage).to.equal('dns:///svc.example:5: lookup returned an invalid address "not-an-ip"');
    clock.advance(INTERVAL);
    expect(await within(rec.nextEndpoints(), "endpoints")).to.deep.equal(["xtmp://10.0.0.4:5"]);
    clock.advance(INTERVAL);
    expect(n).to.equal(3);
  });

  it("a lookup that throws synchronously is reported, not thrown", async () => {
    const lookup = (): Promise<Answer> => {
      throw new TypeError("lookup exploded");
    };
    const { rec } = start("dns:///svc.example:5", { lookup, clock: new FakeClock() });
    const err = await within(rec.nextError(), "error");
    expect(err.code).to.equal(Code.UNAVAILABLE);
    expect(err.rawMessage).to.equal("dns:///svc.example:5: lookup failed: lookup exploded");
  });

  it("close() stops everything: no lookup after close, even when the clock advances", async () => {
    const clock = new FakeClock();
    const { calls, lookup } = countingLookup();
    const { r, rec } = start("dns:///svc.example:1", { lookup, clock, minRefreshIntervalMs: INTERVAL });
    await within(rec.nextEndpoints(), "endpoints");
    r.refresh(); // schedules a lookup at the interval's end
    expect(clock.pendingTimers).to.equal(1);
    r.close();
    expect(clock.pendingTimers, "the timer is cancelled").to.equal(0);
    clock.advance(100 * INTERVAL);
    r.refresh();
    clock.advance(100 * INTERVAL);
    await drain();
    expect(calls).to.have.length(1);
    expect(rec.events).to.have.length(1);
  });

  it("close() during a lookup in flight: its result is ignored and nothing is scheduled", async () => {
    const clock = new FakeClock();
    let settle: (ok: boolean) => void = () => undefined;
    const lookup = (): Promise<Answer> =>
      new Promise((resolve, reject) => (settle = (ok) => (ok ? resolve([{ address: "10.0.0.1", family: 4 }]) : reject(enotfound()))));
    for (const ok of [true, false]) {
      const { r, rec } = start("dns:///svc.example:1", { lookup, clock });
      r.close();
      settle(ok);
      await drain();
      clock.advance(100 * INTERVAL);
      expect(rec.events, `no callback after close (lookup ${ok ? "succeeded" : "failed"})`).to.deep.equal([]);
      expect(clock.pendingTimers).to.equal(0);
    }
  });
});
