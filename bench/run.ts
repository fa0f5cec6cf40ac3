// `npm run bench [-- --quick]`: server and client processes, a warm-up, peers interleaved per round, medians, ratios and ceilings.
import { fork, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import type { Job, Result } from "./client.js";
import { runBridge } from "./bridge.js";
import { Ceilings } from "./ceilings.js";
import { runFanout } from "./fanout.js";
import { runFleet } from "./fleet.js";
import { runWorkers } from "./workers.js";
import { BATCH_PEERS, METRICS_PEERS, PEERS, RESUME_PEERS, type Addresses, type PeerName } from "./peers.js";
import { LIMIT_FORMULA, limitFor, renderMarkdown, renderRatioChart, renderLatencyChart, type CeilingsResult, type Report, type ScenarioResult } from "./report.js";
import { median } from "./stats.js";

const quick = process.argv.includes("--quick");
/** Measured rounds; the peer order rotates each round. */
const ROUNDS = 3;
/** Window of one measurement. */
const MS = quick ? 350 : 3000;
/** Discarded measurement of each peer before the first round of each scenario (JIT, connection pools). */
const WARMUP_MS = quick ? 0 : 2000;
/** Window of each AEAD/CRC ceiling measurement (the TCP ceiling uses MS). */
const CEILING_CPU_MS = quick ? 250 : 1000;
/** Connectors running side by side in the full-handshake capacity row. */
const CONNECTORS = 8;
const SCALE = quick ? [1000] : [1000, 10_000];

function spawnProc(file: string): ChildProcess {
  return fork(file, [], { execArgv: ["--import", "tsx", "--expose-gc"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
}

function first<T>(p: ChildProcess, pick: (m: Record<string, unknown>) => T | undefined): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: Record<string, unknown>) => {
      const v = pick(m);
      if (v !== undefined) {
        p.off("message", on);
        resolve(v);
      }
    };
    p.on("message", on);
  });
}

let nextId = 1;
function ask(client: ChildProcess, job: Job): Promise<Result> {
  const id = nextId++;
  client.send({ id, job });
  return first(client, (m) => (m.id === id ? m : undefined)).then((m) => {
    if (m.error) throw new Error(`${job.scenario}/${job.peer}: ${String(m.error)}`);
    return m.result as Result;
  });
}

const rss = (server: ChildProcess) => {
  server.send({ cmd: "rss" });
  return first(server, (m) => (typeof m.rss === "number" ? m.rss : undefined));
};

interface Scenario {
  key: string;
  title: string;
  unit: string;
  job: Omit<Job, "peer" | "addresses">;
  peers: readonly PeerName[];
}

const SCENARIOS: Scenario[] = [
  { key: "unary-c1", title: "unary 100 B, concurrency 1", unit: "calls/s", job: { scenario: "unary", ms: MS, concurrency: 1 }, peers: PEERS },
  { key: "unary-c16", title: "unary 100 B, concurrency 16", unit: "calls/s", job: { scenario: "unary", ms: MS, concurrency: 16 }, peers: PEERS },
  { key: "unary-c128", title: "unary 100 B, concurrency 128", unit: "calls/s", job: { scenario: "unary", ms: MS, concurrency: 128 }, peers: PEERS },
  { key: "stream", title: "server stream of 100 B messages", unit: "msgs/s", job: { scenario: "stream", ms: MS }, peers: PEERS },
  // the XTMP server yields batch() of 256 messages (one frame each); grpc-js TLS streams as above, for the ratio
  { key: "stream-batch", title: "server stream of 100 B messages, XTMP handler yielding batches of 256", unit: "msgs/s", job: { scenario: "stream", ms: MS, batch: 256 }, peers: BATCH_PEERS },
  { key: "mib", title: "1 MiB unary requests", unit: "MB/s", job: { scenario: "mib", ms: MS }, peers: PEERS },
  { key: "pingpong", title: "bidi ping-pong", unit: "round trips/s", job: { scenario: "pingpong", ms: MS }, peers: PEERS },
  { key: "connect", title: "new connection + first call", unit: "connections/s", job: { scenario: "connect", ms: MS }, peers: PEERS },
  { key: "connect-c8", title: `full-handshake capacity: ${CONNECTORS} concurrent connectors, new connection + first call`, unit: "connections/s", job: { scenario: "connect", ms: MS, concurrency: CONNECTORS }, peers: PEERS },
  // XTMP AES-GCM column: a returning client resuming with a session ticket (grpc-js TLS: full TLS handshakes, for the ratio)
  { key: "connect-resume", title: "new connection + first call, XTMP resuming with a session ticket", unit: "connections/s", job: { scenario: "connect", ms: MS }, peers: RESUME_PEERS },
  { key: "connect-resume-c8", title: `new connection + first call, XTMP resuming, ${CONNECTORS} concurrent connectors`, unit: "connections/s", job: { scenario: "connect", ms: MS, concurrency: CONNECTORS }, peers: RESUME_PEERS },
];

