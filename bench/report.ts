// Benchmark report: the JSON shape, the Markdown table with targets, and two SVG charts (no dependencies).
import { renderWorkers, type WorkersResult } from "./workers.js";

/** One peer's figures in one scenario (medians over rounds). */
export interface PeerResult {
  value: number;
  ratioVsGrpcTls: number;
  latencyMs?: { p50: number; p99: number; p999: number };
  ttfrMs?: number;
  /** 1 MiB row only: min(integrity ceiling of this peer, loopback TCP ceiling), medians over rounds, MB/s (see `LIMIT_FORMULA`). */
  limitMBps?: number;
  /** 1 MiB row only: median over rounds of 100 × the round's MB/s ÷ the round's limit (see `LIMIT_FORMULA`). */
  percentOfLimit?: number;
}

/** Physical ceilings measured in the same run (bench/ceilings.ts), medians over rounds, MB/s of plaintext. */
export interface CeilingsResult {
  rounds: number;
  msPerMeasurement: number;
  /** AEAD seal then open of each record in one thread, a `createCipheriv`/`createDecipheriv` per record, by cipher ("AESGCM", "ChaChaPoly") then record size in bytes. */
  aeadSealOpenMBps: Record<string, Record<string, number>>;
  /** `crc32c` of src/wire/crc32c.ts computed on send and again on receive, one thread, by record size in bytes. */
  crc32cSealCheckMBps: Record<string, number>;
  /** One client process writing `tcpWriteBytes` buffers to a server process over 127.0.0.1 (the server discards). */
  tcpLoopbackMBps: number;
  tcpWriteBytes: number;
}

/** How the 1 MiB row's "% of limit" is computed (also written into the report). */
export const LIMIT_FORMULA =
  "% of limit = 100 × MB/s ÷ min(integrity ceiling, loopback TCP ceiling), computed per round with the ceilings measured right after that round's 1 MiB row, then the median; integrity ceiling = one-thread seal+open MB/s of the peer's AEAD " +
  "(XTMP AES-GCM: AES-256-GCM, XTMP ChaCha: ChaCha20-Poly1305) or CRC-32C computed on send and on receive (XTMP insecure), at the fastest measured record size; " +
  "grpc-js and Connect: the TCP ceiling alone (their TLS and HTTP/2 framing run inside Node's C++/OpenSSL, not a cipher object per record)";

/** The integrity ceiling of a peer (MB/s), or undefined when only the TCP ceiling applies. */
function integrityCeiling(peer: string, c: CeilingsResult): number | undefined {
  const best = (xs: Record<string, number> | undefined) => (xs ? Math.max(...Object.values(xs)) : undefined);
  if (peer === "xtmp-aesgcm") return best(c.aeadSealOpenMBps.AESGCM);
  if (peer === "xtmp-chachapoly") return best(c.aeadSealOpenMBps.ChaChaPoly);
  if (peer === "xtmp-insecure") return best(c.crc32cSealCheckMBps);
  return undefined;
}

/** The 1 MiB row's limit for `peer`: min(integrity ceiling, TCP ceiling), MB/s. */
export function limitFor(peer: string, c: CeilingsResult): number {
  return Math.min(integrityCeiling(peer, c) ?? Infinity, c.tcpLoopbackMBps);
}

/** One scenario's figures. */
export interface ScenarioResult {
  key: string;
  title: string;
  unit: string;
  peers: Record<string, PeerResult>;
}

