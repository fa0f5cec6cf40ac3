// Bridge benchmark (`npm run bench:bridge`): unary calls/s from a grpc-js client through the XTMP gRPC bridge vs a direct grpc-js server, same run.
import type { ChildProcess } from "node:child_process";
import { ask, first, forkRole, intArg, killAll, serveJobs } from "./procs.js";
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import hdr from "hdr-histogram-js";
import { BenchServiceDefinition } from "./gen/bench/v1/bench_xtmp.js";
import { connectPeer, impl, startServers, type Addresses } from "./peers.js";
import { renderBridge, type BridgeResult, type BridgeRow } from "./report.js";
import { median } from "./stats.js";
import { createServer, generateIdentity } from "../src/index.js";

/** The two measured servers, in report order: the plain grpc-js server, then XTMP behind its bridge. */
const VARIANTS = [
  { key: "direct", title: "grpc-js server (direct)" },
  { key: "bridge", title: "XTMP server via gRPC bridge" },
] as const;
type VariantKey = (typeof VARIANTS)[number]["key"];

/** One measurement asked of the client process. */
interface BridgeJob {
  variant: VariantKey;
  target: string;
  ms: number;
  concurrency: number;
}

/** What the client process reports for one measurement. */
interface BridgeMeasurement {
  calls: number;
  rate: number;
  p50: number;
  p99: number;
  cpuUsPerCall: number;
}

/** Options of `runBridge`. */
export interface BridgeOptions {
  rounds: number;
  ms: number;
  concurrency: number;
  /** Progress lines (default: stderr). */
  progress?: (what: string) => void;
}

// ---- server roles: answer `cpu` (process CPU time, µs) over IPC ----

async function serverRole(kind: string): Promise<void> {
  let target: string;
  if (kind === "direct") {
    // the bench peers' server set; only its plain (h2c) grpc-js server is called here
    target = (await startServers()).grpc;
  } else if (kind === "bridge") {
    // same stream and message limits as the grpc-js peer (10,000 streams, 8 MiB messages)
    const server = createServer({ identity: generateIdentity(), maxConcurrentStreams: 10_000, maxRecvMessage: 8 << 20, keepaliveMs: 0 });
    server.add(BenchServiceDefinition, impl);
    target = `127.0.0.1:${(await server.listen("grpc://127.0.0.1:0")).port}`;
  } else throw new Error(`unknown server kind ${kind}`);
  process.on("message", (msg: { cmd?: string }) => {
    if (msg.cmd === "cpu") {
      const c = process.cpuUsage();
      process.send?.({ cpu: c.user + c.system });
    }
  });
  process.on("disconnect", () => process.exit(0));
  process.send?.({ target });
}

// ---- client role: one grpc-js client per measurement, `concurrency` loops of unary 100 B calls ----

const small = new Uint8Array(100);

async function measure(job: BridgeJob): Promise<BridgeMeasurement> {
  // the peers' grpc-js client (plaintext h2c); only `grpc` of the addresses is used
  const addresses: Addresses = { xtmp: "", xtmpKey: "", xtmpInsecure: "", xtmpPrometheus: "", xtmpOtel: "", grpc: job.target, grpcTls: "", grpcCert: "", connect: "" };
  const client = await connectPeer("grpc-js", addresses);
  try {
    await Promise.all(Array.from({ length: job.concurrency }, () => client.unary(small, 100)));
    const h = hdr.build();
    let n = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const end = t0 + job.ms;
    await Promise.all(
      Array.from({ length: job.concurrency }, async () => {
        while (performance.now() < end) {
          const c0 = performance.now();
          const got = await client.unary(small, 100);
          if (got !== 100) throw new Error(`response of ${got} bytes, expected 100`);
          h.recordValue(Math.round((performance.now() - c0) * 1000));
          n++;
        }
      }),
    );
    const secs = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    return { calls: n, rate: n / secs, p50: h.getValueAtPercentile(50) / 1000, p99: h.getValueAtPercentile(99) / 1000, cpuUsPerCall: (cpu.user + cpu.system) / n };
  } finally {
    client.close();
  }
}


// ---- orchestrator ----

const SELF = fileURLToPath(import.meta.url);
const spawnRole = (args: string[]): ChildProcess => forkRole(SELF, args);



function askJob(client: ChildProcess, job: BridgeJob): Promise<BridgeMeasurement> {
  return ask<BridgeMeasurement>(client, job, `bridge ${job.variant}`, job.ms + 60_000);
}

