// Physical ceilings measured alongside the bench: AEAD seal+open and CRC-32C in one thread, raw loopback TCP between two processes.
import type { ChildProcess } from "node:child_process";
import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, type CipherGCMTypes, type KeyObject } from "node:crypto";
import * as net from "node:net";
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ask, first, forkRole, killAll, serveJobs } from "./procs.js";
import type { CeilingsResult } from "./report.js";
import { median } from "./stats.js";
import { crc32c } from "../src/wire/crc32c.js";

/** Record plaintext sizes measured: the default record and the largest record a session may negotiate. */
export const RECORD_SIZES = [16_384, 65_536] as const;
/** Bytes per write of the TCP ceiling (the bench's bulk message size). */
export const TCP_WRITE_BYTES = 1 << 20;
/** The AEADs XTMP negotiates, by the cipher names of the protocol. */
export const AEADS = { AESGCM: "aes-256-gcm", ChaChaPoly: "chacha20-poly1305" } as const;
export type AeadName = keyof typeof AEADS;

/** Runs `body` (which processes `bytes` per call) repeatedly for `ms`; MB/s. */
function throughput(ms: number, bytes: number, body: () => void): number {
  const t0 = performance.now();
  const end = t0 + ms;
  let n = 0;
  let now = t0;
  do {
    body();
    n++;
    now = performance.now();
  } while (now < end);
  return (n * bytes) / 1e6 / ((now - t0) / 1000);
}

/** Seal+open of `size`-byte records with `cipher`, as XTMP's node backend does it (fresh cipher object per record, 12-byte counter nonce, empty AD). */
export function aeadSealOpen(cipher: AeadName, size: number, ms: number): number {
  const algo = AEADS[cipher] as CipherGCMTypes;
  const key: KeyObject = createSecretKey(randomBytes(32));
  const plaintext = randomBytes(size);
  const nonce = Buffer.alloc(12);
  let counter = 0;
  return throughput(ms, size, () => {
    nonce.writeUInt32LE(++counter, 4);
    const c = createCipheriv(algo, key, nonce, { authTagLength: 16 });
    const body = c.update(plaintext);
    c.final();
    const tag = c.getAuthTag();
    const d = createDecipheriv(algo, key, nonce, { authTagLength: 16 });
    d.setAuthTag(tag);
    const out = d.update(body);
    d.final(); // throws if authentication failed, which would be a bug here
    if (out.length !== size) throw new Error("aead ceiling: wrong plaintext length");
  });
}

/** CRC-32C of each `size`-byte record on send and again on receive (insecure mode's integrity work). */
export function crc32cSealCheck(size: number, ms: number): number {
  const record = randomBytes(size);
  const want = crc32c(record);
  return throughput(ms, size, () => {
    if (crc32c(record) !== want || crc32c(record) !== want) throw new Error("crc32c ceiling: checksum mismatch");
  });
}

// ---- TCP ceiling: a `sink` role (listens, discards) and a `source` role (writes 1 MiB buffers) ----

interface TcpJob {
  port: number;
  ms: number;
}

function sinkRole(): void {
  const server = net.createServer((s) => {
    s.on("data", () => undefined);
    s.on("error", () => s.destroy());
  });
  server.listen(0, "127.0.0.1", () => process.send?.({ port: (server.address() as net.AddressInfo).port }));
  process.on("disconnect", () => process.exit(0));
}

/** Writes 1 MiB buffers (waiting for `drain`) for `ms`, then ends; the clock stops when the sink has read everything and closed. */
function pump(job: TcpJob): Promise<{ mbps: number }> {
  const buf = randomBytes(TCP_WRITE_BYTES);
  return new Promise((res, rej) => {
    const sock = net.connect(job.port, "127.0.0.1");
    sock.on("error", rej);
    sock.on("connect", () => {
      const t0 = performance.now();
      const end = t0 + job.ms;
      let bytes = 0;
      const write = () => {
        while (performance.now() < end) {
          bytes += buf.length;
          if (!sock.write(buf)) return void sock.once("drain", write);
        }
        sock.end();
      };
      sock.on("data", () => undefined);
      sock.on("close", () => res({ mbps: bytes / 1e6 / ((performance.now() - t0) / 1000) }));
      write();
    });
  });
}

/** A run's ceilings: `start()` once, `measure()` once per round (next to the measurement it bounds), `result()` for the medians. */
export class Ceilings {
  private readonly rounds: CeilingsResult[] = [];
  private constructor(
    private readonly children: ChildProcess[],
    private readonly tcpOnce: (ms: number) => Promise<number>,
    private readonly cpuMs: number,
    private readonly tcpMs: number,
  ) {}