/** Everything `npm run bench` writes to bench/results/latest.json. */
export interface Report {
  date: string;
  mode: string;
  rounds: number;
  msPerMeasurement: number;
  /** Discarded measurement of every peer before the first round of each scenario; absent in older reports. */
  warmupMs?: number;
  machine: { cpus: number; model: string; memoryGiB: number; node: string };
  versions: Record<string, string>;
  scenarios: ScenarioResult[];
  compression: { payloadBytes: number; wireBytesZstd: number; wireBytesNone: number; callsPerSecondZstd: number; callsPerSecondNone: number };
  scale: Array<{ sessions: number; bytesPerSession: number; handshakesPerSecond: number }>;
  /** Unary c=128 with metrics off (`xtmp-aesgcm`) and on through each meter provider; absent in reports from before it existed. */
  metrics?: Array<{ peer: string; callsPerSecond: number; ratioVsOff: number; p50Ms: number }>;
  /** One server vs balanced over three (bench/fleet.ts); absent in reports from before it existed. */
  fleet?: FleetResult;
  /** One process vs `workers: 1` and `workers: 2` (bench/workers.ts); absent in older reports. */
  workers?: WorkersResult;
  /** LiveUpdates fan-out, embedded ledger vs NATS JetStream (bench/fanout.ts); absent in older reports. */
  fanout?: FanoutResult;
  /** Unary through the XTMP gRPC bridge vs a direct grpc-js server (bench/bridge.ts); absent in older reports. */
  bridge?: BridgeResult;
  /** AEAD, CRC-32C and loopback TCP ceilings of the same run; absent in older reports. */
  ceilings?: CeilingsResult;
  /** How `percentOfLimit` of the 1 MiB row is computed (`LIMIT_FORMULA`); absent in older reports. */
  limitFormula?: string;
  /** Secondary scenarios that failed in this run (their sections are missing), with the error. */
  failures?: string[];
  durationSeconds: number;
}

/** One set-up of the fleet scenario (medians over rounds). */
export interface FleetRow {
  key: string;
  title: string;
  servers: number;
  callsPerSecond: number;
  /** Median of the per-round ratios against one server. */
  ratioVsOne: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU time of the client process per call (user + system), µs. */
  clientCpuUsPerCall: number;
  /** Fraction of the calls each of the three server processes answered. */
  sharePerServer: number[];
}

/** The fleet scenario: unary 100 B calls against one server and balanced over three, same run. */
export interface FleetResult {
  concurrency: number;
  rounds: number;
  msPerMeasurement: number;
  rows: FleetRow[];
}

/** One server of the bridge scenario (medians over rounds). */
export interface BridgeRow {
  key: string;
  title: string;
  callsPerSecond: number;
  /** Median of the per-round ratios against the direct grpc-js server. */
  ratioVsDirect: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU time of the client process per call (user + system), µs. */
  clientCpuUsPerCall: number;
  /** CPU time of the server process per call (user + system), µs. */
  serverCpuUsPerCall: number;
}

/** The bridge scenario: the same grpc-js client against a direct grpc-js server and an XTMP server on grpc://, same run. */
export interface BridgeResult {
  concurrency: number;
  rounds: number;
  msPerMeasurement: number;
  rows: BridgeRow[];
}

/** One ledger set-up of the fan-out scenario (medians over rounds, except `missing`/`disordered`: sums). */
export interface FanoutRow {
  key: string;
  title: string;
  servers: number;
  /** Bundles acknowledged per second by the publisher. */
  publishedPerSecond: number;
  /** Updates received per second, summed over all subscribers. */
  deliveredPerSecond: number;
  /** SubmitBundle start to receipt by a subscriber (all deliveries of all subscribers), ms. */
  p50Ms: number;
  p99Ms: number;
  /** Acknowledged bundles some subscriber never received (sum over rounds; expected 0). */
  missing: number;
  /** Updates received with a sequence not above the previous one (sum over rounds; expected 0). */
  disordered: number;
  /** SubmitBundle calls that failed or were not ACCEPTED (sum over rounds; expected 0). */
  submitErrors: number;
  /** CPU of the client process (publisher and every subscriber) while measuring, in cores. */
  clientCores: number;
}

/** The fan-out scenario: one publisher, many LiveUpdates subscribers, embedded ledger vs NATS JetStream. */
export interface FanoutResult {
  subscribers: number;
  inFlight: number;
  rounds: number;
  msPerMeasurement: number;
  rows: FanoutRow[];
}

