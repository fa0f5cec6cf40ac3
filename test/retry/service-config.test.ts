// Service-config parsing: accepted and rejected configs, method lookup precedence, caps, durations and load-balancing selection.
import { expect } from "chai";
import { Code } from "../../src/status/code.js";
import { XtmpError } from "../../src/status/error.js";
import {
  MAX_ATTEMPTS_CAP,
  MAX_METHOD_CONFIG_NAMES,
  MAX_SERVICE_CONFIG_LENGTH,
  parseDurationMs,
  parseServiceConfig,
  type ServiceConfigInput,
} from "../../src/retry/service-config.js";

const RETRY = { maxAttempts: 3, initialBackoff: "0.1s", maxBackoff: "1s", backoffMultiplier: 2, retryableStatusCodes: ["UNAVAILABLE"] };
const HEDGE = { maxAttempts: 3, hedgingDelay: "0.5s", nonFatalStatusCodes: ["UNAVAILABLE"] };

/** A config with one method config for service pkg.S carrying `fields`. */
function method(fields: Record<string, unknown>): Record<string, unknown> {
  return { methodConfig: [{ name: [{ service: "pkg.S" }], ...fields }] };
}
const retry = (patch: Record<string, unknown>) => method({ retryPolicy: { ...RETRY, ...patch } });
const hedge = (patch: Record<string, unknown>) => method({ hedgingPolicy: { ...HEDGE, ...patch } });

