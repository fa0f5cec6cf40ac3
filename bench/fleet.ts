// Fleet benchmark (`npm run bench:fleet`): unary calls/s against one server vs balanced over three server processes, same run.
import type { ChildProcess } from "node:child_process";
import { ask, first, forkRole, intArg, killAll, serveJobs } from "./procs.js";
// the same lifted admission limits as the main bench server (every benchmark connection comes from 127.0.0.1)
import { CAPACITY } from "./peers.js";
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import hdr from "hdr-histogram-js";
import { BenchServiceDefinition, type BenchServiceImplementation } from "./gen/bench/v1/bench_xtmp.js";
import { renderFleet, type FleetResult, type FleetRow } from "./report.js";
import { median } from "./stats.js";
import { createChannel, createClient, createServer, identityFromSeed, type LoadBalancingPolicy } from "../src/index.js";

/** The three measured set-ups, in report order: one server alone, then the balanced fleet. */
const VARIANTS = [
  { key: "one", title: "one server", servers: 1, policy: undefined },
  { key: "round_robin", title: "round_robin over 3 servers", servers: 3, policy: "round_robin" },
  { key: "least_request", title: "least_request over 3 servers", servers: 3, policy: "least_request" },
] as const satisfies ReadonlyArray<{ key: string; title: string; servers: number; policy: LoadBalancingPolicy | undefined }>;
type VariantKey = (typeof VARIANTS)[number]["key"];

/** One measurement asked of the client process. */
interface FleetJob {
  variant: VariantKey;
  ports: number[];
  serverKeyHex: string;
  ms: number;
  concurrency: number;
}

/** What the client process reports for one measurement. */
interface FleetMeasurement {
  rate: number;
  p50: number;
  p99: number;
  cpuUsPerCall: number;
}

/** Options of `runFleet`. */
export interface FleetOptions {
  rounds: number;
  ms: number;
  concurrency: number;
  /** Progress lines (default: stderr). */
  progress?: (what: string) => void;
}

// ---- server role: one XTMP bench server; counts unary calls; answers `calls` over IPC ----

async function serverRole(seedHex: string): Promise<void> {
  let calls = 0;
  const impl: BenchServiceImplementation = {
    unary: (req) => {
      calls++;
      return { payload: new Uint8Array(req.responseSize) };
    },
    async *serverStream() {},
    async *pingPong() {},
  };
  const server = createServer({ identity: identityFromSeed(Uint8Array.from(Buffer.from(seedHex, "hex"))), maxConcurrentStreams: 10_000, keepaliveMs: 0, ...CAPACITY });
  server.add(BenchServiceDefinition, impl);
  const { port } = await server.listen("127.0.0.1:0");
  process.on("message", (msg: { cmd?: string }) => {
    if (msg.cmd === "calls") process.send?.({ calls });
  });
  process.on("disconnect", () => process.exit(0));
  process.send?.({ port });
}

// ---- client role: one channel per measurement, `concurrency` loops of unary 100 B calls ----

const small = new Uint8Array(100);