const fmt = (n: number | undefined, digits = 0): string =>
  n === undefined || !Number.isFinite(n) ? "–" : n >= 1000 ? Math.round(n).toLocaleString("en-US") : n.toFixed(digits);

function peer(r: Report, key: string, p: string): PeerResult | undefined {
  return r.scenarios.find((s) => s.key === key)?.peers[p];
}

/** The issue's targets, evaluated on one report. */
export function targets(r: Report): Array<{ target: string; measured: string; met: boolean }> {
  const c128 = peer(r, "unary-c128", "xtmp-aesgcm");
  const p50 = peer(r, "unary-c1", "xtmp-aesgcm")?.latencyMs?.p50 ?? NaN;
  const p50grpc = peer(r, "unary-c1", "grpc-js-tls")?.latencyMs?.p50 ?? NaN;
  const stream = peer(r, "stream", "xtmp-aesgcm")?.value ?? NaN;
  const batched = peer(r, "stream-batch", "xtmp-aesgcm")?.value ?? NaN;
  const mib = peer(r, "mib", "xtmp-aesgcm");
  const pingpong = peer(r, "pingpong", "xtmp-aesgcm");
  const connect = peer(r, "connect", "xtmp-aesgcm")?.value ?? NaN;
  // the resumed rows report the resuming peer in the XTMP AES-GCM column
  const resumed = peer(r, "connect-resume", "xtmp-aesgcm")?.value ?? NaN;
  const resumed8 = peer(r, "connect-resume-c8", "xtmp-aesgcm")?.value ?? NaN;
  const big = r.scale.at(-1);
  // insecure must be at least as fast as AES-GCM in every scenario (all values are rates: higher is better)
  const slower = r.scenarios.filter((s) => (s.peers["xtmp-insecure"]?.value ?? NaN) < (s.peers["xtmp-aesgcm"]?.value ?? NaN));
  const best = Math.max(stream, batched);
  const worst = Math.min(...r.scenarios.map((s) => (s.peers["xtmp-insecure"]?.value ?? NaN) / (s.peers["xtmp-aesgcm"]?.value ?? NaN)).filter(Number.isFinite));
  const pct = mib?.percentOfLimit !== undefined ? `, ${fmt(mib.percentOfLimit, 0)}% of limit` : "";
  return [
    { target: "1 MiB unary ≥ 600 MB/s encrypted (goal 1 GB/s)", measured: `${fmt(mib?.value)} MB/s${pct}`, met: (mib?.value ?? 0) >= 600 },
    { target: "insecure at least as fast as AES-GCM in every scenario", measured: slower.length ? `slower in ${slower.map((s) => s.key).join(", ")} (worst ${fmt(worst, 2)}x)` : `min ${fmt(worst, 2)}x`, met: slower.length === 0 },
    { target: "server stream ≥ 1,000,000 msgs/s (batch API)", measured: `${fmt(batched)} with batch(), ${fmt(stream)} one message per yield`, met: best >= 1e6 },
    { target: "bidi ping-pong ≥ 1.5x grpc-js TLS", measured: `${fmt(pingpong?.ratioVsGrpcTls, 2)}x`, met: (pingpong?.ratioVsGrpcTls ?? 0) >= 1.5 },
    { target: "unary c=1 p50 ≤ 0.3x grpc-js TLS", measured: `${fmt(p50 / p50grpc, 2)}x (${fmt(p50, 3)} vs ${fmt(p50grpc, 3)} ms)`, met: p50 / p50grpc <= 0.3 },
    { target: "unary c=128 ≥ 6x grpc-js TLS", measured: `${fmt(c128?.ratioVsGrpcTls, 2)}x`, met: (c128?.ratioVsGrpcTls ?? 0) >= 6 },
    {
      target: "new connection + first call ≥ 2,000/s with session resumption",
      measured: `resumed: ${fmt(resumed)} (1 connector), ${fmt(resumed8)} (8); full handshake: ${fmt(connect)} (1 connector)`,
      met: Math.max(resumed, resumed8) >= 2000,
    },
    { target: "10,000 idle sessions ≤ 10 KiB each", measured: big ? `${fmt(big.bytesPerSession / 1024, 1)} KiB at ${fmt(big.sessions)}` : "–", met: !!big && big.sessions >= 10_000 && big.bytesPerSession <= 10 * 1024 },
  ];
}