/** The INVALID_ARGUMENT error parsing `input` throws (fails the test if it parses). */
function rejection(input: ServiceConfigInput): XtmpError {
  try {
    parseServiceConfig(input);
  } catch (err) {
    if (err instanceof XtmpError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(input).slice(0, 100)} to be rejected`);
}

describe("retry/service-config", () => {
  describe("rejects, naming the bad field", () => {
    const cases: Array<[string, ServiceConfigInput, string]> = [
      ["invalid JSON text", "{ methodConfig: ", "not valid JSON"],
      ["a top-level array", "[]", "top level"],
      ["a top-level null", "null", "top level"],
      ["methodConfig not an array", { methodConfig: {} }, "methodConfig must be an array"],
      ["a method config that is not an object", { methodConfig: [5] }, "methodConfig[0] must be an object"],
      ["a missing name", { methodConfig: [{ waitForReady: true }] }, "methodConfig[0].name"],
      ["an empty name list", { methodConfig: [{ name: [] }] }, "methodConfig[0].name"],
      ["a name that is not an object", { methodConfig: [{ name: ["pkg.S"] }] }, "methodConfig[0].name[0]"],
      ["method without service", { methodConfig: [{ name: [{ method: "Get" }] }] }, "methodConfig[0].name[0].method is set without a service"],
      ["a non-string service", { methodConfig: [{ name: [{ service: 5 }] }] }, "methodConfig[0].name[0].service"],
      ["a non-string method", { methodConfig: [{ name: [{ service: "pkg.S", method: ["Get"] }] }] }, "methodConfig[0].name[0].method"],
      ["a slash in a service", { methodConfig: [{ name: [{ service: "pkg/S" }] }] }, "methodConfig[0].name[0].service"],
      ["a name repeated across configs", { methodConfig: [{ name: [{ service: "pkg.S", method: "Get" }] }, { name: [{ service: "x.T" }, { service: "pkg.S", method: "Get" }] }] }, "methodConfig[1].name[1] repeats"],
      ["a service name repeated", { methodConfig: [{ name: [{ service: "pkg.S" }, { service: "pkg.S", method: "" }] }] }, "methodConfig[0].name[1] repeats"],
      ["two default entries", { methodConfig: [{ name: [{}] }, { name: [{ service: "" }] }] }, "methodConfig[1].name[0] is a second default"],
      ["a non-boolean waitForReady", method({ waitForReady: "yes" }), "methodConfig[0].waitForReady"],
      ["a timeout without unit", method({ timeout: "5" }), "methodConfig[0].timeout"],
      ["a zero timeout", method({ timeout: "0s" }), "methodConfig[0].timeout must be greater than 0s"],
      ["both policies", method({ retryPolicy: RETRY, hedgingPolicy: HEDGE }), "methodConfig[0] sets both retryPolicy and hedgingPolicy"],
      ["a retryPolicy that is not an object", method({ retryPolicy: [] }), "methodConfig[0].retryPolicy must be an object"],
      ["maxAttempts 1", retry({ maxAttempts: 1 }), "retryPolicy.maxAttempts must be an integer greater than 1"],
      ["a fractional maxAttempts", retry({ maxAttempts: 2.5 }), "retryPolicy.maxAttempts"],
      ["a string maxAttempts", retry({ maxAttempts: "3" }), "retryPolicy.maxAttempts"],
      ["a missing maxAttempts", retry({ maxAttempts: undefined }), "retryPolicy.maxAttempts is required"],
      ["a missing initialBackoff", retry({ initialBackoff: undefined }), "retryPolicy.initialBackoff is required"],
      ["an initialBackoff without unit", retry({ initialBackoff: "1" }), "retryPolicy.initialBackoff must be a duration"],
      ["a zero initialBackoff", retry({ initialBackoff: "0s" }), "retryPolicy.initialBackoff must be greater than 0s"],
      ["a numeric maxBackoff", retry({ maxBackoff: 1 }), "retryPolicy.maxBackoff must be a duration"],
      ["a missing maxBackoff", retry({ maxBackoff: undefined }), "retryPolicy.maxBackoff is required"],
      ["a missing backoffMultiplier", retry({ backoffMultiplier: undefined }), "retryPolicy.backoffMultiplier is required"],
      ["a zero backoffMultiplier", retry({ backoffMultiplier: 0 }), "retryPolicy.backoffMultiplier must be a number greater than 0"],
      ["a string backoffMultiplier", retry({ backoffMultiplier: "2" }), "retryPolicy.backoffMultiplier"],
      ["an infinite backoffMultiplier", retry({ backoffMultiplier: Infinity }), "retryPolicy.backoffMultiplier"],
      ["missing retryableStatusCodes", retry({ retryableStatusCodes: undefined }), "retryPolicy.retryableStatusCodes is required"],
      ["empty retryableStatusCodes", retry({ retryableStatusCodes: [] }), "retryPolicy.retryableStatusCodes must not be empty"],
      ["retryableStatusCodes not an array", retry({ retryableStatusCodes: "UNAVAILABLE" }), "retryPolicy.retryableStatusCodes must be an array"],
      ["OK as a retryable name", retry({ retryableStatusCodes: ["UNAVAILABLE", "ok"] }), "retryPolicy.retryableStatusCodes[1] must not be OK"],
      ["OK as a retryable number", retry({ retryableStatusCodes: [0] }), "retryPolicy.retryableStatusCodes[0] must not be OK"],
      ["code 17", retry({ retryableStatusCodes: [17] }), "retryPolicy.retryableStatusCodes[0]"],
      ["a fractional code", retry({ retryableStatusCodes: [1.5] }), "retryPolicy.retryableStatusCodes[0]"],
      ["an unknown code name", retry({ retryableStatusCodes: ["UNAVAILABLE", "NOPE"] }), "retryPolicy.retryableStatusCodes[1]"],
      ["a code given as a numeric string", retry({ retryableStatusCodes: ["14"] }), "retryPolicy.retryableStatusCodes[0]"],
      ["a prototype key as a code name", retry({ retryableStatusCodes: ["constructor"] }), "retryPolicy.retryableStatusCodes[0]"],
      ["a boolean code", retry({ retryableStatusCodes: [true] }), "retryPolicy.retryableStatusCodes[0]"],
      ["a huge code list", retry({ retryableStatusCodes: new Array(101).fill(14) }), "retryPolicy.retryableStatusCodes has 101 entries"],
      ["hedging maxAttempts 1", hedge({ maxAttempts: 1 }), "hedgingPolicy.maxAttempts must be an integer greater than 1"],
      ["a missing hedging maxAttempts", hedge({ maxAttempts: undefined }), "hedgingPolicy.maxAttempts is required"],
      ["a negative hedgingDelay", hedge({ hedgingDelay: "-1s" }), "hedgingPolicy.hedgingDelay"],
      ["OK as a non-fatal code", hedge({ nonFatalStatusCodes: ["OK"] }), "hedgingPolicy.nonFatalStatusCodes[0] must not be OK"],
      ["retryThrottling not an object", { retryThrottling: 10 }, "retryThrottling must be an object"],
      ["maxTokens 0", { retryThrottling: { maxTokens: 0, tokenRatio: 1 } }, "retryThrottling.maxTokens"],
      ["maxTokens above 1000", { retryThrottling: { maxTokens: 1000.5, tokenRatio: 1 } }, "retryThrottling.maxTokens"],
      ["a string maxTokens", { retryThrottling: { maxTokens: "10", tokenRatio: 1 } }, "retryThrottling.maxTokens"],
      ["a maxTokens truncated to 0", { retryThrottling: { maxTokens: 0.0009, tokenRatio: 1 } }, "retryThrottling.maxTokens must be at least 0.001"],
      ["a missing maxTokens", { retryThrottling: { tokenRatio: 1 } }, "retryThrottling.maxTokens"],
      ["tokenRatio 0", { retryThrottling: { maxTokens: 10, tokenRatio: 0 } }, "retryThrottling.tokenRatio"],
      ["a negative tokenRatio", { retryThrottling: { maxTokens: 10, tokenRatio: -1 } }, "retryThrottling.tokenRatio"],
      ["a tokenRatio truncated to 0", { retryThrottling: { maxTokens: 10, tokenRatio: 0.0009 } }, "retryThrottling.tokenRatio must be at least 0.001"],
      ["an unknown loadBalancingPolicy", { loadBalancingPolicy: "random" }, "loadBalancingPolicy must be one of"],
      ["a non-string loadBalancingPolicy", { loadBalancingPolicy: 1 }, "loadBalancingPolicy"],
      ["loadBalancingConfig not an array", { loadBalancingConfig: { round_robin: {} } }, "loadBalancingConfig must be an array"],
      ["loadBalancingConfig with no supported policy", { loadBalancingConfig: [{ grpclb: {} }, { xds_wrr: {} }] }, "loadBalancingConfig names no supported policy"],
      ["an empty loadBalancingConfig", { loadBalancingConfig: [] }, "loadBalancingConfig names no supported policy"],
      ["a loadBalancingConfig entry with two names", { loadBalancingConfig: [{ round_robin: {}, pick_first: {} }] }, "loadBalancingConfig[0] must be an object with exactly one policy name"],
      ["a loadBalancingConfig entry that is not an object", { loadBalancingConfig: ["round_robin"] }, "loadBalancingConfig[0]"],
      ["a policy config that is not an object", { loadBalancingConfig: [{ grpclb: {} }, { round_robin: true }] }, "loadBalancingConfig[1].round_robin must be an object"],
      ["a field set under both spellings", { methodConfig: [], method_config: [] }, "methodConfig and method_config are both set"],
    ];
    for (const [title, input, expected] of cases) {
      it(title, () => {
        const err = rejection(input);
        expect(err.code).to.equal(Code.INVALID_ARGUMENT);
        expect(err.rawMessage).to.include(expected);
      });
    }

    it("a JSON text longer than the limit, without parsing it", () => {
      const err = rejection(" ".repeat(MAX_SERVICE_CONFIG_LENGTH + 1));
      expect(err.rawMessage).to.include(`more than the limit of ${MAX_SERVICE_CONFIG_LENGTH}`);
    });

    it("more than 10,000 method names, in one config or across configs, and says so", () => {
      const names = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => ({ service: `${prefix}${i}` }));
      expect(MAX_METHOD_CONFIG_NAMES).to.equal(10_000);
      expect(rejection({ methodConfig: [{ name: names(10_001, "s") }] }).rawMessage).to.include("methodConfig[0].name has 10001 entries, more than the limit of 10000");
      const split = { methodConfig: [{ name: names(5_000, "a") }, { name: names(5_001, "b") }] };
      expect(rejection(split).rawMessage).to.include("more than the limit of 10000 names");
      const many = { methodConfig: Array.from({ length: 10_001 }, (_, i) => ({ name: [{ service: `s${i}` }] })) };
      expect(rejection(many).rawMessage).to.include("methodConfig has 10001 entries");
      const atLimit = parseServiceConfig(JSON.stringify({ methodConfig: [{ name: names(5_000, "a"), timeout: "1s" }, { name: names(5_000, "b"), timeout: "2s" }] }));
      expect(atLimit.methodConfig("/b4999/M")?.timeoutMs).to.equal(2000);
    });

    it("a hostile value is shown shortened in the message", () => {
      const err = rejection(method({ timeout: "x".repeat(100_000) }));
      expect(err.rawMessage).to.include("methodConfig[0].timeout");
      expect(err.rawMessage.length).to.be.below(300);
    });
  });

  describe("accepts", () => {
    it("an empty config: no policy, no throttling, no method config", () => {
      const config = parseServiceConfig("{}");
      expect(config.loadBalancingPolicy).to.equal(undefined);
      expect(config.retryThrottling).to.equal(undefined);
      expect(config.methodConfig("/pkg.S/Get")).to.equal(undefined);
    });

    it("a full retry config, as JSON text or as an object, with the parsed values", () => {
      const input = {
        loadBalancingPolicy: "round_robin",
        retryThrottling: { maxTokens: 10, tokenRatio: 0.1 },
        methodConfig: [{ name: [{ service: "pkg.S", method: "Get" }], waitForReady: true, timeout: "1.5s", retryPolicy: { ...RETRY, retryableStatusCodes: ["unavailable", 4, "Aborted", 14] } }],
      };
      for (const config of [parseServiceConfig(input), parseServiceConfig(JSON.stringify(input))]) {
        expect(config.loadBalancingPolicy).to.equal("round_robin");
        expect(config.retryThrottling).to.deep.equal({ maxTokens: 10, tokenRatio: 0.1 });
        const m = config.methodConfig("/pkg.S/Get");
        expect(m?.waitForReady).to.equal(true);
        expect(m?.timeoutMs).to.equal(1500);
        expect(m?.hedgingPolicy).to.equal(undefined);
        const p = m?.retryPolicy;
        expect([p?.maxAttempts, p?.initialBackoffMs, p?.maxBackoffMs, p?.backoffMultiplier]).to.deep.equal([3, 100, 1000, 2]);
        expect([...(p?.retryableStatusCodes ?? [])].sort((a, b) => a - b)).to.deep.equal([Code.DEADLINE_EXCEEDED, Code.ABORTED, Code.UNAVAILABLE]);
      }
    });

    it("a hedging policy with its defaults (no delay, no non-fatal codes)", () => {
      const h = parseServiceConfig(method({ hedgingPolicy: { maxAttempts: 4 } })).methodConfig("/pkg.S/X")?.hedgingPolicy;
      expect(h?.maxAttempts).to.equal(4);
      expect(h?.hedgingDelayMs).to.equal(0);
      expect(h?.nonFatalStatusCodes.size).to.equal(0);
      const full = parseServiceConfig(hedge({ nonFatalStatusCodes: [14, "INTERNAL"] })).methodConfig("/pkg.S/X")?.hedgingPolicy;
      expect(full?.hedgingDelayMs).to.equal(500);
      expect([...(full?.nonFatalStatusCodes ?? [])].sort((a, b) => a - b)).to.deep.equal([Code.INTERNAL, Code.UNAVAILABLE]);
      expect(parseServiceConfig(hedge({ hedgingDelay: "0s" })).methodConfig("/pkg.S/X")?.hedgingPolicy?.hedgingDelayMs).to.equal(0);
    });

    it("maxAttempts above 5 is lowered to 5 silently, for retries and hedging", () => {
      expect(MAX_ATTEMPTS_CAP).to.equal(5);
      const attempts = (n: number) => parseServiceConfig(retry({ maxAttempts: n })).methodConfig("/pkg.S/X")?.retryPolicy?.maxAttempts;
      expect([2, 5, 6, 1_000_000].map(attempts)).to.deep.equal([2, 5, 5, 5]);
      expect(parseServiceConfig(hedge({ maxAttempts: 9 })).methodConfig("/pkg.S/X")?.hedgingPolicy?.maxAttempts).to.equal(5);
    });

    it("proto field names (snake_case) as well as JSON names", () => {
      const config = parseServiceConfig({
        load_balancing_policy: "least_request",
        retry_throttling: { max_tokens: 5, token_ratio: 0.5 },
        method_config: [{ name: [{ service: "pkg.S" }], wait_for_ready: false, retry_policy: { max_attempts: 4, initial_backoff: "1s", max_backoff: "2s", backoff_multiplier: 1.5, retryable_status_codes: ["ABORTED"] } }],
      });
      expect(config.loadBalancingPolicy).to.equal("least_request");
      expect(config.retryThrottling).to.deep.equal({ maxTokens: 5, tokenRatio: 0.5 });
      expect(config.methodConfig("/pkg.S/A")?.waitForReady).to.equal(false);
      expect(config.methodConfig("/pkg.S/A")?.retryPolicy?.maxAttempts).to.equal(4);
    });

    it("unknown top-level and nested fields are ignored; null fields count as absent", () => {
      const config = parseServiceConfig({ healthCheckConfig: { serviceName: "x" }, future: [1, 2], methodConfig: [{ name: [{ service: "pkg.S" }], maxRequestMessageBytes: 5, timeout: null, retryPolicy: { ...RETRY, extra: true }, hedgingPolicy: null }] });
      const m = config.methodConfig("/pkg.S/A");
      expect(m?.timeoutMs).to.equal(undefined);
      expect(m?.retryPolicy?.maxAttempts).to.equal(3);
    });

    it("tokenRatio and maxTokens are truncated (not rounded) to 3 decimals", () => {
      const ratio = (r: number) => parseServiceConfig({ retryThrottling: { maxTokens: 10, tokenRatio: r } }).retryThrottling?.tokenRatio;
      expect([0.1239, 0.5559, 1.001, 1.013, 1, 2.0001, 0.001].map(ratio)).to.deep.equal([0.123, 0.555, 1.001, 1.013, 1, 2, 0.001]);
      const maxTokens = (m: number) => parseServiceConfig({ retryThrottling: { maxTokens: m, tokenRatio: 1 } }).retryThrottling?.maxTokens;
      expect([1000, 10.0009, 1.013].map(maxTokens), "maxTokens too").to.deep.equal([1000, 10, 1.013]);
    });
  });

  describe("method lookup", () => {
    const config = parseServiceConfig({
      methodConfig: [
        { name: [{ service: "pkg.S" }], timeout: "2s" },
        { name: [{}], timeout: "1s" },
        { name: [{ service: "pkg.S", method: "Get" }, { service: "pkg.T", method: "Only" }], timeout: "3s" },
      ],
    });

    it("prefers the exact method over the service over the default entry", () => {
      expect(config.methodConfig("/pkg.S/Get")?.timeoutMs).to.equal(3000);
      expect(config.methodConfig("/pkg.S/Put")?.timeoutMs).to.equal(2000);
      expect(config.methodConfig("/pkg.T/Only")?.timeoutMs).to.equal(3000);
      expect(config.methodConfig("/pkg.T/Other")?.timeoutMs).to.equal(1000);
      expect(config.methodConfig("/x.Y/Z")?.timeoutMs).to.equal(1000);
    });

    it("matches names exactly (case-sensitive, whole service) and gives malformed paths the default", () => {
      expect(config.methodConfig("/pkg.S/get")?.timeoutMs).to.equal(2000);
      expect(config.methodConfig("/pkg.s/Get")?.timeoutMs).to.equal(1000);
      expect(config.methodConfig("/pkg.SS/Get")?.timeoutMs).to.equal(1000);
      expect(config.methodConfig("pkg.S/Get")?.timeoutMs).to.equal(1000);
      expect(config.methodConfig("")?.timeoutMs).to.equal(1000);
    });

    it("without a default entry, an unnamed method has no config", () => {
      const noDefault = parseServiceConfig({ methodConfig: [{ name: [{ service: "pkg.S", method: "Get" }], timeout: "3s" }] });
      expect(noDefault.methodConfig("/pkg.S/Get")?.timeoutMs).to.equal(3000);
      expect(noDefault.methodConfig("/pkg.S/Put")).to.equal(undefined);
      expect(noDefault.methodConfig("/x.Y/Z")).to.equal(undefined);
    });

    it("an empty service string is the default entry, an empty method the whole service", () => {
      const c = parseServiceConfig({ methodConfig: [{ name: [{ service: "" }], timeout: "1s" }, { name: [{ service: "pkg.S", method: "" }], timeout: "2s" }] });
      expect(c.methodConfig("/a.B/C")?.timeoutMs).to.equal(1000);
      expect(c.methodConfig("/pkg.S/C")?.timeoutMs).to.equal(2000);
    });
  });

  describe("durations", () => {
    const ok: Array<[string, number]> = [
      ["1s", 1000],
      ["0.000000001s", 0.000001],
      ["1.5s", 1500],
      ["0.1s", 100],
      ["0.100s", 100],
      [".25s", 250],
      ["0s", 0],
      ["315576000000s", 315_576_000_000_000],
    ];
    for (const [text, ms] of ok) {
      it(`accepts ${JSON.stringify(text)} as ${ms} ms`, () => expect(parseDurationMs(text, "d", false)).to.equal(ms));
    }
    const bad: unknown[] = ["1", "-1s", "1.5", "s", "1e3s", "1.s", ".s", "1.0000000001s", " 1s", "1s ", "1S", "0x1s", "Infinitys", "NaNs", "+1s", "1,5s", "315576000000.5s", "315576000001s", "9999999999999s", "", 1, true, {}, null];
    for (const value of bad) {
      it(`rejects ${JSON.stringify(value)}`, () => {
        expect(() => parseDurationMs(value, "x.timeout", false))
          .to.throw(XtmpError)
          .with.property("rawMessage")
          .that.includes("x.timeout");
      });
    }
    it("rejects 0s where a positive duration is required", () => {
      expect(() => parseDurationMs("0.000000000s", "x.initialBackoff", true)).to.throw(XtmpError, "x.initialBackoff must be greater than 0s");
      expect(parseDurationMs("0.000000001s", "x.initialBackoff", true)).to.equal(0.000001);
    });
  });

  describe("load balancing", () => {
    const lb = (input: Record<string, unknown>) => parseServiceConfig(input).loadBalancingPolicy;

    it("loadBalancingPolicy names a policy, case-insensitively", () => {
      expect(lb({ loadBalancingPolicy: "pick_first" })).to.equal("pick_first");
      expect(lb({ loadBalancingPolicy: "ROUND_ROBIN" })).to.equal("round_robin");
      expect(lb({ loadBalancingPolicy: "least_request" })).to.equal("least_request");
    });

    it("loadBalancingConfig: the first supported entry wins, unknown ones are skipped", () => {
      expect(lb({ loadBalancingConfig: [{ round_robin: {} }, { pick_first: {} }] })).to.equal("round_robin");
      expect(lb({ loadBalancingConfig: [{ grpclb: { childPolicy: [] } }, { weighted_round_robin: {} }, { least_request: { choiceCount: 2 } }, { round_robin: {} }] })).to.equal("least_request");
      expect(lb({ loadBalancingConfig: [{ pick_first: { shuffleAddressList: true } }] })).to.equal("pick_first");
    });

    it("loadBalancingConfig takes precedence over loadBalancingPolicy", () => {
      expect(lb({ loadBalancingPolicy: "pick_first", loadBalancingConfig: [{ round_robin: {} }] })).to.equal("round_robin");
    });
  });
});
