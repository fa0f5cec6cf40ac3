// The server's observability: the shared metrics and events, the bridge's durations, and server spans.
import type { CallDurations } from "../metrics/call-metrics.js";
import { Telemetry, type TelemetryOptions } from "../metrics/telemetry.js";
import { resolveTracer, type CallTracer } from "../tracing/call-tracer.js";
import type { RuntimeSource } from "../metrics/runtime-metrics.js";

/** What the server records; every part is undefined when its provider or hook is absent. */
export class ServerTelemetry extends Telemetry {
  /** `rpc.server.call.duration` of calls through the gRPC bridge (`rpc.system.name` grpc). */
  readonly bridgeDurations: CallDurations | undefined;
  /** Server spans. */
  readonly tracer: CallTracer | undefined;

  constructor(opts: TelemetryOptions, source: RuntimeSource, callHook: (fn: () => void) => void) {
    super(opts, "server", source, callHook);
    this.bridgeDurations = this.durations?.withSystem("grpc");
    this.tracer = resolveTracer(opts.tracerProvider);
  }
}
