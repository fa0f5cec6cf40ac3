// Service config: validates gRPC's service-config JSON (method configs, retry and hedging policies, retry throttling, load balancing).
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";

/** gRFC A6 retry policy of a method: retry failed attempts with randomized exponential backoff. */
export interface RetryPolicy {
  /** Attempts including the first one, 2..MAX_ATTEMPTS_CAP. */
  readonly maxAttempts: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly backoffMultiplier: number;
  /** Statuses that make an attempt retryable (never OK). */
  readonly retryableStatusCodes: ReadonlySet<Code>;
}

/** gRFC A6 hedging policy of a method: send up to maxAttempts copies, hedgingDelayMs apart. */
export interface HedgingPolicy {
  /** Copies including the first one, 2..MAX_ATTEMPTS_CAP. */
  readonly maxAttempts: number;
  readonly hedgingDelayMs: number;
  /** Statuses after which the other copies continue (any other status ends the call). */
  readonly nonFatalStatusCodes: ReadonlySet<Code>;
}

/** What the service config says about one method (or service, or all methods). */
export interface MethodConfig {
  readonly waitForReady?: boolean;
  readonly timeoutMs?: number;
  readonly retryPolicy?: RetryPolicy;
  readonly hedgingPolicy?: HedgingPolicy;
}

/** gRFC A6 retry throttling: a per-channel token bucket. */
export interface RetryThrottlingConfig {
  readonly maxTokens: number;
  readonly tokenRatio: number;
}

export type LoadBalancingPolicy = "pick_first" | "round_robin" | "least_request";

/** A validated service config. */
export interface ServiceConfig {
  readonly loadBalancingPolicy: LoadBalancingPolicy | undefined;
  readonly retryThrottling: RetryThrottlingConfig | undefined;
  /** The config of a method path `/pkg.Service/Method`: exact {service, method} match, else {service} only, else the default entry (name [{}]), else undefined. */
  methodConfig(path: string): MethodConfig | undefined;
}

/** Service-config JSON text, or the parsed object. */
export type ServiceConfigInput = string | Readonly<Record<string, unknown>>;

/** Largest maxAttempts of a retry or hedging policy; larger values are lowered to it (as gRPC does). */
export const MAX_ATTEMPTS_CAP = 5;
/** Most method names (`name` entries) across all method configs. */
export const MAX_METHOD_CONFIG_NAMES = 10_000;
/** Longest service-config JSON text, in characters (4 Mi). */
export const MAX_SERVICE_CONFIG_LENGTH = 4 * 1024 * 1024;
/** Most entries of a status-code list or of `loadBalancingConfig`. */
export const MAX_LIST_ENTRIES = 100;

const LB_POLICIES: readonly LoadBalancingPolicy[] = ["pick_first", "round_robin", "least_request"];
/** Largest proto Duration, in seconds (10,000 years). */
const MAX_DURATION_SECONDS = 315_576_000_000;
/** Proto-JSON duration: seconds with up to 9 fractional digits and an `s` suffix ("1.5s", "0.000000001s"). */
const DURATION = /^(\d{0,12})(?:\.(\d{1,9}))?s$/;

type Json = Readonly<Record<string, unknown>>;

function fail(message: string): never {
  throw new XtmpError(Code.INVALID_ARGUMENT, `invalid service config: ${message}`);
}

