// The observability options servers and channels share, and the metrics and event hook they build from them.
import type { MeterProvider, TracerProvider } from "@opentelemetry/api";
import { CallDurations } from "./call-metrics.js";
import type { EventListener, EventSide, XtmpEvent } from "./events.js";
import { resolveMeter } from "./meter.js";
import { RuntimeMetrics, type RuntimeSource } from "./runtime-metrics.js";

/** Observability options of servers and channels. */
export interface TelemetryOptions {
  /** Where metrics go (default: the global provider, `metrics.setGlobalMeterProvider`, as registered when the server or channel is created; none = no metrics and no cost). */
  meterProvider?: MeterProvider;
  /** Where spans go (default: the global provider as registered when the server or channel is created; none = no spans and no trace headers). */
  tracerProvider?: TracerProvider;
  /** Structured events: sessions opened and closed, handshakes failed, GOAWAY sent and received. Exceptions it throws are counted, never propagated. */
  onEvent?: EventListener;
}

/** Call durations, runtime instruments and events of one server or channel; each part undefined when off. */
export class Telemetry {
  /** `rpc.{side}.call.duration` (rpc.system.name `xtmp`). */
  readonly durations: CallDurations | undefined;
  /** The `xtmp.{side}.*` instruments. */
  readonly runtime: RuntimeMetrics | undefined;

  constructor(
    private readonly opts: TelemetryOptions,
    readonly side: EventSide,
    source: RuntimeSource,
    /** Runs the application's hook, counting what it throws. */
    private readonly callHook: (fn: () => void) => void,
  ) {
    const meter = resolveMeter(opts.meterProvider);
    this.durations = meter && CallDurations.create(meter, side, "xtmp");
    this.runtime = meter && new RuntimeMetrics(meter, side, source);
  }

  /** Whether anyone listens to events (so none is built for nobody). */
  get eventsOn(): boolean {
    return this.opts.onEvent !== undefined;
  }

  /** Passes an event to the hook. */
  emit(event: XtmpEvent): void {
    const hook = this.opts.onEvent;
    if (hook) this.callHook(() => hook(event));
  }
}
