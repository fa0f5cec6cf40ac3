// Synchronous OTel instruments (counter, up-down counter, gauge, histogram) kept as Prometheus series for a prom-client registry.
import type { Attributes, Counter, Gauge, Histogram, UpDownCounter } from "@opentelemetry/api";
import type { Labels, LabelResolver } from "./series.js";
import { SeriesTable } from "./series.js";

/** Why a measurement was not recorded (the `reason` label of the dropped-measurements counter). */
export type DropReason = "invalid_value" | "instrument_conflict" | "callback_error" | "callback_timeout";

/** Counts measurements that were not recorded. */
export interface Drops {
  count(reason: DropReason): void;
  /** A collection in progress whose drops the same scrape should report. */
  track(collection: Promise<unknown>): void;
}

/** One exported sample, as prom-client's registry formats it. */
export interface Sample {
  value: number;
  labels: Labels;
  metricName?: string;
}

/** What prom-client's registry reads from a metric (`registry.metrics()` calls `get()`). */
export interface PromMetric {
  readonly name: string;
  readonly help: string;
  readonly type: "counter" | "gauge" | "histogram";
  readonly aggregator: "sum" | "first";
  get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: Sample[] }>;
  reset(): void;
}

/** Shared construction parameters of an exported instrument. */
export interface MetricSpec {
  name: string;
  help: string;
  resolver: LabelResolver;
  cardinalityLimit: number;
  drops: Drops;
}

/** A value per series: counters, up-down counters and gauges. */
export class ValueMetric implements PromMetric, Counter, UpDownCounter, Gauge {
  readonly name: string;
  readonly help: string;
  readonly aggregator = "sum" as const;
  private readonly series: SeriesTable<{ v: number }>;
  private readonly drops: Drops;

  /** `mode`: `add` accepts increments ≥ 0 (counter), `upDown` any increment, `set` keeps the last value (gauge). */
  constructor(
    spec: MetricSpec,
    readonly type: "counter" | "gauge",
    private readonly mode: "add" | "upDown" | "set",
  ) {
    this.name = spec.name;
    this.help = spec.help;
    this.drops = spec.drops;
    this.series = new SeriesTable(spec.resolver, spec.cardinalityLimit, () => ({ v: 0 }));
  }

  add(value: number, attributes?: Attributes): void {
    if (!Number.isFinite(value) || (value < 0 && this.mode === "add")) return this.drops.count("invalid_value");
    this.series.get(attributes).v += value;
  }

  record(value: number, attributes?: Attributes): void {
    if (!Number.isFinite(value)) return this.drops.count("invalid_value");
    this.series.get(attributes).v = value;
  }

  async get() {
    const values: Sample[] = [];
    for (const { labels, series } of this.series.entries()) values.push({ value: series.v, labels });
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    this.series.clear();
  }
}

interface Buckets {
  /** Per bucket, not cumulative; the last is +Inf. */
  counts: number[];
  sum: number;
  count: number;
}

/** OTel's default explicit bucket boundaries, used when an instrument gives no advice. */
export const DEFAULT_BOUNDARIES: readonly number[] = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

/** A histogram with explicit bucket boundaries. */
export class HistogramMetric implements PromMetric, Histogram {
  readonly name: string;
  readonly help: string;
  readonly type = "histogram" as const;
  readonly aggregator = "sum" as const;
  private readonly series: SeriesTable<Buckets>;
  private readonly drops: Drops;
  private readonly bounds: number[];
  private readonly le: string[];

  constructor(spec: MetricSpec, boundaries: readonly number[] | undefined) {
    this.name = spec.name;
    this.help = spec.help;
    this.drops = spec.drops;
    const given = boundaries?.filter((b) => Number.isFinite(b));
    this.bounds = [...new Set(given !== undefined && given.length > 0 ? given : DEFAULT_BOUNDARIES)].sort((a, b) => a - b);
    this.le = [...this.bounds.map((b) => String(b)), "+Inf"];
    const n = this.bounds.length + 1;
    this.series = new SeriesTable(spec.resolver, spec.cardinalityLimit, () => ({ counts: new Array<number>(n).fill(0), sum: 0, count: 0 }));
  }

  record(value: number, attributes?: Attributes): void {
    if (!Number.isFinite(value)) return this.drops.count("invalid_value");
    const s = this.series.get(attributes);
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > (bounds[i] as number)) i++;
    (s.counts[i] as number)++;
    s.sum += value;
    s.count++;
  }

  async get() {
    const values: Sample[] = [];
    for (const { labels, series } of this.series.entries()) {
      let cumulative = 0;
      for (let i = 0; i < this.le.length; i++) {
        cumulative += series.counts[i] as number;
        values.push({ value: cumulative, labels: { ...labels, le: this.le[i] as string }, metricName: `${this.name}_bucket` });
      }
      values.push({ value: series.sum, labels, metricName: `${this.name}_sum` });
      values.push({ value: series.count, labels, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    this.series.clear();
  }
}

/** An instrument whose name is taken by another kind: every measurement is dropped and counted. */
export class ConflictingInstrument implements Counter, UpDownCounter, Gauge, Histogram {
  constructor(private readonly drops: Drops) {}
  add(): void {
    this.drops.count("instrument_conflict");
  }
  record(): void {
    this.drops.count("instrument_conflict");
  }
}
