// `npx tsx bench/idle-memory.ts [--sessions 2000,10000] [--snapshot 2000] [--defaults 2000]`: what an idle session costs the server (RSS, heap, by constructor).
import { fork, type ChildProcess } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as v8 from "node:v8";
import { fileURLToPath } from "node:url";
import { CAPACITY } from "./peers.js";
import { ask, first, killAll, serveJobs } from "./procs.js";
import { createChannel, createServer, generateIdentity, parsePublicKey, type Channel } from "../src/index.js";

type Profile = "bench" | "defaults";

interface Memory {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  resources: Record<string, number>;
}

interface ServerJob {
  cmd: "listen" | "measure" | "snapshot";
  profile?: Profile;
  file?: string;
}

interface ClientJob {
  cmd: "open" | "close";
  address?: string;
  key?: string;
  sessions?: number;
  profile?: Profile;
}

const self = fileURLToPath(import.meta.url);
const role = process.argv[2];

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) g?.();
}

function resources(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) out[r] = (out[r] ?? 0) + 1;
  return out;
}

// ---- server role: one XTMP server; answers memory questions ----
async function serverJob(job: ServerJob): Promise<unknown> {
  if (job.cmd === "listen") {
    const identity = generateIdentity();
    // "bench" is the server of bench/peers.ts (keepalive off, capacity lifted); "defaults" changes only what a benchmark from one host must
    const server = job.profile === "bench" ? createServer({ identity, maxConcurrentStreams: 10_000, keepaliveMs: 0, ...CAPACITY }) : createServer({ identity, ...CAPACITY });
    const { port } = await server.listen("xtmp://127.0.0.1:0");
    return { address: `127.0.0.1:${port}`, key: Buffer.from(identity.publicKey).toString("hex") };
  }
  gc();
  if (job.cmd === "snapshot") {
    v8.writeHeapSnapshot(job.file);
    gc();
    return {};
  }
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, resources: resources() } satisfies Memory;
}

// ---- client role: holds idle channels ----
const held: Channel[] = [];
async function clientJob(job: ClientJob): Promise<unknown> {
  if (job.cmd === "close") {
    for (const ch of held.splice(0)) ch.close();
    return {};
  }
  const serverKey = parsePublicKey(job.key as string);
  const opts = job.profile === "bench" ? { serverKey, keepaliveMs: 0, datagram: false } : { serverKey };
  for (let i = 0; i < (job.sessions ?? 0); i++) {
    const ch = createChannel(`xtmp://${job.address}`, opts);
    await ch.connect();
    held.push(ch);
  }
  return { sessions: held.length };
}

// ---- heap snapshot: self sizes by (type, constructor or function name) ----
interface Group {
  count: number;
  bytes: number;
}

function groupSnapshot(file: string): Map<string, Group> {
  const snap = JSON.parse(readFileSync(file, "utf8")) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const iType = fields.indexOf("type");
  const iName = fields.indexOf("name");
  const iSize = fields.indexOf("self_size");
  const out = new Map<string, Group>();
  const { nodes, strings } = snap;
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + iType] as number] as string;
    const name = strings[nodes[i + iName] as number] as string;
    const key = type === "string" || type === "concatenated string" || type === "sliced string" || type === "number" || type === "code" ? type : `${type} ${name.slice(0, 60)}`;
    const g = out.get(key) ?? { count: 0, bytes: 0 };
    g.count++;
    g.bytes += nodes[i + iSize] as number;
    out.set(key, g);
  }
  return out;
}

const kib = (b: number) => `${(b / 1024).toFixed(2)} KiB`;