/** A short rendering of a user value for error messages (hostile input must not make a huge message). */
function show(value: unknown): string {
  let text: string;
  try {
    text = value === undefined ? "undefined" : (JSON.stringify(value) ?? String(value));
  } catch {
    text = typeof value;
  }
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The own field `name` of `obj` (also under its proto field name, e.g. `max_attempts`, as proto JSON
 * allows); null counts as absent, as in proto JSON.
 */
function field(obj: Json, name: string, path: string): unknown {
  const snake = name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  const camel = Object.hasOwn(obj, name) ? obj[name] : undefined;
  const proto = snake !== name && Object.hasOwn(obj, snake) ? obj[snake] : undefined;
  if (camel !== undefined && camel !== null && proto !== undefined && proto !== null) fail(`${path}${name} and ${path}${snake} are both set`);
  return camel ?? proto ?? undefined;
}

/** Truncates `x` (≥ 0) to whole thousandths on its shortest decimal form, so 0.57 gives 570 (not 569). */
export function thousandths(x: number): number {
  const text = String(x);
  if (text.includes("e")) return x < 1 ? 0 : Math.trunc(x) * 1000; // below 1e-6, or at least 1e21
  const [whole = "0", frac = ""] = text.split(".");
  return Number(whole) * 1000 + Number(frac.slice(0, 3).padEnd(3, "0"));
}

/** Milliseconds of a proto-JSON duration string; `positive` rejects "0s". */
export function parseDurationMs(value: unknown, path: string, positive: boolean): number {
  const m = typeof value === "string" && value.length <= 32 ? DURATION.exec(value) : null;
  if (m === null || (m[1] === "" && m[2] === undefined)) {
    fail(`${path} must be a duration string of seconds with up to 9 decimals and an "s" suffix (e.g. "1.5s"), got ${show(value)}`);
  }
  const seconds = m[1] === "" ? 0 : Number(m[1]);
  const nanos = m[2] === undefined ? 0 : Number(m[2].padEnd(9, "0"));
  if (seconds > MAX_DURATION_SECONDS || (seconds === MAX_DURATION_SECONDS && nanos > 0)) fail(`${path} must be at most ${MAX_DURATION_SECONDS}s, got ${show(value)}`);
  if (positive && seconds === 0 && nanos === 0) fail(`${path} must be greater than 0s, got ${show(value)}`);
  return seconds * 1000 + nanos / 1e6;
}

function parseCodes(value: unknown, path: string, nonEmpty: boolean): ReadonlySet<Code> {
  if (!Array.isArray(value)) fail(`${path} must be an array of status code names or numbers, got ${show(value)}`);
  if (nonEmpty && value.length === 0) fail(`${path} must not be empty`);
  if (value.length > MAX_LIST_ENTRIES) fail(`${path} has ${value.length} entries, more than the limit of ${MAX_LIST_ENTRIES}`);
  const codes = new Set<Code>();
  value.forEach((item: unknown, i) => {
    let code: number | undefined;
    if (typeof item === "number") code = Number.isInteger(item) && item >= 0 && item <= 16 ? item : undefined;
    else if (typeof item === "string") {
      const upper = item.toUpperCase();
      const found: unknown = Object.hasOwn(Code, upper) ? (Code as unknown as Json)[upper] : undefined;
      code = typeof found === "number" ? found : undefined;
    }
    if (code === undefined) fail(`${path}[${i}] must be a status code name (e.g. "UNAVAILABLE") or a number 1..16, got ${show(item)}`);
    if (code === Code.OK) fail(`${path}[${i}] must not be OK (it is not a failure)`);
    codes.add(code as Code);
  });
  return codes;
}

function parseMaxAttempts(value: unknown, path: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 2) fail(`${path} must be an integer greater than 1, got ${show(value)}`);
  return Math.min(value, MAX_ATTEMPTS_CAP);
}

function parseRetryPolicy(obj: unknown, path: string): RetryPolicy {
  if (!isObject(obj)) fail(`${path} must be an object, got ${show(obj)}`);
  const maxAttempts = field(obj, "maxAttempts", `${path}.`);
  if (maxAttempts === undefined) fail(`${path}.maxAttempts is required`);
  const initial = field(obj, "initialBackoff", `${path}.`);
  if (initial === undefined) fail(`${path}.initialBackoff is required`);
  const max = field(obj, "maxBackoff", `${path}.`);
  if (max === undefined) fail(`${path}.maxBackoff is required`);
  const multiplier = field(obj, "backoffMultiplier", `${path}.`);
  if (multiplier === undefined) fail(`${path}.backoffMultiplier is required`);
  if (typeof multiplier !== "number" || !Number.isFinite(multiplier) || multiplier <= 0) fail(`${path}.backoffMultiplier must be a number greater than 0, got ${show(multiplier)}`);
  const codes = field(obj, "retryableStatusCodes", `${path}.`);
  if (codes === undefined) fail(`${path}.retryableStatusCodes is required`);
  return Object.freeze({
    maxAttempts: parseMaxAttempts(maxAttempts, `${path}.maxAttempts`),
    initialBackoffMs: parseDurationMs(initial, `${path}.initialBackoff`, true),
    maxBackoffMs: parseDurationMs(max, `${path}.maxBackoff`, true),
    backoffMultiplier: multiplier,
    retryableStatusCodes: parseCodes(codes, `${path}.retryableStatusCodes`, true),
  });
}

function parseHedgingPolicy(obj: unknown, path: string): HedgingPolicy {
  if (!isObject(obj)) fail(`${path} must be an object, got ${show(obj)}`);
  const maxAttempts = field(obj, "maxAttempts", `${path}.`);
  if (maxAttempts === undefined) fail(`${path}.maxAttempts is required`);
  const delay = field(obj, "hedgingDelay", `${path}.`);
  const codes = field(obj, "nonFatalStatusCodes", `${path}.`);
  return Object.freeze({
    maxAttempts: parseMaxAttempts(maxAttempts, `${path}.maxAttempts`),
    hedgingDelayMs: delay === undefined ? 0 : parseDurationMs(delay, `${path}.hedgingDelay`, false),
    nonFatalStatusCodes: codes === undefined ? new Set<Code>() : parseCodes(codes, `${path}.nonFatalStatusCodes`, false),
  });
}