/** The ceilings paragraph under the main table. */
export function renderCeilings(c: CeilingsResult, formula: string): string {
  const sizes = (xs: Record<string, number> | undefined) =>
    Object.entries(xs ?? {})
      .map(([size, v]) => `${fmt(v)} MB/s at ${fmt(Number(size) / 1024)} KiB records`)
      .join(", ");
  return [
    `Ceilings measured in the same run (once per round after the 1 MiB row, ${c.msPerMeasurement} ms each, medians of ${c.rounds} rounds; the CPU figures in one thread of the orchestrating process): ` +
      `AES-256-GCM seal+open ${sizes(c.aeadSealOpenMBps.AESGCM)}; ChaCha20-Poly1305 seal+open ${sizes(c.aeadSealOpenMBps.ChaChaPoly)} ` +
      `(node:crypto, a \`createCipheriv\` and a \`createDecipheriv\` per record, as XTMP's node backend does); ` +
      `CRC-32C (src/wire/crc32c.ts) on send and on receive ${sizes(c.crc32cSealCheckMBps)}; ` +
      `raw loopback TCP ${fmt(c.tcpLoopbackMBps)} MB/s (one process writing ${fmt(c.tcpWriteBytes / 2 ** 20)} MiB buffers to another that discards them).`,
    "",
    `${formula}.`,
    "",
  ].join("\n");
}

/** The README/CI table. */
export function renderMarkdown(r: Report): string {
  const peers = Object.keys(r.scenarios[0]?.peers ?? {});
  const lines = [
    `Benchmarks (${r.mode}, ${r.warmupMs ? `${r.warmupMs} ms warm-up per peer and scenario, then ` : ""}${r.rounds} interleaved rounds of ${r.msPerMeasurement} ms, peer order rotated each round, medians), ${r.date.slice(0, 10)}, ` +
      `${r.machine.cpus} × ${r.machine.model}, Node ${r.machine.node}; client and server in separate processes on 127.0.0.1. ` +
      `Cells: median value (median per-round ratio vs grpc-js TLS).`,
    "",
    `| scenario | unit | ${peers.join(" | ")} |`,
    `| --- | --- | ${peers.map(() => "---:").join(" | ")} |`,
  ];
  for (const s of r.scenarios) {
    lines.push(`| ${s.title} | ${s.unit} | ${peers.map((p) => `${fmt(s.peers[p]?.value)} (${fmt(s.peers[p]?.ratioVsGrpcTls, 2)}x)`).join(" | ")} |`);
  }
  const c1 = r.scenarios.find((s) => s.key === "unary-c1");
  if (c1) lines.push(`| unary c=1 latency p50 / p99 / p99.9 | ms | ${peers.map((p) => { const l = c1.peers[p]?.latencyMs; return l ? `${fmt(l.p50, 3)} / ${fmt(l.p99, 3)} / ${fmt(l.p999, 3)}` : "–"; }).join(" | ")} |`);
  const mib = r.scenarios.find((s) => s.key === "mib");
  if (mib && r.ceilings) lines.push(`| 1 MiB unary: % of limit (limit MB/s) | % | ${peers.map((p) => { const x = mib.peers[p]; return x?.percentOfLimit !== undefined ? `${fmt(x.percentOfLimit, 0)}% (${fmt(x.limitMBps)})` : "–"; }).join(" | ")} |`);
  for (const con of r.scenarios.filter((s) => Object.values(s.peers).some((x) => x.ttfrMs !== undefined))) {
    lines.push(`| time to first response (${con.key}), p50 | ms | ${peers.map((p) => fmt(con.peers[p]?.ttfrMs, 2)).join(" | ")} |`);
  }
  const c = r.compression;
  lines.push("");
  if (r.ceilings) lines.push(renderCeilings(r.ceilings, r.limitFormula ?? LIMIT_FORMULA));
  lines.push(
    `Compression (XTMP, a ${fmt(c.payloadBytes)}-byte BPCI SubmitBundle payload): ${fmt(c.wireBytesNone)} bytes on the wire per call without zstd, ` +
      `${fmt(c.wireBytesZstd)} with (ratio ${fmt(c.wireBytesNone / c.wireBytesZstd, 2)}x); ${fmt(c.callsPerSecondNone)} vs ${fmt(c.callsPerSecondZstd)} calls/s.`,
    "",
    `Idle encrypted sessions held by one server process: ${r.scale.map((s) => `${fmt(s.sessions)} sessions → ${fmt(s.bytesPerSession / 1024, 1)} KiB RSS each (opened at ${fmt(s.handshakesPerSecond)} handshakes/s)`).join("; ")}.`,
    "",
    "| target | measured | met |",
    "| --- | --- | --- |",
    ...targets(r).map((t) => `| ${t.target} | ${t.measured} | ${t.met ? "yes" : "**no**"} |`),
    "",
  );
  if (r.metrics) lines.push(renderMetrics(r.metrics));
  if (r.fleet) lines.push(renderFleet(r.fleet));
  if (r.fanout) lines.push(renderFanout(r.fanout));
  if (r.bridge) lines.push(renderBridge(r.bridge));
  if (r.workers) lines.push("**Both cores**: one server process against `createServer({ workers: 1 })` and `{ workers: 2 }` (node:cluster).", "", renderWorkers(r.workers));
  if (r.failures?.length) lines.push(`**Not measured in this run** (failed): ${r.failures.join("; ")}.`, "");
  return lines.join("\n");
}