// snapshots are taken in a run of their own: writing one grows the RSS, which would hide what the sessions cost
async function measure(profile: Profile, counts: number[], snapshotAt?: number): Promise<void> {
  const server = fork(self, ["server"], { execArgv: ["--import", "tsx", "--expose-gc"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const client = fork(self, ["client"], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const children: ChildProcess[] = [server, client];
  try {
    await Promise.all([first(server, (m) => (m.ready ? true : undefined), "server"), first(client, (m) => (m.ready ? true : undefined), "client")]);
    const { address, key } = await ask<{ address: string; key: string }>(server, { cmd: "listen", profile }, "listen", 30_000);
    let open = 0;
    // warm up: a few sessions opened and closed, so lazily loaded code and one-time caches are not counted
    await ask(client, { cmd: "open", address, key, sessions: 50, profile }, "warm-up", 60_000);
    await ask(client, { cmd: "close" }, "close", 60_000);
    await new Promise((r) => setTimeout(r, 500)); // let the server see the closes
    const base = await ask<Memory>(server, { cmd: "measure" }, "measure", 60_000);
    const tmp = path.join(os.tmpdir(), `idle-${process.pid}`);
    if (snapshotAt !== undefined) await ask(server, { cmd: "snapshot", file: `${tmp}-0.heapsnapshot` }, "snapshot", 300_000);
    console.log(`\n## profile "${profile}" (${profile === "bench" ? "client keepaliveMs: 0, datagram: false; server keepaliveMs: 0" : "client and server defaults: UDP path and keepalive on"})${snapshotAt ? ", heap snapshots" : ""}`);
    console.log("| sessions | RSS/session | heap/session | external/session | arrayBuffers/session | server resources |");
    console.log("|---:|---:|---:|---:|---:|---|");
    for (const n of counts) {
      await ask(client, { cmd: "open", address, key, sessions: n - open, profile }, "open", 600_000);
      open = n;
      const m = await ask<Memory>(server, { cmd: "measure" }, "measure", 60_000);
      const res = Object.entries(m.resources).map(([k, v]) => `${k} ${v - (base.resources[k] ?? 0)}`).join(", ");
      console.log(`| ${n} | ${kib((m.rss - base.rss) / n)} | ${kib((m.heapUsed - base.heapUsed) / n)} | ${kib((m.external - base.external) / n)} | ${kib((m.arrayBuffers - base.arrayBuffers) / n)} | ${res} |`);
      if (n === snapshotAt) {
        await ask(server, { cmd: "snapshot", file: `${tmp}-1.heapsnapshot` }, "snapshot", 300_000);
        const before = groupSnapshot(`${tmp}-0.heapsnapshot`);
        const after = groupSnapshot(`${tmp}-1.heapsnapshot`);
        if (process.argv.includes("--keep")) console.log(`snapshots kept: ${tmp}-0.heapsnapshot ${tmp}-1.heapsnapshot`);
        else for (const f of [0, 1]) rmSync(`${tmp}-${f}.heapsnapshot`);
        const rows = [...after].map(([k, g]) => {
          const b = before.get(k) ?? { count: 0, bytes: 0 };
          return { k, count: (g.count - b.count) / n, bytes: (g.bytes - b.bytes) / n };
        });
        const total = rows.reduce((s, r) => s + r.bytes, 0);
        rows.sort((a, b) => b.bytes - a.bytes);
        console.log(`\nheap snapshot diff at ${n} sessions, self sizes per session (total ${total.toFixed(0)} B):\n`);
        console.log("| bytes/session | objects/session | node type and constructor / function |");
        console.log("|---:|---:|---|");
        for (const r of rows.filter((r) => Math.abs(r.bytes) >= 16)) console.log(`| ${r.bytes.toFixed(0)} | ${r.count.toFixed(2)} | ${r.k.replace(/\|/g, "\\|")} |`);
      }
    }
    await ask(client, { cmd: "close" }, "close", 60_000);
  } finally {
    await killAll(children);
  }
}

function listArg(name: string, dflt: number[]): number[] {
  const i = process.argv.indexOf(name);
  return i < 0 ? dflt : (process.argv[i + 1] ?? "").split(",").map(Number).filter((n) => n > 0);
}

if (role === "server") serveJobs(serverJob);
else if (role === "client") serveJobs(clientJob);
else {
  const counts = listArg("--sessions", [2000, 10_000]);
  const snap = listArg("--snapshot", [2000])[0];
  const defaults = listArg("--defaults", [2000]);
  await measure("bench", counts);
  if (snap !== undefined) await measure("bench", [snap], snap);
  // a client channel with a UDP path holds a UDP socket: 2,000 stay within the default descriptor limit
  if (defaults.length > 0) await measure("defaults", defaults);
  if (defaults.length > 0 && snap !== undefined) await measure("defaults", [snap], snap);
  console.log(`\n(v8 heap limit ${kib(v8.getHeapStatistics().heap_size_limit)}; node ${process.version})`);
}
