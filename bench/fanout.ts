// LiveUpdates fan-out benchmark (`npm run bench:fanout`): 1 publisher, 100 subscribers, embedded ledger vs NATS JetStream, same run.
import type { ChildProcess } from "node:child_process";
import { ask, first, forkRole, intArg, killAll, serveJobs } from "./procs.js";
// the same lifted admission limits as the main bench server (every benchmark connection comes from 127.0.0.1)
import { CAPACITY } from "./peers.js";
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import hdr from "hdr-histogram-js";
import { BundleStatus, type LiveUpdatesResponse } from "../generated/bpci/v1/bpci.js";
import { BpciServiceDefinition } from "../generated/bpci/v1/bpci_xtmp.js";
import { createBpciService } from "../services/bpci/service.js";
import { createChannel, createClient, createServer, generateIdentity, identityFromSeed, type Channel } from "../src/index.js";
import { startBenchNats, type BenchNats } from "./nats-server.js";
import { renderFanout, type FanoutResult, type FanoutRow } from "./report.js";
import { median } from "./stats.js";

/** The two measured ledgers, in report order. */
const VARIANTS = [
  { key: "embedded", title: "embedded ledger, 1 server (all subscribers on it)", servers: 1 },
  { key: "nats", title: "NATS JetStream ledger, 3 servers (subscribers round-robin)", servers: 3 },
] as const;
type VariantKey = (typeof VARIANTS)[number]["key"];

/** Events either ledger retains (the NATS ledger's default), so a lagging subscriber is never cut OUT_OF_RANGE. */
const HISTORY = 1_000_000;

/** One measurement asked of the client process. */
interface FanoutJob {
  variant: VariantKey;
  ports: number[];
  serverKeyHex: string;
  ms: number;
  subscribers: number;
  inFlight: number;
  /** Unique per measurement: prefixes bundle ids (the NATS ledger de-duplicates ids across the run). */
  tag: string;
}

/** What the client process reports for one measurement. */
interface FanoutMeasurement {
  publishedPerSecond: number;
  deliveredPerSecond: number;
  p50: number;
  p99: number;
  missing: number;
  disordered: number;
  submitErrors: number;
  /** CPU of the client process (publisher + all subscribers) from the first publish to the last delivery, in cores. */
  clientCores: number;
}

/** Options of `runFanout`. */
export interface FanoutOptions {
  rounds: number;
  ms: number;
  subscribers?: number;
  inFlight?: number;
  /** Progress lines (default: stderr). */
  progress?: (what: string) => void;
}

// ---- server role: BPCI over the embedded ledger, or over NATS JetStream with `bus` ----

async function serverRole(seedHex: string, bus: string): Promise<void> {
  const bpci = createBpciService(bus === "-" ? { memory: { historySize: HISTORY } } : { bus, nats: { maxEvents: HISTORY } });
  if (!bpci.ledger.available) {
    await new Promise<void>((res) => {
      const off = bpci.ledger.onAvailability((up) => {
        if (up) {
          off();
          res();
        }
      });
    });
  }
  const server = createServer({ identity: identityFromSeed(Uint8Array.from(Buffer.from(seedHex, "hex"))), maxConcurrentStreams: 10_000, keepaliveMs: 0, ...CAPACITY });
  server.add(BpciServiceDefinition, bpci.impl);
  const { port } = await server.listen("127.0.0.1:0");
  process.on("disconnect", () => process.exit(0));
  process.send?.({ port });
}

// ---- client role: a publisher channel and one channel per subscriber, all in this process (one clock) ----

const clientIdentity = generateIdentity();
const payload = new Uint8Array(randomBytes(64));
const bundle = (id: string) => ({ bundle: { bundleId: id, transactions: [{ txId: id, fromWallet: "alice", toWallet: "bob", amount: 1n, fee: 1n, payload }] } });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitReady(channel: Channel, want: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(channel.endpoints.length === want && channel.endpoints.every((e) => e.state === "ready"))) {
    if (Date.now() > deadline) throw new Error(`endpoints not all ready within 15 s: ${JSON.stringify(channel.endpoints)}`);
    await pause(5);
  }
}

/** Waits (bounded) until `done()`; false if the deadline passed first. */
async function until(done: () => boolean, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (!done()) {
    if (performance.now() > deadline) return false;
    await pause(2);
  }
  return true;
}

/** One subscriber's view: the last sequence seen and how many measured bundles arrived. */
interface Sub {
  lastSeq: bigint;
  count: number;
  disordered: number;
}