/** The metrics section: unary c=128 with metrics off and on (both ends record), and the cost. */
export function renderMetrics(rows: NonNullable<Report["metrics"]>): string {
  const name: Record<string, string> = {
    "xtmp-aesgcm": "metrics off (no meter provider)",
    "xtmp-metrics-prometheus": "metrics on: prom-client (`xtmp-rpc/prometheus`)",
    "xtmp-metrics-otel": "metrics on: OpenTelemetry SDK MeterProvider",
  };
  return [
    "Metrics cost: unary 100 B at concurrency 128, XTMP AES-GCM, client and server both recording (durations and runtime instruments); same rounds, rotated order; ratio = median per-round ratio vs metrics off (target ≥ 0.95).",
    "",
    "| set-up | calls/s | ratio vs off | p50 ms |",
    "| --- | ---: | ---: | ---: |",
    ...rows.map((row) => `| ${name[row.peer] ?? row.peer} | ${fmt(row.callsPerSecond)} | ${fmt(row.ratioVsOff, 3)}x | ${fmt(row.p50Ms, 2)} |`),
    "",
  ].join("\n");
}

/** The fleet section: calls/s and the ratio vs one server for each balancing set-up. */
export function renderFleet(f: FleetResult): string {
  const pct = (x: number) => (Number.isFinite(x) ? `${Math.round(x * 100)}%` : "–");
  return [
    `Fleet: XTMP AES-GCM unary 100 B calls at concurrency ${f.concurrency} from one client process, against 1 of 3 server processes ` +
      `(sharing one identity) or balanced over all 3; ${f.rounds} interleaved rounds of ${f.msPerMeasurement} ms, medians; ratio = median per-round ratio vs one server. ` +
      `Client and servers share the machine's cores, so 3 servers cannot be 3x one; the ratio shows what balancing costs or gains here.`,
    "",
    "| scenario | calls/s | vs one server | p50 / p99 ms | client CPU µs/call | calls per server |",
    "| --- | ---: | ---: | ---: | ---: | --- |",
    ...f.rows.map(
      (row) =>
        `| ${row.title} | ${fmt(row.callsPerSecond)} | ${fmt(row.ratioVsOne, 2)}x | ${fmt(row.p50Ms, 2)} / ${fmt(row.p99Ms, 2)} | ${fmt(row.clientCpuUsPerCall, 1)} | ${row.sharePerServer.slice(0, row.servers).map(pct).join(" / ")} |`,
    ),
    "",
  ].join("\n");
}

