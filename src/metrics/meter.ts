// Which OpenTelemetry meter the runtime records to: the given or global provider, none when it is the no-op one.
import { createNoopMeter, metrics, type Meter, type MeterProvider } from "@opentelemetry/api";

/** The instrumentation scope name of every instrument the runtime creates. */
export const METER_NAME = "xtmp-rpc";

const NOOP_METER_CLASS = createNoopMeter().constructor;

/**
 * The meter to record to: from `provider`, else from the global provider (`metrics.setGlobalMeterProvider`)
 * as registered when the server or channel is created. Undefined when that is the no-op provider, so
 * an application without metrics pays nothing per call (not even a clock read).
 */
export function resolveMeter(provider: MeterProvider | undefined): Meter | undefined {
  const meter = (provider ?? metrics.getMeterProvider()).getMeter(METER_NAME);
  return meter.constructor === NOOP_METER_CLASS ? undefined : meter;
}
