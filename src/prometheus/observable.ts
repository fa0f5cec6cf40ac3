// Asynchronous OTel instruments: callbacks run at each scrape, with a time budget, and their observations become the series.
import type { Attributes, BatchObservableCallback, BatchObservableResult, Observable, ObservableCallback, ObservableResult } from "@opentelemetry/api";
import type { Drops, MetricSpec, PromMetric, Sample } from "./instruments.js";
import { OVERFLOW, type LabelResolver, type Labels } from "./series.js";

/** Observations of one collection, by label key. */
type Observed = Map<string, { labels: Labels; value: number }>;

/**
 * An observable counter, up-down counter or gauge. Each scrape runs its callbacks (and the batch
 * callbacks that name it) and exports exactly what they observed; a callback that throws or rejects
 * is counted (`callback_error`), one still pending after `callbackTimeoutMs` is abandoned (`callback_timeout`).
 */
export class ObservableMetric implements PromMetric, Observable {
  readonly name: string;
  readonly help: string;
  readonly aggregator = "sum" as const;
  private readonly callbacks = new Set<ObservableCallback>();
  private readonly batch = new Set<BatchObservableCallback>();
  private readonly resolver: LabelResolver;
  private readonly drops: Drops;
  private readonly limit: number;

  constructor(
    spec: MetricSpec,
    readonly type: "counter" | "gauge",
    private readonly callbackTimeoutMs: number,
  ) {
    this.name = spec.name;
    this.help = spec.help;
    this.resolver = spec.resolver;
    this.drops = spec.drops;
    this.limit = spec.cardinalityLimit;
  }

  addCallback(callback: ObservableCallback): void {
    this.callbacks.add(callback);
  }

  removeCallback(callback: ObservableCallback): void {
    this.callbacks.delete(callback);
  }

  /** Called by the meter for `addBatchObservableCallback` / `removeBatchObservableCallback`. */
  addBatch(callback: BatchObservableCallback): void {
    this.batch.add(callback);
  }

  removeBatch(callback: BatchObservableCallback): void {
    this.batch.delete(callback);
  }

  async get() {
    const collection = this.collect();
    this.drops.track(collection);
    const observed = await collection;
    const values: Sample[] = [];
    for (const { labels, value } of observed.values()) values.push({ value, labels });
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  /** Nothing is kept between scrapes. */
  reset(): void {}

  private async collect(): Promise<Observed> {
    const observed: Observed = new Map();
    let open = true;
    const observe = (value: number, attributes: Attributes | undefined) => {
      if (!open) return;
      if (!Number.isFinite(value)) return this.drops.count("invalid_value");
      let set = this.resolver.resolve(attributes);
      if (!observed.has(set.key) && observed.size >= this.limit) set = OVERFLOW;
      const prev = set === OVERFLOW ? observed.get(set.key) : undefined;
      observed.set(set.key, { labels: set.labels, value: prev !== undefined && this.type === "counter" ? prev.value + value : value });
    };
    const result: ObservableResult = { observe: (value, attributes) => observe(value, attributes) };
    const batchResult: BatchObservableResult = {
      observe: (metric, value, attributes) => {
        if (metric === this) observe(value, attributes);
      },
    };
    const pending: Promise<void>[] = [];
    const run = (f: () => void | Promise<void>) => {
      try {
        const r = f();
        if (r instanceof Promise) pending.push(r.catch(() => this.drops.count("callback_error")));
      } catch {
        this.drops.count("callback_error");
      }
    };
    for (const cb of this.callbacks) run(() => cb(result));
    for (const cb of this.batch) run(() => cb(batchResult));
    if (pending.length > 0) await this.withinBudget(Promise.all(pending));
    open = false;
    return observed;
  }

  private withinBudget(work: Promise<unknown>): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.drops.count("callback_timeout");
        resolve();
      }, this.callbackTimeoutMs);
      timer.unref();
      void work.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