/** The gRPC bridge section: calls/s and the ratio bridge/direct. */
export function renderBridge(b: BridgeResult): string {
  return [
    `gRPC bridge: unary 100 B calls at concurrency ${b.concurrency} from one @grpc/grpc-js client process (plaintext h2c), against a plain grpc-js server ` +
      `and against an XTMP server listening on \`grpc://\` (grpc-js underneath, raw-bytes pass-through to the XTMP handlers), each in its own process; ` +
      `${b.rounds} interleaved rounds of ${b.msPerMeasurement} ms, medians; ratio = median per-round ratio vs the direct grpc-js server.`,
    "",
    "| server | calls/s | bridge / direct | p50 / p99 ms | client CPU µs/call | server CPU µs/call |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
    ...b.rows.map(
      (row) =>
        `| ${row.title} | ${fmt(row.callsPerSecond)} | ${fmt(row.ratioVsDirect, 2)}x | ${fmt(row.p50Ms, 2)} / ${fmt(row.p99Ms, 2)} | ${fmt(row.clientCpuUsPerCall, 1)} | ${fmt(row.serverCpuUsPerCall, 1)} |`,
    ),
    "",
  ].join("\n");
}

/** The fan-out section: updates/s delivered and publish→deliver latency per ledger. */
export function renderFanout(f: FanoutResult): string {
  return [
    `LiveUpdates fan-out: 1 publisher (SubmitBundle, ${f.inFlight} in flight, as fast as acknowledgements allow) and ${f.subscribers} LiveUpdates ` +
      `subscribers (one encrypted connection each), all in one client process; ${f.rounds} interleaved rounds of ${f.msPerMeasurement} ms of publishing, medians. ` +
      `The embedded ledger lives in one server process, so its row runs 1 server with all ${f.subscribers} subscribers; the NATS row runs 3 servers on one ` +
      `nats-server (JetStream, file storage) with subscribers spread round-robin and the publisher on a \`static:///\` round_robin channel. ` +
      `Latency = SubmitBundle start to receipt by a subscriber, over every delivery; when the publisher outruns delivery it includes the queueing backlog.`,
    "",
    "| ledger | bundles/s published | updates/s delivered | p50 / p99 ms | client CPU (cores) | missing / out of order / failed submits |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
    ...f.rows.map(
      (row) =>
        `| ${row.title} | ${fmt(row.publishedPerSecond)} | ${fmt(row.deliveredPerSecond)} | ${fmt(row.p50Ms, 2)} / ${fmt(row.p99Ms, 2)} | ${fmt(row.clientCores, 2)} | ${row.missing} / ${row.disordered} / ${row.submitErrors} |`,
    ),
    "",
  ].join("\n");
}

const COLORS = ["#1f77b4", "#6baed6", "#9ecae1", "#d62728", "#ff9896", "#2ca02c"];
const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");

