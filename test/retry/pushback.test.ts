// Server pushback (`grpc-retry-pushback-ms`) parsing: none, a delay, or stop for anything else.
import { expect } from "chai";
import { parsePushback, parsePushbackValues, PUSHBACK_KEY, type Pushback } from "../../src/retry/pushback.js";

describe("retry/pushback", () => {
  it("uses the gRPC trailer key", () => {
    expect(PUSHBACK_KEY).to.equal("grpc-retry-pushback-ms");
  });

  const table: Array<[string | undefined, Pushback]> = [
    [undefined, { kind: "none" }],
    ["0", { kind: "delay", ms: 0 }],
    ["100", { kind: "delay", ms: 100 }],
    ["007", { kind: "delay", ms: 7 }],
    ["2147483647", { kind: "delay", ms: 2147483647 }],
    ["2147483648", { kind: "stop" }],
    ["9999999999", { kind: "stop" }],
    ["99999999999999999999", { kind: "stop" }],
    ["-1", { kind: "stop" }],
    ["-0", { kind: "stop" }],
    ["", { kind: "stop" }],
    ["abc", { kind: "stop" }],
    ["1.5", { kind: "stop" }],
    ["1e3", { kind: "stop" }],
    ["0x10", { kind: "stop" }],
    ["+5", { kind: "stop" }],
    [" 100", { kind: "stop" }],
    ["100 ", { kind: "stop" }],
    ["100,200", { kind: "stop" }],
    ["Infinity", { kind: "stop" }],
    ["１２", { kind: "stop" }],
  ];
  for (const [value, expected] of table) {
    it(`${JSON.stringify(value) ?? "undefined"} → ${expected.kind}${expected.kind === "delay" ? ` ${expected.ms}` : ""}`, () => {
      expect(parsePushback(value)).to.deep.equal(expected);
    });
  }

  it("a huge value is stop", () => {
    expect(parsePushback("1".repeat(1_000_000))).to.deep.equal({ kind: "stop" });
  });

  it("several values under the key are stop; none is none; one is parsed", () => {
    expect(parsePushbackValues([])).to.deep.equal({ kind: "none" });
    expect(parsePushbackValues(["250"])).to.deep.equal({ kind: "delay", ms: 250 });
    expect(parsePushbackValues(["-5"])).to.deep.equal({ kind: "stop" });
    expect(parsePushbackValues(["250", "250"])).to.deep.equal({ kind: "stop" });
  });
});
