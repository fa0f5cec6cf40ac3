// OpenTelemetry SDK pieces for tests: a metric reader collected on demand, and lookups into what it collected.
import { MeterProvider, MetricReader, type DataPoint, type Histogram, type ResourceMetrics } from "@opentelemetry/sdk-metrics";

/** A reader that collects only when asked (an in-memory metric reader). */
export class OnDemandReader extends MetricReader {
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

/** A meter provider with an on-demand reader. */
export function testMeterProvider(): { provider: MeterProvider; reader: OnDemandReader } {
  const reader = new OnDemandReader();
  return { provider: new MeterProvider({ readers: [reader] }), reader };
}

/** Every data point of the metric `name`, from one collection. */
export async function points(reader: OnDemandReader, name: string): Promise<Array<DataPoint<number | Histogram>>> {
  const { resourceMetrics, errors } = await reader.collect();
  if (errors.length > 0) throw new Error(`collection errors: ${errors.join("; ")}`);
  return pointsIn(resourceMetrics, name);
}

/** Every data point of the metric `name` in a collection. */
export function pointsIn(rm: ResourceMetrics, name: string): Array<DataPoint<number | Histogram>> {
  return rm.scopeMetrics.flatMap((s) => s.metrics.filter((m) => m.descriptor.name === name).flatMap((m) => m.dataPoints as Array<DataPoint<number | Histogram>>));
}

/** Histogram counts by a label key built from the attributes (e.g. `method code`). */
export function histogramCounts(ps: Array<DataPoint<number | Histogram>>, key: (a: Record<string, unknown>) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of ps) out[key(p.attributes)] = (out[key(p.attributes)] ?? 0) + (p.value as Histogram).count;
  return out;
}

/** Sum of the values of a counter's points whose attributes match `where`. */
export function sumWhere(ps: Array<DataPoint<number | Histogram>>, where: Record<string, unknown> = {}): number {
  return ps.filter((p) => Object.entries(where).every(([k, v]) => p.attributes[k] === v)).reduce((n, p) => n + (p.value as number), 0);
}

/** Collects until the sum of `name`'s points matching `where` equals `expected` (the peer may not have read its last bytes yet), for up to ~2 s; returns the last sum. */
export async function sumEventually(reader: OnDemandReader, name: string, where: Record<string, unknown>, expected: number): Promise<number> {
  const end = Date.now() + 2_000;
  for (;;) {
    const n = sumWhere(await points(reader, name), where);
    if (n === expected || Date.now() > end) return n;
    await new Promise((r) => setTimeout(r, 5));
  }
}
