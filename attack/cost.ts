// `npm run attack:cost`: what a hostile peer can make a server hold or spend, per connection, stream and handshake.
import { captureFirstFlight } from "./attacks/handshake-flood.js";
import { callsWithoutRequests, idleSessions } from "./attacks/idle-resources.js";
import { readCpuSeconds } from "./harness/proc.js";
import { dialTcp, pause, pool } from "./harness/raw.js";
import { startServer, type ServerProcess } from "./harness/server.js";

const MiB = 1 << 20;
// per-source and in-flight limits out of the way: this measures cost, not the limits
const LIMITS = { maxHandshakesInFlight: 10_000, maxHandshakesInFlightPerSource: 10_000, handshakesPerSecondPerSource: 1e6, handshakeBurstPerSource: 1e6, handshakeCookies: "never" };

interface Memory {
  heap: number;
  external: number;
  rss: number;
}

async function memory(s: ServerProcess): Promise<Memory> {
  const m = (await s.stats()).memory;
  return { heap: m.heapUsed, external: m.external + m.arrayBuffers, rss: m.rss };
}

function per(before: Memory, after: Memory, n: number): string {
  const f = (k: keyof Memory) => `${((after[k] - before[k]) / n / 1024).toFixed(1)} KiB`;
  return `heap ${f("heap")}, buffers ${f("external")}, RSS ${f("rss")}`;
}

async function withServer<T>(fn: (s: ServerProcess) => Promise<T>, extra: Record<string, string | number> = {}): Promise<T> {
  const s = await startServer({ limits: { ...LIMITS, ...extra } });
  try {
    return await fn(s);
  } finally {
    await s.stop();
  }
}

const rows: string[][] = [];

// 1. established sessions that say nothing
await withServer(async (s) => {
  const n = 1000;
  const before = await memory(s);
  const { sessions } = await idleSessions(s.target, n, 32, Date.now() + 60_000);
  await pause(500);
  const after = await memory(s);
  rows.push(["idle established session", `${sessions.length}`, per(before, after, sessions.length)]);
  for (const r of sessions) r.destroy();
});

// 2. calls opened without a request (each holds a handler waiting for its first message)
await withServer(async (s) => {
  const before = await memory(s);
  const { sessions } = await callsWithoutRequests(s.target, 10, 1000);
  await pause(500);
  const after = await memory(s);
  const calls = Number((await s.stats()).activeCalls);
  rows.push(["call held open without a request", `${calls}`, `${per(before, after, calls)} (sessions included)`]);
  for (const r of sessions) r.destroy();
});

/** Replays `flight` on `n` new connections (16 at a time); returns the server's CPU seconds and the rate. */
async function replay(s: ServerProcess, flight: Uint8Array, n: number): Promise<{ cpu: number; perSecond: number }> {
  const cpu0 = readCpuSeconds(s.pid) ?? 0;
  const t0 = performance.now();
  await pool(n, 16, Date.now() + 60_000, async () => {
    const sock = await dialTcp(s.target.host, s.target.port);
    await new Promise<void>((resolve) => {
      sock.once("data", () => resolve());
      sock.once("close", () => resolve());
      sock.write(flight);
    });
    sock.destroy();
  });
  return { cpu: (readCpuSeconds(s.pid) ?? 0) - cpu0, perSecond: n / ((performance.now() - t0) / 1000) };
}

// 3. handshakes: server CPU per full XX handshake from a replayed first flight (the attacker does no crypto)
await withServer(async (s) => {
  const n = 500;
  const { cpu, perSecond } = await replay(s, await captureFirstFlight(s.target, "XX"), n);
  rows.push(["replayed XX first flight, answered in full (no cookies)", `${n}`, `${((cpu / n) * 1000).toFixed(2)} ms server CPU each, TCP accept included (${perSecond.toFixed(0)}/s)`]);
});

// 4. the same with cookies demanded: the replay costs a MAC and a RETRY
await withServer(
  async (s) => {
    const n = 2000;
    const { cpu, perSecond } = await replay(s, await captureFirstFlight(s.target, "XX"), n);
    rows.push(["replayed first flight with cookies on (RETRY, no DH)", `${n}`, `${((cpu / n) * 1000).toFixed(2)} ms server CPU each, TCP accept included (${perSecond.toFixed(0)}/s)`]);
  },
  { handshakeCookies: "always", handshakePuzzleBits: 12 },
);

console.log("| what a hostile peer holds or spends | count | server cost each |");
console.log("| --- | ---: | --- |");
for (const r of rows) console.log(`| ${r.join(" | ")} |`);
console.log(`\n(1 MiB = ${MiB} bytes; memory after a forced GC in the server process)`);