async function main(): Promise<void> {
  const started = Date.now();
  const server = spawnProc("bench/server.ts");
  const addresses = await first(server, (m) => m.addresses as Addresses | undefined);
  const client = spawnProc("bench/client.ts");
  await first(client, (m) => (m.ready ? true : undefined));
  // AEAD, CRC-32C and loopback TCP ceilings, measured in each round right after the 1 MiB row they bound
  const ceilings = await Ceilings.start({ cpuMs: CEILING_CPU_MS, tcpMs: MS });
  const ceilingRounds: CeilingsResult[] = [];
  const perRound = SCENARIOS.reduce((n, s) => n + s.peers.length, 0) + 2 + METRICS_PEERS.length;
  const total = (ROUNDS + (WARMUP_MS > 0 ? 1 : 0)) * perRound + ROUNDS;
  let done = 0;
  const progress = (what: string) => process.stderr.write(`\r[${String(++done).padStart(3)}/${total}] ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s  ${what.padEnd(50)}`);
  const raw: Record<string, Record<string, Result[]>> = {};
  // a measurement of WARMUP_MS whose result is thrown away, before the first round of a scenario
  const warmUp = async (round: number, what: string, job: Job) => {
    if (round > 0 || WARMUP_MS <= 0) return;
    progress(`warm-up: ${what}`);
    await ask(client, { ...job, ms: WARMUP_MS });
  };
  for (let round = 0; round < ROUNDS; round++) {
    for (const sc of SCENARIOS) {
      // rotate the peer order each round so no peer always runs first (or right after a heavy one)
      const order = sc.peers.map((_, i) => sc.peers[(i + round) % sc.peers.length] as PeerName);
      for (const peer of order) await warmUp(round, `${sc.key} ${peer}`, { ...sc.job, peer, addresses });
      for (const peer of order) {
        progress(`round ${round + 1}: ${sc.key} ${peer}`);
        const r = await ask(client, { ...sc.job, peer, addresses });
        ((raw[sc.key] ??= {})[peer] ??= [])[round] = r;
      }
      if (sc.key === "mib") {
        progress(`round ${round + 1}: ceilings (AEAD, CRC-32C, loopback TCP)`);
        ceilingRounds[round] = await ceilings.measure();
      }
    }
    // metrics off vs on (unary c=128), interleaved and rotated like the scenarios
    const metricsOrder = METRICS_PEERS.map((_, i) => METRICS_PEERS[(i + round) % METRICS_PEERS.length] as PeerName);
    for (const peer of metricsOrder) await warmUp(round, `metrics ${peer}`, { scenario: "unary", ms: MS, concurrency: 128, peer, addresses });
    for (const peer of metricsOrder) {
      progress(`round ${round + 1}: metrics ${peer}`);
      ((raw.metrics ??= {})[peer] ??= [])[round] = await ask(client, { scenario: "unary", ms: MS, concurrency: 128, peer, addresses });
    }
    for (const on of [true, false]) await warmUp(round, `compression ${on ? "on" : "off"}`, { scenario: "compression", peer: "xtmp-aesgcm", ms: MS, compression: on, addresses });
    for (const on of [true, false]) {
      progress(`round ${round + 1}: compression ${on ? "on" : "off"}`);
      const r = await ask(client, { scenario: "compression", peer: "xtmp-aesgcm", ms: MS, compression: on, addresses });
      ((raw.compression ??= {})[on ? "zstd" : "none"] ??= [])[round] = r;
    }
  }
  const scale: Report["scale"] = [];
  for (const n of SCALE) {
    process.stderr.write(`\r scale: ${n} idle sessions…`.padEnd(70));
    const scaleServer = spawnProc("bench/server.ts");
    const scaleAddr = await first(scaleServer, (m) => m.addresses as Addresses | undefined);
    const before = await rss(scaleServer);
    const t0 = performance.now();
    await ask(client, { scenario: "scale-open", peer: "xtmp-aesgcm", ms: 0, sessions: n, addresses: scaleAddr });
    const openSecs = (performance.now() - t0) / 1000;
    const after = await rss(scaleServer);
    await ask(client, { scenario: "scale-close", peer: "xtmp-aesgcm", ms: 0, addresses: scaleAddr });
    scaleServer.kill();
    scale.push({ sessions: n, bytesPerSession: (after - before) / n, handshakesPerSecond: n / openSecs });
  }
  process.stderr.write("\n");
  server.kill();
  client.kill();
  await ceilings.stop();
  const ceilingMedians = ceilings.result();
  // a failing secondary scenario is reported (stderr and the report's `failures`), not allowed to discard the run
  const failures: string[] = [];
  const secondary = async <T>(name: string, run: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await run();
    } catch (err) {
      const msg = `${name}: ${err instanceof Error ? err.message : String(err)}`;
      process.stderr.write(`\n${msg}\n`);
      failures.push(msg);
      return undefined;
    }
  };
  const fleet = await secondary("fleet", () => runFleet({ rounds: ROUNDS, ms: MS, concurrency: 128 }));
  const fanout = await secondary("fanout", () => runFanout({ rounds: ROUNDS, ms: MS }));
  const bridge = await secondary("bridge", () => runBridge({ rounds: ROUNDS, ms: MS, concurrency: 16 }));
  const workers = await secondary("workers", () => runWorkers({ rounds: ROUNDS, ms: MS, concurrency: 128 }));

  const scenarios: ScenarioResult[] = SCENARIOS.map((sc) => {
    const byPeer = raw[sc.key] ?? {};
    const base = byPeer["grpc-js-tls"] ?? [];
    const peers = Object.fromEntries(
      sc.peers.map((p) => {
        const rs = byPeer[p] ?? [];
        const metric = (k: string) => median(rs.map((r) => r[k] ?? NaN));
        // ratios round by round against grpc-js TLS, then the median
        const ratio = median(rs.map((r, i) => (r.rate ?? NaN) / (base[i]?.rate ?? NaN)));
        const lat = rs[0]?.p50 !== undefined ? { p50: metric("p50"), p99: metric("p99"), p999: metric("p999") } : undefined;
        const value = metric("rate");
        // the bulk row against the ceilings of the same round, then the median (like the ratios)
        const limit = sc.key === "mib" ? { limitMBps: limitFor(p, ceilingMedians), percentOfLimit: median(rs.map((r, i) => (100 * (r.rate ?? NaN)) / limitFor(p, ceilingRounds[i] ?? ceilingMedians))) } : {};
        // the resuming peer is reported in the XTMP AES-GCM column of its rows (the row titles say so)
        const column = p === "xtmp-aesgcm-resume" ? "xtmp-aesgcm" : p;
        return [column, { value, ratioVsGrpcTls: ratio, ...(lat ? { latencyMs: lat } : {}), ...(rs[0]?.ttfrMs !== undefined ? { ttfrMs: metric("ttfrMs") } : {}), ...limit }];
      }),
    );
    return { key: sc.key, title: sc.title, unit: sc.unit, peers };
  });
  const comp = raw.compression ?? {};
  const zstd = comp.zstd ?? [];
  const none = comp.none ?? [];
  const pkg = (name: string) => (JSON.parse(readFileSync(`node_modules/${name}/package.json`, "utf8")) as { version: string }).version;
  const report: Report = {
    date: new Date().toISOString(),
    mode: quick ? "quick" : "full",
    rounds: ROUNDS,
    msPerMeasurement: MS,
    warmupMs: WARMUP_MS,
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? "?", memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
    versions: { "xtmp-rpc": (JSON.parse(readFileSync("package.json", "utf8")) as { version: string }).version, "@grpc/grpc-js": pkg("@grpc/grpc-js"), "@connectrpc/connect-node": pkg("@connectrpc/connect-node") },
    scenarios,
    compression: {
      payloadBytes: zstd[0]?.payloadBytes ?? 0,
      wireBytesZstd: median(zstd.map((r) => r.wireBytesPerCall ?? NaN)),
      wireBytesNone: median(none.map((r) => r.wireBytesPerCall ?? NaN)),
      callsPerSecondZstd: median(zstd.map((r) => r.rate ?? NaN)),
      callsPerSecondNone: median(none.map((r) => r.rate ?? NaN)),
    },
    scale,
    metrics: METRICS_PEERS.map((peer) => {
      const rs = raw.metrics?.[peer] ?? [];
      const off = raw.metrics?.["xtmp-aesgcm"] ?? [];
      return { peer, callsPerSecond: median(rs.map((r) => r.rate ?? NaN)), ratioVsOff: median(rs.map((r, i) => (r.rate ?? NaN) / (off[i]?.rate ?? NaN))), p50Ms: median(rs.map((r) => r.p50 ?? NaN)) };
    }),
    ...(fleet ? { fleet } : {}),
    ...(fanout ? { fanout } : {}),
    ...(bridge ? { bridge } : {}),
    ...(workers ? { workers } : {}),
    ...(failures.length ? { failures } : {}),
    ceilings: ceilingMedians,
    limitFormula: LIMIT_FORMULA,
    durationSeconds: (Date.now() - started) / 1000,
  };
  mkdirSync("bench/results", { recursive: true });
  mkdirSync("docs/bench", { recursive: true });
  writeFileSync("bench/results/latest.json", JSON.stringify(report, null, 2) + "\n");
  const md = renderMarkdown(report);
  writeFileSync("bench/results/latest.md", md);
  writeFileSync("docs/bench/ratios.svg", renderRatioChart(report));
  writeFileSync("docs/bench/latency.svg", renderLatencyChart(report));
  console.log(md);
  console.log(`wrote bench/results/latest.json, bench/results/latest.md, docs/bench/ratios.svg, docs/bench/latency.svg (${report.durationSeconds.toFixed(0)} s)`);
}

await main();