async function measure(job: FanoutJob): Promise<FanoutMeasurement> {
  const v = VARIANTS.find((x) => x.key === job.variant);
  if (!v) throw new Error(`unknown variant ${job.variant}`);
  const ports = job.ports.slice(0, v.servers);
  const options = { identity: clientIdentity, serverKey: Uint8Array.from(Buffer.from(job.serverKeyHex, "hex")), cipher: "AESGCM", keepaliveMs: 0, compression: false, datagram: false } as const;
  const pubTarget = ports.length === 1 ? `xtmp://127.0.0.1:${ports[0]}` : `static:///${ports.map((p) => `127.0.0.1:${p}`).join(",")}`;
  const pubChannel = createChannel(pubTarget, { ...options, loadBalancing: "round_robin" });
  const subChannels = Array.from({ length: job.subscribers }, (_, i) => createChannel(`xtmp://127.0.0.1:${ports[i % ports.length]}`, options));
  const stops = subChannels.map(() => new AbortController());
  let stopping = false;
  const failures: unknown[] = [];
  const loops: Promise<void>[] = [];
  try {
    const publisher = createClient(BpciServiceDefinition, pubChannel);
    await pubChannel.connect();
    await waitReady(pubChannel, ports.length);
    // connect subscribers 32 at a time: the servers admit a bounded number of handshakes in progress
    for (let i = 0; i < subChannels.length; i += 32) {
      const batch = subChannels.slice(i, i + 32);
      await Promise.all(batch.map((c) => c.connect()));
      await Promise.all(batch.map((c) => waitReady(c, 1)));
    }

    // measured bundles are `${prefix}${i}`; sentAt[i] is when SubmitBundle of bundle i started
    const prefix = `${job.tag}-`;
    const sentAt: number[] = [];
    const h = hdr.build();
    let delivered = 0;
    let lastDelivery = 0;
    const subs: Sub[] = subChannels.map(() => ({ lastSeq: 0n, count: 0, disordered: 0 }));
    const onUpdate = (s: Sub, u: LiveUpdatesResponse) => {
      const now = performance.now();
      if (u.sequence <= s.lastSeq) s.disordered++;
      s.lastSeq = u.sequence;
      const id = u.event?.$case === "bundle" ? u.event.bundle.bundleId : "";
      if (!id.startsWith(prefix)) return;
      const t = sentAt[Number(id.slice(prefix.length))];
      if (t === undefined) return;
      h.recordValue(Math.max(1, Math.round((now - t) * 1000)));
      s.count++;
      delivered++;
      lastDelivery = now;
    };
    subChannels.forEach((c, i) => {
      const s = subs[i] as Sub;
      const updates = createClient(BpciServiceDefinition, c).liveUpdates({ topics: ["bundles"] }, { signal: (stops[i] as AbortController).signal });
      loops.push(
        (async () => {
          for await (const u of updates) onUpdate(s, u);
        })().catch((err: unknown) => {
          if (!stopping) failures.push(err);
        }),
      );
    });
    const alive = () => {
      if (failures.length > 0) throw new Error(`a subscription failed: ${String(failures[0])}`);
    };

    // sync: publish marker bundles until every subscription is live, then until each has caught up with the last one
    let lastSync = 0n;
    for (let k = 0; !subs.every((s) => s.lastSeq > 0n); k++) {
      alive();
      if (k > 3000) throw new Error("subscriptions not live after 3,000 sync bundles");
      lastSync = (await publisher.submitBundle(bundle(`${job.tag}-sync-${k}`))).sequence;
      await pause(5);
    }
    if (!(await until(() => subs.every((s) => s.lastSeq >= lastSync), 30_000))) throw new Error("subscribers did not catch up with the sync bundles within 30 s");
    for (const s of subs) s.disordered = 0;

    // measure: `inFlight` loops submit as fast as acknowledgements allow for `ms`
    let next = 0;
    let published = 0;
    let submitErrors = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const end = t0 + job.ms;
    await Promise.all(
      Array.from({ length: job.inFlight }, async () => {
        while (performance.now() < end) {
          const i = next++;
          sentAt[i] = performance.now();
          try {
            const r = await publisher.submitBundle(bundle(`${prefix}${i}`));
            if (r.status === BundleStatus.BUNDLE_STATUS_ACCEPTED) published++;
            else submitErrors++;
          } catch {
            submitErrors++;
          }
        }
      }),
    );
    const publishSecs = (performance.now() - t0) / 1000;
    // drain: every subscriber should receive every acknowledged bundle (bounded; shortfall is reported as missing)
    await until(() => failures.length > 0 || subs.every((s) => s.count >= published), 60_000);
    const cpu = process.cpuUsage(cpu0);
    alive();
    return {
      publishedPerSecond: published / publishSecs,
      deliveredPerSecond: delivered === 0 ? 0 : delivered / ((lastDelivery - t0) / 1000),
      p50: h.getValueAtPercentile(50) / 1000,
      p99: h.getValueAtPercentile(99) / 1000,
      missing: subs.reduce((n, s) => n + Math.max(0, published - s.count), 0),
      disordered: subs.reduce((n, s) => n + s.disordered, 0),
      submitErrors,
      clientCores: (cpu.user + cpu.system) / 1000 / (Math.max(lastDelivery, end) - t0),
    };
  } finally {
    stopping = true;
    for (const s of stops) s.abort();
    for (const c of [pubChannel, ...subChannels]) c.close();
    await Promise.all(loops);
  }
}


