// Workers benchmark: unary calls/s and new connections/s against one server process vs createServer({ workers: 1 | 2 }), same run.
import type { ChildProcess } from "node:child_process";
import { ask, first, forkRole, intArg, killAll, serveJobs } from "./procs.js";
// the same lifted admission limits as the main bench server (every benchmark connection comes from 127.0.0.1)
import { CAPACITY } from "./peers.js";
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import hdr from "hdr-histogram-js";
import { BenchServiceDefinition, type BenchServiceImplementation } from "./gen/bench/v1/bench_xtmp.js";
import { median } from "./stats.js";
import { createChannel, createClient, createServer, identityFromSeed, type Channel } from "../src/index.js";

/** The measured servers, in report order: today's single process, then 1 and 2 worker processes. */
const VARIANTS = [
  { key: "single", title: "one process (workers: 0)", workers: 0 },
  { key: "w1", title: "workers: 1", workers: 1 },
  { key: "w2", title: "workers: 2", workers: 2 },
] as const;
type VariantKey = (typeof VARIANTS)[number]["key"];

/** Options of `runWorkers`. */
export interface WorkersOptions {
  rounds: number;
  /** Length of each measurement window. */
  ms: number;
  /** Unary calls in flight (spread over `connections`). */
  concurrency: number;
  /** Connections the unary measurement uses (each lands on one worker; default 8). */
  connections?: number;
  /** Concurrent connectors of the new-connection measurement (default 8). */
  connectors?: number;
  /** Progress lines (default: stderr). */
  progress?: (what: string) => void;
}

/** One server variant's medians. */
export interface WorkersRow {
  key: VariantKey;
  title: string;
  workers: number;
  unaryPerSecond: number;
  unaryP50Ms: number;
  unaryP99Ms: number;
  /** New connection (handshake) + first unary call, per second. */
  connectsPerSecond: number;
  /** Median per-round ratio vs the single process. */
  unaryVsSingle: number;
  connectsVsSingle: number;
}

/** What `runWorkers` returns; `twoVsOne` = 2 workers / 1 worker (median per-round ratios). */
export interface WorkersResult {
  rounds: number;
  msPerMeasurement: number;
  concurrency: number;
  connections: number;
  connectors: number;
  rows: WorkersRow[];
  twoVsOne: { unary: number; connects: number };
}

interface Job {
  kind: "unary" | "connect";
  port: number;
  serverKeyHex: string;
  ms: number;
  concurrency: number;
  connections: number;
}

interface Measurement {
  rate: number;
  p50: number;
  p99: number;
}

// ---- server role: a bench server with `workers` workers (the workers run this same role) ----

async function serverRole(workers: number, seedHex: string): Promise<void> {
  const impl: BenchServiceImplementation = {
    unary: (req) => ({ payload: new Uint8Array(req.responseSize) }),
    async *serverStream() {},
    async *pingPong() {},
  };
  const server = createServer({ identity: identityFromSeed(Uint8Array.from(Buffer.from(seedHex, "hex"))), maxConcurrentStreams: 10_000, keepaliveMs: 0, workers, ...CAPACITY });
  server.add(BenchServiceDefinition, impl);
  const { port } = await server.listen("xtmp://127.0.0.1:0");
  if (server.worker !== undefined) return; // a worker: its IPC channel leads to the primary, not to the benchmark
  process.on("disconnect", () => {
    server.forceShutdown();
    process.exit(0);
  });
  process.send?.({ port, pids: (server.stats.workers?.workers ?? []).map((w) => w.pid) });
}

// ---- client role ----

const small = new Uint8Array(100);

function open(job: Job): Channel {
  return createChannel(`xtmp://127.0.0.1:${job.port}`, { serverKey: Uint8Array.from(Buffer.from(job.serverKeyHex, "hex")), cipher: "AESGCM", keepaliveMs: 0, compression: false, datagram: false });
}

/** Runs `loops` loops of `op` for `ms`; rate and latency percentiles of the ops. */
async function loop(ms: number, loops: number, op: (i: number) => Promise<unknown>): Promise<Measurement> {
  const h = hdr.build();
  let n = 0;
  const t0 = performance.now();
  const end = t0 + ms;
  await Promise.all(
    Array.from({ length: loops }, async (_, i) => {
      while (performance.now() < end) {
        const c0 = performance.now();
        await op(i);
        h.recordValue(Math.round((performance.now() - c0) * 1000));
        n++;
      }
    }),
  );
  return { rate: n / ((performance.now() - t0) / 1000), p50: h.getValueAtPercentile(50) / 1000, p99: h.getValueAtPercentile(99) / 1000 };
}

async function measure(job: Job): Promise<Measurement> {
  if (job.kind === "connect") {
    return loop(job.ms, job.concurrency, async () => {
      const ch = open(job);
      try {
        await createClient(BenchServiceDefinition, ch).unary({ payload: small, responseSize: 100 });
      } finally {
        ch.close();
      }
    });
  }
  // several connections: each lands on one worker, so one connection would measure one worker
  const channels = Array.from({ length: job.connections }, () => open(job));
  try {
    const clients = channels.map((c) => createClient(BenchServiceDefinition, c));
    await Promise.all(clients.map((c) => c.unary({ payload: small, responseSize: 100 })));
    return await loop(job.ms, job.concurrency, (i) => (clients[i % clients.length] as (typeof clients)[number]).unary({ payload: small, responseSize: 100 }));
  } finally {
    for (const c of channels) c.close();
  }
}

// ---- orchestrator ----

const SELF = fileURLToPath(import.meta.url);

