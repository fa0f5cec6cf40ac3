// Benchmark client process: runs one scenario against one peer per IPC request and reports the numbers.
import hdr from "hdr-histogram-js";
import { encodeBpciPayload } from "./payload.js";
import { connectPeer, type Addresses, type PeerClient, type PeerName } from "./peers.js";
import { createChannel, parsePublicKey, type Channel } from "../src/index.js";
import { BenchServiceDefinition } from "./gen/bench/v1/bench_xtmp.js";
import { createClient } from "../src/index.js";

/** A measurement request from the orchestrator. */
export interface Job {
  scenario: "unary" | "stream" | "mib" | "pingpong" | "connect" | "compression" | "scale-open" | "scale-close";
  peer: PeerName;
  ms: number;
  /** Calls in flight (unary), or connectors running side by side (connect). */
  concurrency?: number;
  /** stream: ask an XTMP server for batches of this many messages (`batch()`); other stacks ignore it. */
  batch?: number;
  compression?: boolean;
  sessions?: number;
  addresses: Addresses;
}

/** What a measurement reports (fields depend on the scenario). */
export type Result = Record<string, number>;

const small = new Uint8Array(100);
const held: Channel[] = [];

async function timed(ms: number, loops: number, body: (stop: () => boolean) => Promise<void>): Promise<number> {
  const t0 = performance.now();
  const end = t0 + ms;
  const stop = () => performance.now() >= end;
  await Promise.all(Array.from({ length: loops }, () => body(stop)));
  return (performance.now() - t0) / 1000;
}

async function run(job: Job): Promise<Result> {
  if (job.scenario === "scale-open") {
    for (let i = 0; i < (job.sessions ?? 0); i++) {
      // idle sessions measure the server; a UDP socket per client channel would only spend client fds
      const ch = createChannel(`xtmp://${job.addresses.xtmp}`, { serverKey: parsePublicKey(job.addresses.xtmpKey), keepaliveMs: 0, datagram: false });
      await ch.connect();
      held.push(ch);
    }
    return { sessions: held.length };
  }
  if (job.scenario === "scale-close") {
    for (const ch of held.splice(0)) ch.close();
    return {};
  }
  if (job.scenario === "compression") {
    const ch = createChannel(`xtmp://${job.addresses.xtmp}`, { serverKey: parsePublicKey(job.addresses.xtmpKey), keepaliveMs: 0, compression: job.compression ?? true });
    const c = createClient(BenchServiceDefinition, ch);
    const payload = encodeBpciPayload();
    const s = await ch.connect();
    const before = s.secure.stats.bytesSent;
    let calls = 0;
    const secs = await timed(job.ms, 8, async (stop) => {
      while (!stop()) {
        await c.unary({ payload, responseSize: 16 });
        calls++;
      }
    });
    ch.close();
    return { rate: calls / secs, wireBytesPerCall: (s.secure.stats.bytesSent - before) / calls, payloadBytes: payload.length };
  }
  if (job.scenario === "connect") {
    // `concurrency` connectors each open a connection, make one call and close, in a loop
    const ttfr = hdr.build();
    let n = 0;
    const secs = await timed(job.ms, job.concurrency ?? 1, async (stop) => {
      while (!stop()) {
        const t0 = performance.now();
        const c = await connectPeer(job.peer, job.addresses);
        await c.unary(small, 100);
        ttfr.recordValue(Math.round((performance.now() - t0) * 1000));
        c.close();
        n++;
      }
    });
    return { rate: n / secs, ttfrMs: ttfr.getValueAtPercentile(50) / 1000 };
  }
  const client: PeerClient = await connectPeer(job.peer, job.addresses);
  try {
    switch (job.scenario) {
      case "unary": {
        const h = hdr.build();
        let n = 0;
        await client.unary(small, 100); // warm the connection
        const secs = await timed(job.ms, job.concurrency ?? 1, async (stop) => {
          while (!stop()) {
            const t0 = performance.now();
            await client.unary(small, 100);
            h.recordValue(Math.round((performance.now() - t0) * 1000));
            n++;
          }
        });
        return { rate: n / secs, p50: h.getValueAtPercentile(50) / 1000, p99: h.getValueAtPercentile(99) / 1000, p999: h.getValueAtPercentile(99.9) / 1000 };
      }
      case "stream": {
        let n = 0;
        const secs = await timed(job.ms, 1, async (stop) => {
          n = await client.serverStream(100, stop, job.batch);
        });
        return { rate: n / secs };
      }
      case "mib": {
        const big = new Uint8Array(1 << 20);
        let bytes = 0;
        const secs = await timed(job.ms, 2, async (stop) => {
          while (!stop()) {
            await client.unary(big, 16);
            bytes += big.length;
          }
        });
        return { rate: bytes / 1e6 / secs };
      }
      case "pingpong": {
        const pp = client.pingPong();
        let n = 0;
        const secs = await timed(job.ms, 1, async (stop) => {
          while (!stop()) {
            await pp.ping(small);
            n++;
          }
        });
        pp.close();
        return { rate: n / secs };
      }
      default:
        throw new Error(`unknown scenario ${job.scenario}`);
    }
  } finally {
    client.close();
  }
}

process.on("message", (msg: { id: number; job: Job }) => {
  run(msg.job).then(
    (result) => process.send?.({ id: msg.id, result }),
    (err: unknown) => process.send?.({ id: msg.id, error: err instanceof Error ? err.message : String(err) }),
  );
});
process.on("disconnect", () => process.exit(0));
process.send?.({ ready: true });
