// An OpenTelemetry MeterProvider whose instruments are Prometheus metrics in a prom-client registry.
import type {
  BatchObservableCallback,
  Counter,
  Gauge,
  Histogram,
  Meter,
  MeterProvider,
  MetricOptions,
  Observable,
  ObservableCounter,
  ObservableGauge,
  ObservableUpDownCounter,
  UpDownCounter,
} from "@opentelemetry/api";
import { Registry, type Metric } from "prom-client";
import { ConflictingInstrument, HistogramMetric, ValueMetric, type DropReason, type Drops, type MetricSpec, type PromMetric } from "./instruments.js";
import { metricName, type InstrumentKind } from "./names.js";
import { ObservableMetric } from "./observable.js";
import { LabelResolver } from "./series.js";

/** Options of {@link createPrometheusMeterProvider}. */
export interface PrometheusMeterProviderOptions {
  /** The registry the metrics are registered in (default a new one; pass `prom-client`'s `register` to share the global one). */
  registry?: Registry;
  /** Prepended to every metric name, e.g. `myapp_` (default none). */
  prefix?: string;
  /** Most label sets (series) per metric; measurements with further label sets go to one `otel_metric_overflow="true"` series (default 2000). */
  cardinalityLimit?: number;
  /** How long a scrape waits for asynchronous observable callbacks before exporting without them (default 5000 ms). */
  callbackTimeoutMs?: number;
}

/** A MeterProvider (`@opentelemetry/api`) that records into a prom-client registry. */
export interface PrometheusMeterProvider extends MeterProvider {
  /** The registry to expose, e.g. with `serveMetrics` or `registry.metrics()`. */
  readonly registry: Registry;
}

const REASONS: readonly DropReason[] = ["invalid_value", "instrument_conflict", "callback_error", "callback_timeout"];

/** The dropped-measurements counter, exported as `<prefix>xtmp_metrics_dropped_total{reason}`. */
class DropCounter implements PromMetric, Drops {
  readonly type = "counter" as const;
  readonly aggregator = "sum" as const;
  readonly help = "Measurements not recorded: non-finite or negative counter values, instruments whose name another kind took, failed or late observable callbacks";
  private readonly counts = new Map<DropReason, number>(REASONS.map((r) => [r, 0]));
  private readonly collecting = new Set<Promise<unknown>>();
  constructor(readonly name: string) {}
  count(reason: DropReason): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + 1);
  }
  track(collection: Promise<unknown>): void {
    this.collecting.add(collection);
    const done = () => void this.collecting.delete(collection);
    collection.then(done, done);
  }
  async get() {
    // prom-client starts every metric's get() in one loop: after one turn, the observable
    // collections of this scrape are tracked, and their drops belong in this scrape
    await Promise.resolve();
    await Promise.all(this.collecting);
    const values = [...this.counts].map(([reason, value]) => ({ value, labels: { reason } }));
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
  reset(): void {
    for (const r of REASONS) this.counts.set(r, 0);
  }
}

/** prom-client types its registry for its own classes; it reads only name, help, type, aggregator, get() and reset(). */
function register(registry: Registry, metric: PromMetric): boolean {
  try {
    registry.registerMetric(metric as unknown as Metric);
    return true;
  } catch {
    return false; // the name is taken by a metric outside this provider
  }
}

type Kind = "counter" | "upDownCounter" | "gauge" | "histogram" | "observableCounter" | "observableUpDownCounter" | "observableGauge";

/** Instruments by Prometheus name, shared by every meter of one provider. */
class Instruments {
  private readonly byName = new Map<string, { kind: Kind; metric: PromMetric | undefined }>();
  private readonly resolver = new LabelResolver();
  private readonly conflict: ConflictingInstrument;

  constructor(
    private readonly registry: Registry,
    private readonly prefix: string,
    private readonly cardinalityLimit: number,
    readonly callbackTimeoutMs: number,
    readonly drops: DropCounter,
  ) {
    this.conflict = new ConflictingInstrument(drops);
  }