/** A method name entry: service ("" = unset) and method ("" = unset); "/" is not allowed in either. */
function parseName(obj: unknown, path: string): { service: string; method: string } {
  if (!isObject(obj)) fail(`${path} must be an object like {"service": "pkg.Service", "method": "Method"}, got ${show(obj)}`);
  const names = { service: "", method: "" };
  for (const key of ["service", "method"] as const) {
    const value = field(obj, key, `${path}.`) ?? "";
    if (typeof value !== "string") fail(`${path}.${key} must be a string, got ${show(value)}`);
    if (value.includes("/")) fail(`${path}.${key} must not contain "/", got ${show(value)}`);
    names[key] = value;
  }
  if (names.service === "" && names.method !== "") fail(`${path}.method is set without a service`);
  return names;
}

function parseMethodConfig(obj: unknown, path: string): { names: Array<{ service: string; method: string }>; config: MethodConfig } {
  if (!isObject(obj)) fail(`${path} must be an object, got ${show(obj)}`);
  const nameList = field(obj, "name", `${path}.`);
  if (!Array.isArray(nameList) || nameList.length === 0) fail(`${path}.name must be a non-empty array of {service, method} objects, got ${show(nameList)}`);
  if (nameList.length > MAX_METHOD_CONFIG_NAMES) fail(`${path}.name has ${nameList.length} entries, more than the limit of ${MAX_METHOD_CONFIG_NAMES}`);
  const names = nameList.map((n: unknown, i) => parseName(n, `${path}.name[${i}]`));
  const config: { -readonly [K in keyof MethodConfig]: MethodConfig[K] } = {};
  const waitForReady = field(obj, "waitForReady", `${path}.`);
  if (waitForReady !== undefined) {
    if (typeof waitForReady !== "boolean") fail(`${path}.waitForReady must be true or false, got ${show(waitForReady)}`);
    config.waitForReady = waitForReady;
  }
  const timeout = field(obj, "timeout", `${path}.`);
  if (timeout !== undefined) config.timeoutMs = parseDurationMs(timeout, `${path}.timeout`, true);
  const retry = field(obj, "retryPolicy", `${path}.`);
  const hedging = field(obj, "hedgingPolicy", `${path}.`);
  if (retry !== undefined && hedging !== undefined) fail(`${path} sets both retryPolicy and hedgingPolicy (at most one is allowed)`);
  if (retry !== undefined) config.retryPolicy = parseRetryPolicy(retry, `${path}.retryPolicy`);
  if (hedging !== undefined) config.hedgingPolicy = parseHedgingPolicy(hedging, `${path}.hedgingPolicy`);
  return { names, config: Object.freeze(config) };
}

function parseThrottling(obj: unknown): RetryThrottlingConfig {
  if (!isObject(obj)) fail(`retryThrottling must be an object, got ${show(obj)}`);
  const maxTokens = field(obj, "maxTokens", "retryThrottling.");
  if (typeof maxTokens !== "number" || !(maxTokens > 0 && maxTokens <= 1000)) fail(`retryThrottling.maxTokens must be a number in (0, 1000], got ${show(maxTokens)}`);
  const tokenRatio = field(obj, "tokenRatio", "retryThrottling.");
  if (typeof tokenRatio !== "number" || !Number.isFinite(tokenRatio) || tokenRatio <= 0) fail(`retryThrottling.tokenRatio must be a number greater than 0, got ${show(tokenRatio)}`);
  const max = thousandths(maxTokens);
  if (max === 0) fail(`retryThrottling.maxTokens must be at least 0.001 (only 3 decimals are kept), got ${show(maxTokens)}`);
  const ratio = thousandths(tokenRatio);
  if (ratio === 0) fail(`retryThrottling.tokenRatio must be at least 0.001 (only 3 decimals are kept), got ${show(tokenRatio)}`);
  return Object.freeze({ maxTokens: max / 1000, tokenRatio: ratio / 1000 });
}

function parseLbPolicyName(value: unknown): LoadBalancingPolicy {
  const name = typeof value === "string" ? value.toLowerCase() : undefined;
  const policy = LB_POLICIES.find((p) => p === name);
  if (policy === undefined) fail(`loadBalancingPolicy must be one of ${LB_POLICIES.join(", ")}, got ${show(value)}`);
  return policy;
}