/** Grouped bars: each scenario's ratio vs grpc-js TLS, one bar per peer (log scale). */
export function renderRatioChart(r: Report): string {
  const peers = Object.keys(r.scenarios[0]?.peers ?? {});
  const W = 900;
  const H = 420;
  const left = 60;
  const top = 40;
  const plotH = 300;
  const groupW = (W - left - 20) / r.scenarios.length;
  const barW = (groupW - 16) / peers.length;
  const all = r.scenarios.flatMap((s) => peers.map((p) => s.peers[p]?.ratioVsGrpcTls ?? 1)).filter((v) => Number.isFinite(v) && v > 0);
  const maxL = Math.ceil(Math.log10(Math.max(...all, 10)));
  const minL = Math.floor(Math.log10(Math.min(...all, 0.1)));
  const y = (v: number) => top + plotH - ((Math.log10(v) - minL) / (maxL - minL)) * plotH;
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`, `<text x="${left}" y="20" font-size="14">Throughput relative to grpc-js with TLS (log scale; 1 = same), ${esc(r.date.slice(0, 10))}, ${r.mode}</text>`];
  for (let l = minL; l <= maxL; l++) {
    const v = 10 ** l;
    out.push(`<line x1="${left}" x2="${W - 10}" y1="${y(v)}" y2="${y(v)}" stroke="${l === 0 ? "#000" : "#ddd"}"/><text x="${left - 6}" y="${y(v) + 4}" text-anchor="end">${v}x</text>`);
  }
  r.scenarios.forEach((s, gi) => {
    const gx = left + gi * groupW + 8;
    peers.forEach((p, pi) => {
      const v = s.peers[p]?.ratioVsGrpcTls;
      if (!v || !Number.isFinite(v)) return;
      const y0 = y(1);
      const y1 = y(v);
      out.push(`<rect x="${gx + pi * barW}" y="${Math.min(y0, y1)}" width="${barW - 1}" height="${Math.max(1, Math.abs(y1 - y0))}" fill="${COLORS[pi % COLORS.length]}"><title>${esc(p)}: ${v.toFixed(2)}x</title></rect>`);
    });
    out.push(`<text x="${gx + (groupW - 16) / 2}" y="${top + plotH + 16}" text-anchor="middle">${esc(s.key)}</text>`);
  });
  peers.forEach((p, i) => out.push(`<rect x="${left + i * 140}" y="${H - 40}" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/><text x="${left + i * 140 + 16}" y="${H - 30}">${esc(p)}</text>`));
  out.push("</svg>\n");
  return out.join("\n");
}

/** Latency percentiles of unary calls at concurrency 1, per peer (lower is better). */
export function renderLatencyChart(r: Report): string {
  const s = r.scenarios.find((x) => x.key === "unary-c1");
  const peers = Object.keys(s?.peers ?? {});
  const W = 900;
  const H = 360;
  const left = 60;
  const top = 40;
  const plotH = 240;
  const pcts = ["p50", "p99", "p999"] as const;
  const max = Math.max(...peers.flatMap((p) => pcts.map((k) => s?.peers[p]?.latencyMs?.[k] ?? 0)), 0.001);
  const groupW = (W - left - 20) / pcts.length;
  const barW = (groupW - 20) / peers.length;
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`, `<text x="${left}" y="20" font-size="14">Unary latency at concurrency 1 (ms, lower is better), ${esc(r.date.slice(0, 10))}</text>`];
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    const yy = top + plotH - (v / max) * plotH;
    out.push(`<line x1="${left}" x2="${W - 10}" y1="${yy}" y2="${yy}" stroke="#ddd"/><text x="${left - 6}" y="${yy + 4}" text-anchor="end">${v.toFixed(2)}</text>`);
  }
  pcts.forEach((k, gi) => {
    const gx = left + gi * groupW + 10;
    peers.forEach((p, pi) => {
      const v = s?.peers[p]?.latencyMs?.[k] ?? 0;
      const h = (v / max) * plotH;
      out.push(`<rect x="${gx + pi * barW}" y="${top + plotH - h}" width="${barW - 2}" height="${h}" fill="${COLORS[pi % COLORS.length]}"><title>${esc(p)} ${k}: ${v.toFixed(3)} ms</title></rect>`);
    });
    out.push(`<text x="${gx + (groupW - 20) / 2}" y="${top + plotH + 16}" text-anchor="middle">${k === "p999" ? "p99.9" : k}</text>`);
  });
  peers.forEach((p, i) => out.push(`<rect x="${left + i * 140}" y="${H - 40}" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/><text x="${left + i * 140 + 16}" y="${H - 30}">${esc(p)}</text>`));
  out.push("</svg>\n");
  return out.join("\n");
}
