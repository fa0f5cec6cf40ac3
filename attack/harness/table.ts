// Text tables: the per-attack report and the summary across attacks.
import type { Metrics } from "./attack.js";

/** Legitimate calls of one kind in one phase. */
export interface PhaseCalls {
  ok: number;
  total: number;
  /** Slowest call (ms). */
  maxMs: number;
  /** Failed calls by status name (`SLOW` for an OK answer after more than 1 s). */
  failures?: Record<string, number>;
}

/** Everything measured for one attack. */
export interface AttackRecord {
  name: string;
  summary: string;
  alive: boolean;
  exit?: string;
  calls: Record<"existing" | "new", Record<"before" | "during" | "after", PhaseCalls>>;
  rssMiB: { before: number; peak: number; after: number };
  /** The server's live heap (heapUsed after a forced GC, read through STATS) before and after: what it really retains. */
  liveHeapMiB?: { before: number; after: number };
  cpuSeconds: { during: number; after: number };
  attack: Metrics;
  pass: boolean;
  problems: string[];
}

const failures = (p: PhaseCalls) =>
  p.failures && Object.keys(p.failures).length > 0 ? ` [${Object.entries(p.failures).map(([k, n]) => `${k}×${n}`).join(" ")}]` : "";
const frac = (p: PhaseCalls) => `${p.ok}/${p.total}${p.total > 0 ? ` (max ${p.maxMs} ms)` : ""}${failures(p)}`;

/** Pads columns of rows to a fixed width. */
export function columns(rows: string[][]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length))) ?? [];
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join("  ").trimEnd()).join("\n");
}

/** The report of one attack. */
export function attackTable(r: AttackRecord): string {
  const head = `== ${r.name}: ${r.summary}`;
  const rows = [
    ["", "before", "during", "after"],
    ["existing channel, ok within 1 s", frac(r.calls.existing.before), frac(r.calls.existing.during), frac(r.calls.existing.after)],
    ["new connection, ok within 1 s", frac(r.calls.new.before), frac(r.calls.new.during), frac(r.calls.new.after)],
    ["server RSS (MiB)", r.rssMiB.before.toFixed(0), `peak ${r.rssMiB.peak.toFixed(0)}`, r.rssMiB.after.toFixed(0)],
    ["server live heap after GC (MiB)", r.liveHeapMiB?.before.toFixed(0) ?? "?", "", r.liveHeapMiB?.after.toFixed(0) ?? "?"],
    ["server CPU (s)", "", r.cpuSeconds.during.toFixed(2), r.cpuSeconds.after.toFixed(2)],
  ];
  const facts = Object.entries(r.attack)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join("  ");
  return [
    head,
    `server alive: ${r.alive ? "yes" : `NO (${r.exit ?? "exited"})`}`,
    columns(rows),
    `attack: ${facts}`,
    `verdict: ${r.pass ? "PASS" : `FAIL (${r.problems.join("; ")})`}`,
    "",
  ].join("\n");
}

/** One line per attack. */
export function summaryTable(records: readonly AttackRecord[]): string {
  const rows = [["attack", "alive", "existing during", "existing after", "new after", "RSS before/peak/after MiB", "live heap before/after", "CPU s", "verdict"]];
  for (const r of records) {
    rows.push([
      r.name,
      r.alive ? "yes" : "NO",
      `${r.calls.existing.during.ok}/${r.calls.existing.during.total}`,
      `${r.calls.existing.after.ok}/${r.calls.existing.after.total}`,
      `${r.calls.new.after.ok}/${r.calls.new.after.total}`,
      `${r.rssMiB.before.toFixed(0)}/${r.rssMiB.peak.toFixed(0)}/${r.rssMiB.after.toFixed(0)}`,
      r.liveHeapMiB ? `${r.liveHeapMiB.before.toFixed(0)}/${r.liveHeapMiB.after.toFixed(0)}` : "?",
      r.cpuSeconds.during.toFixed(1),
      r.pass ? "PASS" : "FAIL",
    ]);
  }
  return columns(rows);
}