/** The first supported entry of `loadBalancingConfig` (unsupported ones are skipped). */
function parseLbConfig(value: unknown): LoadBalancingPolicy {
  if (!Array.isArray(value)) fail(`loadBalancingConfig must be an array like [{"round_robin": {}}], got ${show(value)}`);
  if (value.length > MAX_LIST_ENTRIES) fail(`loadBalancingConfig has ${value.length} entries, more than the limit of ${MAX_LIST_ENTRIES}`);
  for (let i = 0; i < value.length; i++) {
    const entry: unknown = value[i];
    const keys = isObject(entry) ? Object.keys(entry) : [];
    if (keys.length !== 1) fail(`loadBalancingConfig[${i}] must be an object with exactly one policy name, got ${show(entry)}`);
    const name = keys[0] as string;
    if (!isObject((entry as Json)[name])) fail(`loadBalancingConfig[${i}].${name} must be an object, got ${show((entry as Json)[name])}`);
    const policy = LB_POLICIES.find((p) => p === name);
    if (policy !== undefined) return policy;
  }
  fail(`loadBalancingConfig names no supported policy (supported: ${LB_POLICIES.join(", ")})`);
}

class ParsedServiceConfig implements ServiceConfig {
  constructor(
    readonly loadBalancingPolicy: LoadBalancingPolicy | undefined,
    readonly retryThrottling: RetryThrottlingConfig | undefined,
    /** Keyed by service, then method ("" = the whole service). */
    private readonly byService: ReadonlyMap<string, ReadonlyMap<string, MethodConfig>>,
    private readonly fallback: MethodConfig | undefined,
  ) {}

  methodConfig(path: string): MethodConfig | undefined {
    const slash = path.lastIndexOf("/");
    if (path.startsWith("/") && slash > 0) {
      const methods = this.byService.get(path.slice(1, slash));
      const found = methods?.get(path.slice(slash + 1)) ?? methods?.get("");
      if (found !== undefined) return found;
    }
    return this.fallback;
  }
}

/** Validates a service config; throws XtmpError(INVALID_ARGUMENT) naming the first bad field. */
export function parseServiceConfig(input: ServiceConfigInput): ServiceConfig {
  let root: unknown = input;
  if (typeof input === "string") {
    if (input.length > MAX_SERVICE_CONFIG_LENGTH) fail(`the JSON text has ${input.length} characters, more than the limit of ${MAX_SERVICE_CONFIG_LENGTH}`);
    try {
      root = JSON.parse(input);
    } catch (err) {
      throw new XtmpError(Code.INVALID_ARGUMENT, `invalid service config: not valid JSON (${err instanceof Error ? err.message.slice(0, 200) : "parse error"})`, { cause: err });
    }
  }
  if (!isObject(root)) fail(`the top level must be a JSON object, got ${show(root)}`);

  const lbConfig = field(root, "loadBalancingConfig", "");
  const lbPolicy = field(root, "loadBalancingPolicy", "");
  const fromPolicy = lbPolicy === undefined ? undefined : parseLbPolicyName(lbPolicy);
  const loadBalancing = lbConfig === undefined ? fromPolicy : parseLbConfig(lbConfig);
  const throttling = field(root, "retryThrottling", "");

  const byService = new Map<string, Map<string, MethodConfig>>();
  let fallback: MethodConfig | undefined;
  const list = field(root, "methodConfig", "") ?? [];
  if (!Array.isArray(list)) fail(`methodConfig must be an array, got ${show(list)}`);
  if (list.length > MAX_METHOD_CONFIG_NAMES) fail(`methodConfig has ${list.length} entries, more than the limit of ${MAX_METHOD_CONFIG_NAMES} names`);
  let nameCount = 0;
  list.forEach((item: unknown, i) => {
    const { names, config } = parseMethodConfig(item, `methodConfig[${i}]`);
    nameCount += names.length;
    if (nameCount > MAX_METHOD_CONFIG_NAMES) fail(`methodConfig has more than the limit of ${MAX_METHOD_CONFIG_NAMES} names`);
    names.forEach(({ service, method }, j) => {
      const where = `methodConfig[${i}].name[${j}]`;
      if (service === "") {
        if (fallback !== undefined) fail(`${where} is a second default entry (an empty name)`);
        fallback = config;
        return;
      }
      let methods = byService.get(service);
      if (methods === undefined) byService.set(service, (methods = new Map()));
      if (methods.has(method)) fail(`${where} repeats the name ${show(method === "" ? { service } : { service, method })}`);
      methods.set(method, config);
    });
  });

  return new ParsedServiceConfig(loadBalancing, throttling === undefined ? undefined : parseThrottling(throttling), byService, fallback);
}