const cpuOf = (server: ChildProcess) => {
  server.send({ cmd: "cpu" });
  return first(server, (m) => (typeof m.cpu === "number" ? m.cpu : undefined), "bridge server cpu");
};


/**
 * Starts a direct grpc-js server process, an XTMP server process listening on grpc://, and one
 * client process; per round (order alternated each round) measures unary 100 B calls at
 * `concurrency` from the same grpc-js client code against each; reports medians and the median
 * per-round ratio bridge/direct, plus each server process's CPU time per call.
 */
export async function runBridge(o: BridgeOptions): Promise<BridgeResult> {
  const progress = o.progress ?? ((what: string) => process.stderr.write(`\r bridge: ${what}`.padEnd(70)));
  const children: ChildProcess[] = [];
  try {
    const servers = { direct: spawnRole(["server", "direct"]), bridge: spawnRole(["server", "bridge"]) };
    children.push(servers.direct, servers.bridge);
    const [directTarget, bridgeTarget] = await Promise.all(
      [servers.direct, servers.bridge].map((s) => first(s, (m) => (typeof m.target === "string" ? m.target : undefined), "bridge server start")),
    );
    const targets: Record<VariantKey, string> = { direct: directTarget ?? "", bridge: bridgeTarget ?? "" };
    const client = spawnRole(["client"]);
    children.push(client);
    await first(client, (m) => (m.ready ? true : undefined), "bridge client start");
    const job = (variant: VariantKey, ms: number): BridgeJob => ({ variant, target: targets[variant], ms, concurrency: o.concurrency });
    progress("warm-up");
    for (const v of VARIANTS) await askJob(client, job(v.key, Math.min(o.ms, 300)));
    const raw: Partial<Record<VariantKey, Array<BridgeMeasurement & { serverCpuUsPerCall: number }>>> = {};
    for (let round = 0; round < o.rounds; round++) {
      for (let i = 0; i < VARIANTS.length; i++) {
        const v = VARIANTS[(i + round) % VARIANTS.length] as (typeof VARIANTS)[number];
        progress(`round ${round + 1}/${o.rounds}: ${v.title}`);
        const before = await cpuOf(servers[v.key]);
        const m = await askJob(client, job(v.key, o.ms));
        const after = await cpuOf(servers[v.key]);
        (raw[v.key] ??= [])[round] = { ...m, serverCpuUsPerCall: (after - before) / m.calls };
      }
    }
    progress("done");
    process.stderr.write("\n");
    const direct = raw.direct ?? [];
    const rows: BridgeRow[] = VARIANTS.map((v) => {
      const rs = raw[v.key] ?? [];
      return {
        key: v.key,
        title: v.title,
        callsPerSecond: median(rs.map((r) => r.rate)),
        ratioVsDirect: median(rs.map((r, i) => r.rate / (direct[i]?.rate ?? NaN))),
        p50Ms: median(rs.map((r) => r.p50)),
        p99Ms: median(rs.map((r) => r.p99)),
        clientCpuUsPerCall: median(rs.map((r) => r.cpuUsPerCall)),
        serverCpuUsPerCall: median(rs.map((r) => r.serverCpuUsPerCall)),
      };
    });
    return { concurrency: o.concurrency, rounds: o.rounds, msPerMeasurement: o.ms, rows };
  } finally {
    await killAll(children);
  }
}

// ---- entry points: `server` / `client` roles in children; standalone run otherwise ----

const isMain = process.argv[1] !== undefined && pathToFileURL(resolve(process.argv[1])).href === import.meta.url;
if (isMain) {
  const role = process.argv[2];
  if (role === "server") await serverRole(process.argv[3] ?? "");
  else if (role === "client") serveJobs(measure);
  else {
    const arg = intArg;
    const started = Date.now();
    const bridge = await runBridge({ rounds: arg("--rounds", 5), ms: arg("--ms", 1500), concurrency: arg("--concurrency", 16) });
    mkdirSync("bench/results", { recursive: true });
    writeFileSync("bench/results/bridge.json", JSON.stringify({ date: new Date().toISOString(), ...bridge }, null, 2) + "\n");
    const md = renderBridge(bridge);
    writeFileSync("bench/results/bridge.md", md);
    console.log(md);
    console.log(`wrote bench/results/bridge.json, bench/results/bridge.md (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
}
