// OpenTelemetry → Prometheus naming: metric names with unit and `_total` suffixes, label names, label values.
import type { AttributeValue } from "@opentelemetry/api";

/** How an OpenTelemetry instrument is exported: the Prometheus type and whether it is an OTel gauge. */
export type InstrumentKind = "counter" | "upDownCounter" | "gauge" | "histogram";

/** UCUM units (as OTel writes them) → their Prometheus suffix words. */
const UNIT_WORDS: Readonly<Record<string, string>> = {
  d: "days",
  h: "hours",
  min: "minutes",
  s: "seconds",
  ms: "milliseconds",
  us: "microseconds",
  ns: "nanoseconds",
  By: "bytes",
  KiBy: "kibibytes",
  MiBy: "mebibytes",
  GiBy: "gibibytes",
  TiBy: "tibibytes",
  KBy: "kilobytes",
  MBy: "megabytes",
  GBy: "gigabytes",
  TBy: "terabytes",
  m: "meters",
  V: "volts",
  A: "amperes",
  J: "joules",
  W: "watts",
  g: "grams",
  Cel: "celsius",
  Hz: "hertz",
  "%": "percent",
};

/** Units after `/` (as in `By/s`) → their singular words. */
const PER_UNIT_WORDS: Readonly<Record<string, string>> = { s: "second", m: "minute", h: "hour", d: "day", w: "week", mo: "month", y: "year" };

/** Replaces characters Prometheus does not allow in metric names with `_` and collapses runs of `_`. */
export function sanitizeMetricName(name: string): string {
  const s = name.replace(/[^a-zA-Z0-9_:]/g, "_").replace(/_{2,}/g, "_");
  return /^[0-9]/.test(s) ? `_${s}` : s;
}

/** The unit suffix for `unit` (without leading `_`), "" when none: `s` → `seconds`, `By/s` → `bytes_per_second`, `{call}` → "". */
export function unitSuffix(unit: string | undefined, kind: InstrumentKind): string {
  const u = (unit ?? "").replace(/\{[^}]*\}/g, "").trim();
  if (u === "") return "";
  if (u === "1") return kind === "gauge" ? "ratio" : "";
  const slash = u.indexOf("/");
  if (slash < 0) return word(UNIT_WORDS[u] ?? u);
  const top = u.slice(0, slash);
  const per = u.slice(slash + 1);
  const topWord = top === "" || top === "1" ? "" : word(UNIT_WORDS[top] ?? top);
  const perWord = word(PER_UNIT_WORDS[per] ?? UNIT_WORDS[per] ?? per);
  if (perWord === "") return topWord;
  return topWord === "" ? `per_${perWord}` : `${topWord}_per_${perWord}`;
}

function word(s: string): string {
  return s.replace(/[^a-zA-Z0-9]+/g, "_").replace(/^_+|_+$/g, "");
}

/**
 * The Prometheus metric name of an OTel instrument: sanitized, `prefix` first, the unit suffix unless the
 * name already ends with it, and `_total` for monotonic counters (`rpc.server.call.duration`, `s` →
 * `rpc_server_call_duration_seconds`; `xtmp.bytes.in`, `By`, counter → `xtmp_bytes_in_bytes_total`).
 */
export function metricName(name: string, unit: string | undefined, kind: InstrumentKind, prefix = ""): string {
  let s = sanitizeMetricName(`${prefix}${name}`);
  if (kind === "counter") s = s.replace(/_total$/, "");
  const suffix = unitSuffix(unit, kind);
  if (suffix !== "" && !s.endsWith(`_${suffix}`)) s = `${s}_${suffix}`;
  if (kind === "counter") s = `${s}_total`;
  return s;
}

/** An attribute key as a Prometheus label name: `rpc.method` → `rpc_method`, `1st` → `key_1st`, `__x` → `key__x`. */
export function labelName(key: string): string {
  const s = key.replace(/[^a-zA-Z0-9_]/g, "_");
  if (s === "") return "key_";
  if (/^[0-9]/.test(s)) return `key_${s}`;
  if (s.startsWith("__")) return `key${s}`;
  return s;
}

/** An attribute value as a label value: strings as they are, numbers and booleans as text, arrays as JSON. */
export function labelValue(v: AttributeValue): string {
  if (typeof v === "string") return v;
  if (Array.isArray(v)) return JSON.stringify(v);
  return String(v);
}
