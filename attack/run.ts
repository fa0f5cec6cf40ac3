// `npm run attack`: each attack against a fresh `xtmp serve` process, with a prober and an attacker process.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { AttackDef, Metrics } from "./harness/attack.js";
import { ROOT, spawnTs } from "./harness/children.js";
import { readCpuSeconds, Sampler } from "./harness/proc.js";
import { pause } from "./harness/raw.js";
import { startServer } from "./harness/server.js";
import { attackTable, summaryTable, type AttackRecord, type PhaseCalls } from "./harness/table.js";
import { ATTACKS } from "./registry.js";

const USAGE = "usage: npm run attack -- [--only NAME[,NAME]] [--quick] [--json FILE]";
const MiB = 1 << 20;
/** The "done when" bound: RSS 5 s after the attack at most baseline + this. */
const RSS_SLACK_MIB = 50;

interface Options {
  only: string[] | undefined;
  quick: boolean;
  json: string;
}

function parseArgs(argv: readonly string[]): Options {
  const o: Options = { only: undefined, quick: false, json: join(ROOT, "attack", "results.json") };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--quick") o.quick = true;
    else if (a === "--only" && argv[i + 1]) o.only = (argv[++i] as string).split(",");
    else if (a === "--json" && argv[i + 1]) o.json = argv[++i] as string;
    else throw new Error(`unknown argument ${a}\n${USAGE}`);
  }
  const unknown = (o.only ?? []).filter((n) => !ATTACKS.some((a) => a.name === n));
  if (unknown.length > 0) throw new Error(`unknown attack ${unknown.join(", ")}; known: ${ATTACKS.map((a) => a.name).join(", ")}`);
  return o;
}

type Phase = "before" | "during" | "after";
const emptyPhases = (): Record<Phase, PhaseCalls> => ({ before: { ok: 0, total: 0, maxMs: 0 }, during: { ok: 0, total: 0, maxMs: 0 }, after: { ok: 0, total: 0, maxMs: 0 } });

/** heapUsed of the server after a forced GC (STATS), or undefined when it does not answer. */
async function liveHeap(server: Awaited<ReturnType<typeof startServer>>): Promise<number | undefined> {
  try {
    return (await server.stats(5000)).memory.heapUsed;
  } catch {
    return undefined;
  }
}