// ---- orchestrator ----

const SELF = fileURLToPath(import.meta.url);
const spawnRole = (args: string[]): ChildProcess => forkRole(SELF, args);



function askJob(client: ChildProcess, job: FanoutJob): Promise<FanoutMeasurement> {
  return ask<FanoutMeasurement>(client, job, `fanout ${job.variant}`, job.ms + 180_000);
}


/**
 * Starts nats-server (JetStream, temp store), one embedded-ledger server process, three NATS-ledger
 * server processes (one identity) and a client process; per round (variant order rotated) measures
 * 1 publisher and `subscribers` LiveUpdates subscribers on each ledger; reports medians.
 */
export async function runFanout(o: FanoutOptions): Promise<FanoutResult> {
  const progress = o.progress ?? ((what: string) => process.stderr.write(`\r fanout: ${what}`.padEnd(70)));
  const subscribers = o.subscribers ?? 100;
  const inFlight = o.inFlight ?? 16;
  const seed = randomBytes(32);
  const serverKeyHex = Buffer.from(identityFromSeed(seed).publicKey).toString("hex");
  const runTag = randomBytes(4).toString("hex");
  const children: ChildProcess[] = [];
  let nats: BenchNats | undefined;
  try {
    progress("starting nats-server");
    nats = await startBenchNats();
    const embedded = spawnRole(["server", seed.toString("hex"), "-"]);
    const bus = [0, 1, 2].map(() => spawnRole(["server", seed.toString("hex"), (nats as BenchNats).url]));
    children.push(embedded, ...bus);
    const portOf = (s: ChildProcess) => first(s, (m) => (typeof m.port === "number" ? m.port : undefined), "fanout server start");
    const ports: Record<VariantKey, number[]> = { embedded: [await portOf(embedded)], nats: await Promise.all(bus.map(portOf)) };
    const client = spawnRole(["client"]);
    children.push(client);
    await first(client, (m) => (m.ready ? true : undefined), "fanout client start");
    let measurement = 0;
    const job = (variant: VariantKey, ms: number): FanoutJob => ({ variant, ports: ports[variant], serverKeyHex, ms, subscribers, inFlight, tag: `${runTag}-${++measurement}` });
    progress("warm-up");
    for (const v of VARIANTS) await askJob(client, job(v.key, Math.min(o.ms, 300)));
    const raw: Record<string, FanoutMeasurement[]> = {};
    for (let round = 0; round < o.rounds; round++) {
      for (let i = 0; i < VARIANTS.length; i++) {
        const v = VARIANTS[(i + round) % VARIANTS.length] as (typeof VARIANTS)[number];
        progress(`round ${round + 1}/${o.rounds}: ${v.key}`);
        (raw[v.key] ??= [])[round] = await askJob(client, job(v.key, o.ms));
      }
    }
    progress("done");
    process.stderr.write("\n");
    const rows: FanoutRow[] = VARIANTS.map((v) => {
      const rs = raw[v.key] ?? [];
      return {
        key: v.key,
        title: v.title,
        servers: v.servers,
        publishedPerSecond: median(rs.map((r) => r.publishedPerSecond)),
        deliveredPerSecond: median(rs.map((r) => r.deliveredPerSecond)),
        p50Ms: median(rs.map((r) => r.p50)),
        p99Ms: median(rs.map((r) => r.p99)),
        missing: rs.reduce((n, r) => n + r.missing, 0),
        disordered: rs.reduce((n, r) => n + r.disordered, 0),
        submitErrors: rs.reduce((n, r) => n + r.submitErrors, 0),
        clientCores: median(rs.map((r) => r.clientCores)),
      };
    });
    return { subscribers, inFlight, rounds: o.rounds, msPerMeasurement: o.ms, rows };
  } finally {
    await killAll(children);
    await nats?.stop();
  }
}

// ---- entry points: `server` / `client` roles in children; standalone run otherwise ----

const isMain = process.argv[1] !== undefined && pathToFileURL(resolve(process.argv[1])).href === import.meta.url;
if (isMain) {
  const role = process.argv[2];
  if (role === "server") await serverRole(process.argv[3] ?? "", process.argv[4] ?? "-");
  else if (role === "client") serveJobs(measure);
  else {
    const arg = intArg;
    const started = Date.now();
    const fanout = await runFanout({ rounds: arg("--rounds", 3), ms: arg("--ms", 1500), subscribers: arg("--subscribers", 100), inFlight: arg("--in-flight", 16) });
    mkdirSync("bench/results", { recursive: true });
    writeFileSync("bench/results/fanout.json", JSON.stringify({ date: new Date().toISOString(), ...fanout }, null, 2) + "\n");
    const md = renderFanout(fanout);
    writeFileSync("bench/results/fanout.md", md);
    console.log(md);
    console.log(`wrote bench/results/fanout.json, bench/results/fanout.md (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
}