/**
 * Starts one bench server per variant (one process; 1 worker; 2 workers; one identity) and one
 * client process; per round (variant order rotated) measures unary 100 B at `concurrency` over
 * `connections` connections, and new connection + first call with `connectors` loops. Reports
 * medians and median per-round ratios vs the single process, and 2 workers vs 1.
 */
export async function runWorkers(o: WorkersOptions): Promise<WorkersResult> {
  const progress = o.progress ?? ((what: string) => process.stderr.write(`\r workers: ${what}`.padEnd(70)));
  const connections = o.connections ?? 8;
  const connectors = o.connectors ?? 8;
  const seed = randomBytes(32);
  const serverKeyHex = Buffer.from(identityFromSeed(seed).publicKey).toString("hex");
  const children: ChildProcess[] = [];
  const grandchildren: number[] = [];
  try {
    const ports = {} as Record<VariantKey, number>;
    for (const v of VARIANTS) {
      const s = forkRole(SELF, ["server", String(v.workers), seed.toString("hex")]);
      children.push(s);
      const started = await first(s, (m) => (typeof m.port === "number" ? (m as { port: number; pids: number[] }) : undefined), `workers server ${v.key}`);
      ports[v.key] = started.port;
      grandchildren.push(...started.pids);
    }
    const client = forkRole(SELF, ["client"]);
    children.push(client);
    await first(client, (m) => (m.ready ? true : undefined), "workers client start");
    const run = (key: VariantKey, kind: Job["kind"], ms: number) =>
      ask<Measurement>(client, { kind, port: ports[key], serverKeyHex, ms, concurrency: kind === "unary" ? o.concurrency : connectors, connections } satisfies Job, `workers ${key} ${kind}`, ms + 60_000);
    progress("warm-up");
    for (const v of VARIANTS) for (const kind of ["unary", "connect"] as const) await run(v.key, kind, Math.min(o.ms, 500));
    const raw: Record<string, { unary: Measurement[]; connect: Measurement[] }> = {};
    for (let round = 0; round < o.rounds; round++) {
      for (let i = 0; i < VARIANTS.length; i++) {
        const v = VARIANTS[(i + round) % VARIANTS.length] as (typeof VARIANTS)[number];
        progress(`round ${round + 1}/${o.rounds}: ${v.title}`);
        const r = (raw[v.key] ??= { unary: [], connect: [] });
        r.unary[round] = await run(v.key, "unary", o.ms);
        r.connect[round] = await run(v.key, "connect", o.ms);
      }
    }
    progress("done");
    process.stderr.write("\n");
    const ratio = (a: VariantKey, b: VariantKey, kind: "unary" | "connect") => median((raw[a]?.[kind] ?? []).map((m, i) => m.rate / (raw[b]?.[kind][i]?.rate ?? NaN)));
    const rows: WorkersRow[] = VARIANTS.map((v) => {
      const r = raw[v.key] ?? { unary: [], connect: [] };
      return {
        key: v.key,
        title: v.title,
        workers: v.workers,
        unaryPerSecond: median(r.unary.map((m) => m.rate)),
        unaryP50Ms: median(r.unary.map((m) => m.p50)),
        unaryP99Ms: median(r.unary.map((m) => m.p99)),
        connectsPerSecond: median(r.connect.map((m) => m.rate)),
        unaryVsSingle: ratio(v.key, "single", "unary"),
        connectsVsSingle: ratio(v.key, "single", "connect"),
      };
    });
    return { rounds: o.rounds, msPerMeasurement: o.ms, concurrency: o.concurrency, connections, connectors, rows, twoVsOne: { unary: ratio("w2", "w1", "unary"), connects: ratio("w2", "w1", "connect") } };
  } finally {
    await killAll(children);
    for (const pid of grandchildren) {
      try {
        process.kill(pid, "SIGKILL"); // workers exit with their primary; this makes sure
      } catch {
        // already gone
      }
    }
  }
}

/** A markdown table of a `runWorkers` result. */
export function renderWorkers(r: WorkersResult): string {
  const f = (n: number, d = 0) => (Number.isFinite(n) ? n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d }) : "-");
  const lines = [
    `Unary 100 B at c=${r.concurrency} over ${r.connections} connections, and new connection + first call with ${r.connectors} connectors; ${r.rounds} rounds of ${r.msPerMeasurement} ms, medians (client on the same machine).`,
    "",
    "| server | unary calls/s | vs one process | p50 ms | p99 ms | new connections/s | vs one process |",
    "|---|---:|---:|---:|---:|---:|---:|",
    ...r.rows.map((x) => `| ${x.title} | ${f(x.unaryPerSecond)} | ${f(x.unaryVsSingle, 2)}x | ${f(x.unaryP50Ms, 3)} | ${f(x.unaryP99Ms, 3)} | ${f(x.connectsPerSecond)} | ${f(x.connectsVsSingle, 2)}x |`),
    "",
    `2 workers vs 1 worker: unary ${f(r.twoVsOne.unary, 2)}x, new connections ${f(r.twoVsOne.connects, 2)}x.`,
  ];
  return lines.join("\n") + "\n";
}

// ---- entry points: `server` / `client` roles in children; standalone run otherwise ----

const isMain = process.argv[1] !== undefined && pathToFileURL(resolve(process.argv[1])).href === import.meta.url;
if (isMain) {
  const role = process.argv[2];
  if (role === "server") await serverRole(Number(process.argv[3] ?? 0), process.argv[4] ?? "");
  else if (role === "client") serveJobs(measure);
  else {
    const arg = intArg;
    const r = await runWorkers({ rounds: arg("--rounds", 3), ms: arg("--ms", 1000), concurrency: arg("--concurrency", 128) });
    console.log(renderWorkers(r));
  }
}