async function runOne(def: AttackDef, quick: boolean): Promise<AttackRecord> {
  const beforeMs = quick ? 1000 : 1500;
  const windowMs = quick ? 3000 : 9000;
  const afterMs = quick ? 3000 : 5000;
  const server = await startServer(def.server ?? {});
  const sampler = new Sampler(server.pid);
  const { host, port, serverKey, wsPort } = server.target;
  const key = Buffer.from(serverKey).toString("hex");
  const prober = spawnTs("attack/prober.ts", [host, String(port), key]);
  const calls = { existing: emptyPhases(), new: emptyPhases() };
  prober.onLine((line) => {
    try {
      const r = JSON.parse(line) as { phase: string; kind: "existing" | "new"; ok: boolean; ms: number; err?: string };
      const p = calls[r.kind]?.[r.phase as Phase];
      if (!p) return;
      p.total++;
      if (r.ok) p.ok++;
      else {
        const why = r.err || "SLOW";
        p.failures = { ...p.failures, [why]: (p.failures?.[why] ?? 0) + 1 };
      }
      p.maxMs = Math.max(p.maxMs, r.ms);
    } catch {
      // not a result line
    }
  });
  const setPhase = (p: string) => prober.proc.stdin?.write(`phase ${p}\n`);
  let attack: Metrics = {};
  try {
    await prober.waitLine(/"kind":"existing","ok":true/, 15_000);
    setPhase("before");
    await pause(beforeMs);
    const heapBefore = await liveHeap(server);
    const rssBefore = sampler.sample();
    sampler.resetPeak();
    const cpu0 = readCpuSeconds(server.pid) ?? 0;
    setPhase("during");
    const attacker = spawnTs("attack/attacker.ts", [def.name, host, String(port), key, String(windowMs), quick ? "1" : "0", ...(wsPort ? [String(wsPort)] : [])]);
    const result = attacker.waitLine(/^(RESULT|ERROR) (.*)$/, windowMs + 10_000).catch((e: Error) => ["", "ERROR", JSON.stringify(e.message)] as const);
    const m = await result;
    await attacker.stop("SIGKILL", 0);
    attack = m[1] === "RESULT" ? (JSON.parse(m[2] as string) as Metrics) : { error: String(JSON.parse(m[2] as string)).split("\n").slice(0, 3).join(" | ") };
    const cpu1 = readCpuSeconds(server.pid) ?? cpu0;
    setPhase("after");
    await pause(afterMs);
    const cpu2 = readCpuSeconds(server.pid) ?? cpu1;
    const rssAfter = sampler.sample();
    const alive = server.alive();
    // read after the RSS sample: STATS forces a GC in the server, which would lower the RSS reading
    const heapAfter = alive ? await liveHeap(server) : undefined;
    const exit = alive ? undefined : String(await server.child.exited);
    const record: AttackRecord = {
      name: def.name,
      summary: def.summary,
      alive,
      ...(exit ? { exit } : {}),
      calls,
      rssMiB: { before: rssBefore / MiB, peak: sampler.peak / MiB, after: rssAfter / MiB },
      ...(heapBefore !== undefined && heapAfter !== undefined ? { liveHeapMiB: { before: heapBefore / MiB, after: heapAfter / MiB } } : {}),
      cpuSeconds: { during: cpu1 - cpu0, after: cpu2 - cpu1 },
      attack,
      pass: false,
      problems: [],
    };
    judge(record, def);
    return record;
  } finally {
    sampler.stop();
    await prober.stop("SIGKILL", 0);
    await server.stop();
  }
}

/** The "done when" criteria, per attack. */
function judge(r: AttackRecord, def: AttackDef): void {
  const p = r.problems;
  if (!r.alive) p.push(`server died (${r.exit})`);
  for (const phase of ["during", "after"] as const) {
    const c = r.calls.existing[phase];
    if (c.ok < c.total || c.total === 0) p.push(`existing channel ${phase}: ${c.ok}/${c.total}`);
  }
  const n = r.calls.new.after;
  if (n.ok === 0 || n.ok < n.total) p.push(`new connections after: ${n.ok}/${n.total}`);
  if (r.rssMiB.after > r.rssMiB.before + RSS_SLACK_MIB) p.push(`RSS after ${r.rssMiB.after.toFixed(0)} > before ${r.rssMiB.before.toFixed(0)} + ${RSS_SLACK_MIB} MiB`);
  if (r.attack.error !== undefined) p.push(`attack error: ${String(r.attack.error)}`);
  else p.push(...(def.check?.(r.attack) ?? []));
  r.pass = p.length === 0;
}

const opts = parseArgs(process.argv.slice(2));
const chosen = ATTACKS.filter((a) => !opts.only || opts.only.includes(a.name));
const started = Date.now();
const records: AttackRecord[] = [];
for (const def of chosen) {
  process.stdout.write(`-- running ${def.name}…\n`);
  try {
    const r = await runOne(def, opts.quick);
    records.push(r);
    process.stdout.write(`${attackTable(r)}\n`);
  } catch (err) {
    process.stdout.write(`!! ${def.name}: harness failure: ${err instanceof Error ? err.message : String(err)}\n\n`);
  }
}
process.stdout.write(`== summary (${((Date.now() - started) / 1000).toFixed(0)} s${opts.quick ? ", quick" : ""})\n${summaryTable(records)}\n`);
writeFileSync(opts.json, `${JSON.stringify({ quick: opts.quick, startedAt: new Date(started).toISOString(), records }, null, 2)}\n`);
process.stdout.write(`results written to ${opts.json}\n`);
process.exitCode = records.length === chosen.length && records.every((r) => r.pass) ? 0 : 1;