  /** The instrument named `name`: made by `make` the first time, the same one after; a conflicting instrument when the name is another kind's. */
  get<T>(kind: Kind, name: string, options: MetricOptions | undefined, make: (spec: MetricSpec) => PromMetric & T): T | ConflictingInstrument {
    const exported: InstrumentKind = kind === "histogram" ? "histogram" : kind === "counter" || kind === "observableCounter" ? "counter" : kind === "gauge" || kind === "observableGauge" ? "gauge" : "upDownCounter";
    const promName = metricName(name, options?.unit, exported, this.prefix);
    const existing = this.byName.get(promName);
    if (existing !== undefined) return existing.kind === kind && existing.metric !== undefined ? (existing.metric as PromMetric & T) : this.conflict;
    const help = options?.description !== undefined && options.description !== "" ? options.description : name;
    const metric = make({ name: promName, help, resolver: this.resolver, cardinalityLimit: this.cardinalityLimit, drops: this.drops });
    const ok = register(this.registry, metric);
    this.byName.set(promName, { kind, metric: ok ? metric : undefined });
    return ok ? metric : this.conflict;
  }
}

/** No observations for an observable whose name another kind took (its callbacks never run). */
const DEAD_OBSERVABLE: Observable = { addCallback: () => undefined, removeCallback: () => undefined };

class PrometheusMeter implements Meter {
  constructor(private readonly instruments: Instruments) {}

  createCounter(name: string, options?: MetricOptions): Counter {
    return this.instruments.get("counter", name, options, (s) => new ValueMetric(s, "counter", "add"));
  }

  createUpDownCounter(name: string, options?: MetricOptions): UpDownCounter {
    return this.instruments.get("upDownCounter", name, options, (s) => new ValueMetric(s, "gauge", "upDown"));
  }

  createGauge(name: string, options?: MetricOptions): Gauge {
    return this.instruments.get("gauge", name, options, (s) => new ValueMetric(s, "gauge", "set"));
  }

  createHistogram(name: string, options?: MetricOptions): Histogram {
    return this.instruments.get("histogram", name, options, (s) => new HistogramMetric(s, options?.advice?.explicitBucketBoundaries));
  }

  createObservableCounter(name: string, options?: MetricOptions): ObservableCounter {
    return this.observable("observableCounter", "counter", name, options);
  }

  createObservableUpDownCounter(name: string, options?: MetricOptions): ObservableUpDownCounter {
    return this.observable("observableUpDownCounter", "gauge", name, options);
  }

  createObservableGauge(name: string, options?: MetricOptions): ObservableGauge {
    return this.observable("observableGauge", "gauge", name, options);
  }

  addBatchObservableCallback(callback: BatchObservableCallback, observables: Observable[]): void {
    for (const o of observables) if (o instanceof ObservableMetric) o.addBatch(callback);
  }

  removeBatchObservableCallback(callback: BatchObservableCallback, observables: Observable[]): void {
    for (const o of observables) if (o instanceof ObservableMetric) o.removeBatch(callback);
  }

  private observable(kind: Kind, type: "counter" | "gauge", name: string, options: MetricOptions | undefined): Observable {
    const timeout = this.instruments.callbackTimeoutMs;
    const m = this.instruments.get(kind, name, options, (s) => new ObservableMetric(s, type, timeout));
    return m instanceof ObservableMetric ? m : DEAD_OBSERVABLE;
  }
}

class Provider implements PrometheusMeterProvider {
  private readonly meter: PrometheusMeter;

  constructor(
    readonly registry: Registry,
    options: PrometheusMeterProviderOptions,
  ) {
    const prefix = options.prefix ?? "";
    const drops = new DropCounter(metricName("xtmp.metrics.dropped", undefined, "counter", prefix));
    register(registry, drops);
    this.meter = new PrometheusMeter(new Instruments(registry, prefix, options.cardinalityLimit ?? 2000, options.callbackTimeoutMs ?? 5000, drops));
  }

  /** Every meter is the same: instruments with the same Prometheus name are one metric whichever meter made them. */
  getMeter(): Meter {
    return this.meter;
  }
}

/**
 * A MeterProvider whose instruments are Prometheus metrics in `options.registry` (default a new
 * registry), named after the OpenTelemetry compatibility rules (`rpc.server.call.duration` in
 * seconds → `rpc_server_call_duration_seconds`, counters end in `_total`, `rpc.method` → `rpc_method`).
 */
export function createPrometheusMeterProvider(options: PrometheusMeterProviderOptions = {}): PrometheusMeterProvider {
  return new Provider(options.registry ?? new Registry(), options);
}
