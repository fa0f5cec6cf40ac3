// W3C traceparent/tracestate parsing: valid headers give a remote span context; anything malformed (hostile) gives none, never an exception.
import { expect } from "chai";
import fc from "fast-check";
import { formatTraceParent, MAX_TRACESTATE_LENGTH, parseTraceParent } from "../../src/tracing/trace-context.js";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN = "00f067aa0ba902b7";

describe("trace context (W3C)", () => {
  it("parses the specification's example and formats it back", () => {
    const sc = parseTraceParent(`00-${TRACE}-${SPAN}-01`, "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7");
    expect(sc).to.include({ traceId: TRACE, spanId: SPAN, traceFlags: 1, isRemote: true });
    expect(sc?.traceState?.get("congo")).to.equal("t61rcWkgMzE");
    expect(formatTraceParent(sc as NonNullable<typeof sc>)).to.equal(`00-${TRACE}-${SPAN}-01`);
  });

  it("rejects version ff, all-zero ids, uppercase hex, wrong lengths and separators; accepts a future version with extra fields", () => {
    for (const bad of [
      `ff-${TRACE}-${SPAN}-01`,
      `00-${"0".repeat(32)}-${SPAN}-01`,
      `00-${TRACE}-${"0".repeat(16)}-01`,
      `00-${TRACE.toUpperCase()}-${SPAN}-01`,
      `00-${TRACE}-${SPAN}-01-extra`,
      `00-${TRACE}-${SPAN}-1`,
      `00_${TRACE}-${SPAN}-01`,
      `0g-${TRACE}-${SPAN}-01`,
      "",
    ])
      expect(parseTraceParent(bad), bad).to.equal(undefined);
    expect(parseTraceParent(`01-${TRACE}-${SPAN}-01-future`)).to.include({ traceId: TRACE });
    expect(parseTraceParent(`01-${TRACE}-${SPAN}-01xfuture`)).to.equal(undefined);
    expect(parseTraceParent(new Uint8Array(55))).to.equal(undefined);
  });

  it("keeps only the sampled flag, and ignores a tracestate over the length limit", () => {
    expect(parseTraceParent(`00-${TRACE}-${SPAN}-ff`)?.traceFlags).to.equal(1);
    const long = `a=${"b".repeat(MAX_TRACESTATE_LENGTH)}`;
    expect(parseTraceParent(`00-${TRACE}-${SPAN}-00`, long)?.traceState).to.equal(undefined);
  });

  it("random strings and tracestates never throw", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.string({ maxLength: 600 }), (tp, ts) => {
        parseTraceParent(tp, ts);
        parseTraceParent(`00-${TRACE}-${SPAN}-01`, ts);
      }),
      { numRuns: 2_000 },
    );
  });
});