async function waitReady(endpoints: () => ReadonlyArray<{ state: string }>, want: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(endpoints().length === want && endpoints().every((e) => e.state === "ready"))) {
    if (Date.now() > deadline) throw new Error(`endpoints not all ready within 15 s: ${JSON.stringify(endpoints())}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function measure(job: FleetJob): Promise<FleetMeasurement> {
  const v = VARIANTS.find((x) => x.key === job.variant);
  if (!v) throw new Error(`unknown variant ${job.variant}`);
  const ports = job.ports.slice(0, v.servers);
  const target = v.policy === undefined ? `xtmp://127.0.0.1:${ports[0]}` : `static:///${ports.map((p) => `127.0.0.1:${p}`).join(",")}`;
  const channel = createChannel(target, {
    serverKey: Uint8Array.from(Buffer.from(job.serverKeyHex, "hex")),
    cipher: "AESGCM",
    keepaliveMs: 0,
    compression: false,
    datagram: false,
    ...(v.policy ? { loadBalancing: v.policy } : {}),
  });
  try {
    const client = createClient(BenchServiceDefinition, channel);
    await channel.connect();
    await waitReady(() => channel.endpoints, ports.length);
    // warm every connection (a balanced channel spreads these over all of them)
    await Promise.all(Array.from({ length: job.concurrency }, () => client.unary({ payload: small, responseSize: 100 })));
    const h = hdr.build();
    let n = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const end = t0 + job.ms;
    await Promise.all(
      Array.from({ length: job.concurrency }, async () => {
        while (performance.now() < end) {
          const c0 = performance.now();
          await client.unary({ payload: small, responseSize: 100 });
          h.recordValue(Math.round((performance.now() - c0) * 1000));
          n++;
        }
      }),
    );
    const secs = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    return { rate: n / secs, p50: h.getValueAtPercentile(50) / 1000, p99: h.getValueAtPercentile(99) / 1000, cpuUsPerCall: (cpu.user + cpu.system) / n };
  } finally {
    channel.close();
  }
}


// ---- orchestrator ----

const SELF = fileURLToPath(import.meta.url);
const spawnRole = (args: string[]): ChildProcess => forkRole(SELF, args);



function askJob(client: ChildProcess, job: FleetJob): Promise<FleetMeasurement> {
  return ask<FleetMeasurement>(client, job, `fleet ${job.variant}`, job.ms + 60_000);
}

const callsOf = (server: ChildProcess) => {
  server.send({ cmd: "calls" });
  return first(server, (m) => (typeof m.calls === "number" ? m.calls : undefined), "fleet server calls");
};


/**
 * Starts 3 bench server processes sharing one identity and one client process; per round (variant
 * order rotated each round) measures unary 100 B calls at `concurrency` against server 1 alone and
 * balanced over all three; reports medians and the median per-round ratio vs one server.
 */
export async function runFleet(o: FleetOptions): Promise<FleetResult> {
  const progress = o.progress ?? ((what: string) => process.stderr.write(`\r fleet: ${what}`.padEnd(70)));
  const seed = randomBytes(32);
  const serverKeyHex = Buffer.from(identityFromSeed(seed).publicKey).toString("hex");
  const children: ChildProcess[] = [];
  try {
    const servers = [0, 1, 2].map(() => spawnRole(["server", seed.toString("hex")]));
    children.push(...servers);
    const ports = await Promise.all(servers.map((s) => first(s, (m) => (typeof m.port === "number" ? m.port : undefined), "fleet server start")));
    const client = spawnRole(["client"]);
    children.push(client);
    await first(client, (m) => (m.ready ? true : undefined), "fleet client start");
    const job = (variant: VariantKey, ms: number): FleetJob => ({ variant, ports, serverKeyHex, ms, concurrency: o.concurrency });
    progress("warm-up");
    for (const v of VARIANTS) await askJob(client, job(v.key, Math.min(o.ms, 300)));
    const raw: Record<string, FleetMeasurement[]> = {};
    const shares: Record<string, number[][]> = {};
    for (let round = 0; round < o.rounds; round++) {
      for (let i = 0; i < VARIANTS.length; i++) {
        const v = VARIANTS[(i + round) % VARIANTS.length] as (typeof VARIANTS)[number];
        progress(`round ${round + 1}/${o.rounds}: ${v.title}`);
        const before = await Promise.all(servers.map(callsOf));
        const m = await askJob(client, job(v.key, o.ms));
        const after = await Promise.all(servers.map(callsOf));
        const delta = after.map((a, k) => a - (before[k] ?? 0));
        const total = delta.reduce((s, x) => s + x, 0);
        ((shares[v.key] ??= [])[round] = delta.map((d) => d / total));
        (raw[v.key] ??= [])[round] = m;
      }
    }
    progress("done");
    process.stderr.write("\n");
    const one = raw.one ?? [];
    const rows: FleetRow[] = VARIANTS.map((v) => {
      const rs = raw[v.key] ?? [];
      const sh = shares[v.key] ?? [];
      return {
        key: v.key,
        title: v.title,
        servers: v.servers,
        callsPerSecond: median(rs.map((r) => r.rate)),
        ratioVsOne: median(rs.map((r, i) => r.rate / (one[i]?.rate ?? NaN))),
        p50Ms: median(rs.map((r) => r.p50)),
        p99Ms: median(rs.map((r) => r.p99)),
        clientCpuUsPerCall: median(rs.map((r) => r.cpuUsPerCall)),
        sharePerServer: [0, 1, 2].map((k) => median(sh.map((s) => s[k] ?? 0))),
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
    const fleet = await runFleet({ rounds: arg("--rounds", 3), ms: arg("--ms", 1000), concurrency: arg("--concurrency", 128) });
    mkdirSync("bench/results", { recursive: true });
    writeFileSync("bench/results/fleet.json", JSON.stringify({ date: new Date().toISOString(), ...fleet }, null, 2) + "\n");
    const md = renderFleet(fleet);
    writeFileSync("bench/results/fleet.md", md);
    console.log(md);
    console.log(`wrote bench/results/fleet.json, bench/results/fleet.md (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
}
