// Deadlines beyond a single timer's range (24.8 days), the chained timer, and malformed `:timeout` values.
import { expect } from "chai";
import { TestServiceDefinition } from "../../generated/grpc/testing/test_xtmp.js";
import { testServiceImpl } from "../../services/test-service.js";
import { decodeTimeout, encodeTimeout, MALFORMED_TIMEOUT, MAX_TIMEOUT_MS, MAX_TIMER_MS, setLongTimeout, type TimerApi } from "../../src/rpc/deadline.js";
import { Code, createChannel, createClient, createServer, generateIdentity, type Channel } from "../../src/index.js";
import { within } from "../helpers/calls.js";
import { rawCall } from "../helpers/raw-call.js";

const DAY = 86_400_000;

/** A fake clock and timer queue: time moves only when `advance` runs the earliest timer. */
function fakeTimers() {
  let now = 1_000_000;
  let nextId = 1;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const delays: number[] = [];
  const api: TimerApi = {
    setTimeout(fn, ms) {
      delays.push(ms);
      const id = nextId++;
      timers.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimeout: (h) => void timers.delete(h as number),
    now: () => now,
  };
  /** Runs the earliest pending timer (moving the clock to it); false when none is pending. */
  const advance = (): boolean => {
    const first = [...timers.entries()].sort((a, b) => a[1].at - b[1].at)[0];
    if (!first) return false;
    timers.delete(first[0]);
    now = first[1].at;
    first[1].fn();
    return true;
  };
  return { api, delays, advance, now: () => now, pending: () => timers.size };
}

describe("deadlines", function () {
  this.timeout(20_000);

  describe("setLongTimeout (chained timers)", () => {
    it("a 30-day delay is chained from timers of at most 2^31-1 ms and fires at 30 days, not before", () => {
      const t = fakeTimers();
      const start = t.now();
      let firedAt: number | undefined;
      setLongTimeout(() => (firedAt = t.now()), 30 * DAY, t.api);
      while (firedAt === undefined && t.advance());
      expect(firedAt).to.equal(start + 30 * DAY);
      expect(Math.max(...t.delays)).to.be.at.most(MAX_TIMER_MS);
      expect(t.delays.length).to.equal(2); // 24.8 days, then the remaining 5.2
    });

    it("a delay within one timer's range uses one timer; clear() stops a chained one", () => {
      const t = fakeTimers();
      let fired = 0;
      setLongTimeout(() => fired++, 1000, t.api);
      expect(t.delays).to.deep.equal([1000]);
      while (t.advance());
      expect(fired).to.equal(1);
      const long = setLongTimeout(() => fired++, 60 * DAY, t.api);
      t.advance(); // the first link of the chain
      long.clear();
      expect(t.pending()).to.equal(0);
      while (t.advance());
      expect(fired).to.equal(1);
    });

    it("NaN and negative delays fire on the next timer turn", () => {
      const t = fakeTimers();
      setLongTimeout(() => undefined, Number.NaN, t.api);
      setLongTimeout(() => undefined, -5, t.api);
      expect(t.delays).to.deep.equal([0, 0]);
    });
  });

  describe(":timeout values", () => {
    it("encodes the remaining milliseconds, clamped to 0 .. 2^32-1", () => {
      expect(encodeTimeout(1000 + 30 * DAY, 1000)).to.equal(String(30 * DAY));
      expect(encodeTimeout(1000 + 60 * DAY, 1000)).to.equal(String(MAX_TIMEOUT_MS));
      expect(encodeTimeout(500, 1000)).to.equal("0");
    });

    it("decodes 1 to 10 ASCII digits up to 4294967295; anything else present is malformed", () => {
      expect(decodeTimeout(undefined, 0)).to.equal(undefined);
      expect(decodeTimeout("0", 5)).to.equal(5);
      expect(decodeTimeout("0000000007", 5)).to.equal(12);
      expect(decodeTimeout(String(30 * DAY), 0)).to.equal(30 * DAY);
      expect(decodeTimeout("4294967295", 0)).to.equal(MAX_TIMEOUT_MS);
      for (const bad of ["", "+5", "-5", " 5", "5 ", "5.0", "1e3", "0x10", "abc", "4294967296", "9999999999", "00000000001", "١٢"]) {
        expect(decodeTimeout(bad, 0), JSON.stringify(bad)).to.equal(MALFORMED_TIMEOUT);
      }
    });
  });

  describe("over a real session", () => {
    const id = generateIdentity();
    const seen: Array<number | undefined> = [];
    const server = createServer({ identity: id });
    server.add(TestServiceDefinition, {
      ...testServiceImpl,
      async emptyCall(_req, ctx) {
        seen.push(ctx.deadline);
        // outlives a 1 ms timer: a deadline timer that overflowed (and so fires after 1 ms) would end the call first
        await new Promise((r) => setTimeout(r, 5));
        return {};
      },
    });
    let channel: Channel;
    before(async () => {
      const { port } = await server.listen("xtmp://127.0.0.1:0");
      channel = createChannel(`xtmp://127.0.0.1:${port}`, { serverKey: id.publicKey });
    });
    after(() => {
      channel.close();
      server.forceShutdown();
    });

    it("a call with a 30-day deadline completes normally and the handler sees its deadline 30 days out", async () => {
      const client = createClient(TestServiceDefinition, channel);
      const before = Date.now();
      await within(client.emptyCall({}, { deadline: 30 * DAY }), "30-day call");
      const deadline = seen.at(-1) as number;
      expect(deadline).to.be.a("number");
      expect(deadline - before).to.be.within(30 * DAY - 60_000, 30 * DAY + 60_000);
    });

    it("a server stream with a deadline 25 days and one hour out (a Date) delivers every message with status OK", async () => {
      const client = createClient(TestServiceDefinition, channel);
      const params = Array.from({ length: 3 }, () => ({ size: 10, intervalUs: 2000 }));
      let n = 0;
      const stream = client.streamingOutputCall({ responseParameters: params }, { deadline: new Date(Date.now() + 25 * DAY + 3_600_000) });
      await within(
        (async () => {
          for await (const _ of stream) n++;
        })(),
        "25-day stream",
      );
      expect(n).to.equal(3);
    });

    it("a deadline beyond 2^32-1 ms is sent clamped and the handler sees about 49.7 days", async () => {
      const client = createClient(TestServiceDefinition, channel);
      const before = Date.now();
      await within(client.emptyCall({}, { deadline: 365 * DAY }), "one-year call");
      expect((seen.at(-1) as number) - before).to.be.within(MAX_TIMEOUT_MS - 60_000, MAX_TIMEOUT_MS + 60_000);
    });

    /** Sends EmptyCall with the given `:timeout` on a raw stream; resolves with the status it ends with. */
    const rawEmptyCall = (timeout: string) => rawCall(channel, TestServiceDefinition.methods.emptyCall.path, new Uint8Array(0), 0, [[":timeout", timeout]]);

    it("a malformed :timeout ends the call with INTERNAL \"malformed :timeout\" before the handler runs", async () => {
      const calls = seen.length;
      for (const bad of ["", "+100", "abc", "99999999999", "4294967296", "1.5"]) {
        const r = await within(rawEmptyCall(bad), `:timeout ${JSON.stringify(bad)}`);
        expect(r, JSON.stringify(bad)).to.deep.equal({ code: Code.INTERNAL, message: "malformed :timeout" });
      }
      expect(seen.length).to.equal(calls);
      expect(await within(rawEmptyCall("60000"), "well-formed :timeout")).to.deep.equal({ code: Code.OK, message: "" });
      expect(seen.length).to.equal(calls + 1);
    });

    it("a NaN deadline fails locally with INVALID_ARGUMENT", async () => {
      const client = createClient(TestServiceDefinition, channel);
      const err = await client.emptyCall({}, { deadline: Number.NaN }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect((err as { code?: number }).code).to.equal(Code.INVALID_ARGUMENT);
    });
  });
});