  /** Forks the TCP sink and source processes and warms every measurement up (results discarded). */
  static async start(o: { cpuMs: number; tcpMs: number }): Promise<Ceilings> {
    const children: ChildProcess[] = [];
    try {
      const sink = forkRole(fileURLToPath(import.meta.url), ["sink"]);
      children.push(sink);
      const port = await first(sink, (m) => (typeof m.port === "number" ? m.port : undefined), "tcp sink start");
      const source = forkRole(fileURLToPath(import.meta.url), ["source"]);
      children.push(source);
      await first(source, (m) => (m.ready ? true : undefined), "tcp source start");
      const tcpOnce = async (ms: number) => (await ask<{ mbps: number }>(source, { port, ms } satisfies TcpJob, "tcp ceiling", ms + 60_000)).mbps;
      for (const name of Object.keys(AEADS) as AeadName[]) for (const size of RECORD_SIZES) aeadSealOpen(name, size, 100);
      for (const size of RECORD_SIZES) crc32cSealCheck(size, 100);
      await tcpOnce(200);
      return new Ceilings(children, tcpOnce, o.cpuMs, o.tcpMs);
    } catch (err) {
      await killAll(children);
      throw err;
    }
  }

  /** Measures every ceiling once; returns this round's figures (also kept for `result()`). */
  async measure(): Promise<CeilingsResult> {
    const bySize = (f: (size: number) => number) => Object.fromEntries(RECORD_SIZES.map((size) => [String(size), f(size)]));
    const aeadSealOpenMBps = Object.fromEntries((Object.keys(AEADS) as AeadName[]).map((name) => [name, bySize((size) => aeadSealOpen(name, size, this.cpuMs))]));
    const crc32cSealCheckMBps = bySize((size) => crc32cSealCheck(size, this.cpuMs));
    const tcpLoopbackMBps = await this.tcpOnce(this.tcpMs);
    const r: CeilingsResult = { rounds: 1, msPerMeasurement: this.cpuMs, aeadSealOpenMBps, crc32cSealCheckMBps, tcpLoopbackMBps, tcpWriteBytes: TCP_WRITE_BYTES };
    this.rounds.push(r);
    return r;
  }

  /** Medians over the rounds measured so far. */
  result(): CeilingsResult {
    const rs = this.rounds;
    const bySize = (pick: (r: CeilingsResult) => Record<string, number> | undefined) =>
      Object.fromEntries(RECORD_SIZES.map((size) => [String(size), median(rs.map((r) => pick(r)?.[size] ?? NaN))]));
    return {
      rounds: rs.length,
      msPerMeasurement: this.cpuMs,
      aeadSealOpenMBps: Object.fromEntries((Object.keys(AEADS) as AeadName[]).map((name) => [name, bySize((r) => r.aeadSealOpenMBps[name])])),
      crc32cSealCheckMBps: bySize((r) => r.crc32cSealCheckMBps),
      tcpLoopbackMBps: median(rs.map((r) => r.tcpLoopbackMBps)),
      tcpWriteBytes: TCP_WRITE_BYTES,
    };
  }

  /** Kills the TCP processes by PID. */
  stop(): Promise<void> {
    return killAll(this.children);
  }
}

/** Measures every ceiling `rounds` times (standalone use); the medians. */
export async function runCeilings(o: { rounds: number; cpuMs: number; tcpMs: number }): Promise<CeilingsResult> {
  const c = await Ceilings.start(o);
  try {
    for (let round = 0; round < o.rounds; round++) {
      process.stderr.write(`\r ceilings: round ${round + 1}/${o.rounds}`.padEnd(70));
      await c.measure();
    }
  } finally {
    await c.stop();
  }
  process.stderr.write("\n");
  return c.result();
}

// ---- entry points: `sink` / `source` roles in children; standalone run (`tsx bench/ceilings.ts`) otherwise ----

const isMain = process.argv[1] !== undefined && pathToFileURL(resolve(process.argv[1])).href === import.meta.url;
if (isMain) {
  const role = process.argv[2];
  if (role === "sink") sinkRole();
  else if (role === "source") serveJobs(pump);
  else console.log(JSON.stringify(await runCeilings({ rounds: 3, cpuMs: 1000, tcpMs: 3000 }), null, 2));
}
