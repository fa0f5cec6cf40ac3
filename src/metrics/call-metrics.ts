// Call durations after the OpenTelemetry RPC semantic conventions, with one cached attribute set per method and status.
import type { Attributes, Histogram, Meter } from "@opentelemetry/api";
import { Code, codeName, isCode } from "../status/code.js";

/** Histogram boundaries (seconds) the RPC semantic conventions advise for call durations. */
export const DURATION_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/** `rpc.method` for calls to methods the server does not have (unbounded names never become labels). */
export const OTHER_METHOD = "_OTHER";

/** Distinct `rpc.method` values kept; beyond, calls are recorded as `_OTHER` (a bound on label cardinality). */
const MAX_METHODS = 1_000;

/**
 * `rpc.server.call.duration` or `rpc.client.call.duration` (seconds) with `rpc.system.name`,
 * `rpc.method` (`package.Service/Method`) and `rpc.status_code` (the code's name). Attribute objects
 * are made once per method and code and reused, so recording allocates nothing.
 */
export class CallDurations {
  private readonly byMethod = new Map<string, { method: string; byCode: Attributes[] }>();

  private constructor(
    private readonly histogram: Histogram,
    private readonly system: string,
  ) {}

  /** The `rpc.{side}.call.duration` histogram of `meter`, recording with `rpc.system.name` = `system`. */
  static create(meter: Meter, side: "server" | "client", system: string): CallDurations {
    const histogram = meter.createHistogram(`rpc.${side}.call.duration`, {
      description: side === "server" ? "Duration of calls served, from the request headers to the status" : "Duration of calls made, from the call to its status",
      unit: "s",
      advice: { explicitBucketBoundaries: [...DURATION_BUCKETS] },
    });
    return new CallDurations(histogram, system);
  }

  /** The same histogram with another `rpc.system.name` (the gRPC bridge's calls). */
  withSystem(system: string): CallDurations {
    return new CallDurations(this.histogram, system);
  }

  /** Records a call to `path` (`/package.Service/Method`, undefined when unknown) that ended with `code`, started at `start` (performance.now()). */
  record(path: string | undefined, code: number, start: number): void {
    this.histogram.record((performance.now() - start) / 1000, this.attributes(path, code));
  }

  /** The cached attribute set for a method path and code. */
  attributes(path: string | undefined, code: number): Attributes {
    let entry = this.byMethod.get(path ?? OTHER_METHOD);
    if (!entry) {
      const known = path !== undefined && this.byMethod.size < MAX_METHODS;
      const key = known ? path : OTHER_METHOD;
      entry = this.byMethod.get(key) ?? { method: known ? path.replace(/^\//, "") : OTHER_METHOD, byCode: [] };
      this.byMethod.set(key, entry);
    }
    const c = isCode(code) ? code : Code.UNKNOWN;
    return (entry.byCode[c] ??= Object.freeze({ "rpc.system.name": this.system, "rpc.method": entry.method, "rpc.status_code": codeName(c) }));
  }
}
