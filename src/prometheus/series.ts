// Attribute sets → Prometheus label sets and per-instrument series, cached per frozen attributes object.
import type { Attributes } from "@opentelemetry/api";
import { labelName, labelValue } from "./names.js";

/** Prometheus labels of one series. */
export type Labels = Readonly<Record<string, string>>;

/** A label set and its canonical key (equal label sets have equal keys). */
export interface LabelSet {
  readonly key: string;
  readonly labels: Labels;
}

const EMPTY: LabelSet = Object.freeze({ key: "", labels: Object.freeze({}) });

/** The label set of series beyond an instrument's cardinality limit (as the OTel SDK names it). */
export const OVERFLOW: LabelSet = Object.freeze({ key: "otel_metric_overflow\u0000true", labels: Object.freeze({ otel_metric_overflow: "true" }) });

/** Attribute keys seen → label names (bounded; beyond it names are computed each time). */
const NAME_CACHE_LIMIT = 1024;

/**
 * Turns attribute objects into label sets. Attribute keys that map to the same label name
 * (`a.b`, `a_b`) are merged, their values joined by `;` in key order, as the OTel spec says.
 */
export class LabelResolver {
  private readonly names = new Map<string, string>();
  private readonly frozen = new WeakMap<Attributes, LabelSet>();

  resolve(attributes: Attributes | undefined): LabelSet {
    if (attributes === undefined) return EMPTY;
    const cached = this.frozen.get(attributes);
    if (cached !== undefined) return cached;
    const set = this.compute(attributes);
    if (Object.isFrozen(attributes)) this.frozen.set(attributes, set);
    return set;
  }

  private compute(attributes: Attributes): LabelSet {
    const pairs: [string, string, string][] = []; // label name, attribute key, value
    for (const k of Object.keys(attributes)) {
      const v = attributes[k];
      if (v === undefined || v === null) continue;
      pairs.push([this.name(k), k, labelValue(v)]);
    }
    if (pairs.length === 0) return EMPTY;
    pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : 1));
    const labels: Record<string, string> = {};
    const parts: string[] = [];
    for (const [name, , value] of pairs) {
      const prev = labels[name];
      labels[name] = prev === undefined ? value : `${prev};${value}`;
    }
    for (const name of Object.keys(labels)) parts.push(name, labels[name] as string);
    return { key: parts.join("\u0000"), labels: Object.freeze(labels) };
  }

  private name(key: string): string {
    let n = this.names.get(key);
    if (n === undefined) {
      n = labelName(key);
      if (this.names.size < NAME_CACHE_LIMIT) this.names.set(key, n);
    }
    return n;
  }
}

/**
 * The series of one instrument, at most `limit` label sets (then the overflow series). `get` with
 * the same frozen attributes object is one WeakMap lookup: labels are not hashed again per call;
 * other objects are found by their JSON text (they may have changed since the last call).
 */
export class SeriesTable<S> {
  private byObject = new WeakMap<Attributes, S>();
  private readonly byKey = new Map<string, { labels: Labels; series: S }>();
  /** Mutable attribute objects by their JSON text (insertion order), bounded by twice the cardinality limit. */
  private readonly byText = new Map<string, S>();
  private noAttributes: S | undefined;

  constructor(
    private readonly resolver: LabelResolver,
    private readonly limit: number,
    private readonly make: () => S,
  ) {}

  get(attributes: Attributes | undefined): S {
    if (attributes === undefined) return (this.noAttributes ??= this.bySet(EMPTY));
    const hit = this.byObject.get(attributes);
    if (hit !== undefined) return hit;
    if (Object.isFrozen(attributes)) {
      const series = this.bySet(this.resolver.resolve(attributes));
      this.byObject.set(attributes, series);
      return series;
    }
    // a mutable object may change between calls: look it up by its content
    const text = JSON.stringify(attributes);
    let series = this.byText.get(text);
    if (series === undefined) {
      series = this.bySet(this.resolver.resolve(attributes));
      if (this.byText.size < 2 * this.limit) this.byText.set(text, series);
    }
    return series;
  }

  private bySet(set: LabelSet): S {
    let entry = this.byKey.get(set.key);
    if (entry === undefined) {
      const chosen = this.byKey.size < this.limit ? set : OVERFLOW;
      entry = this.byKey.get(chosen.key);
      if (entry === undefined) {
        entry = { labels: chosen.labels, series: this.make() };
        this.byKey.set(chosen.key, entry);
      }
    }
    return entry.series;
  }

  /** Every series with its labels. */
  entries(): IterableIterator<{ labels: Labels; series: S }> {
    return this.byKey.values();
  }

  /** Forgets every series (prom-client's `registry.resetMetrics()`). */
  clear(): void {
    this.byKey.clear();
    this.byText.clear();
    this.noAttributes = undefined;
    this.byObject = new WeakMap();
  }
}
