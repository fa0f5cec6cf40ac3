// The `xtmp` command line: argument parsing and dispatch to keygen, serve, demo and services.
import { BpciServiceDefinition } from "../generated/bpci/v1/bpci_xtmp.js";
import { HealthDefinition } from "../generated/grpc/health/v1/health_xtmp.js";
import { TestServiceDefinition } from "../generated/grpc/testing/test_xtmp.js";
import { runDemo } from "../demo/run-demo.js";
import { createBpciService } from "../services/bpci/service.js";
import { HealthRegistry } from "../services/health.js";
import { createTestService } from "../services/test-service.js";
import { createServer, generateIdentity, loadIdentity, parsePublicKey, saveIdentity, type ServerOptions, type ServerStats } from "../src/index.js";
import { createPrometheusMeterProvider, serveMetrics, type MetricsEndpoint } from "../src/prometheus/index.js";
import { serviceTable } from "./services.js";
import { runCallCommand } from "./call.js";
import { hostname } from "node:os";

const USAGE = `usage: xtmp <command> [options]

commands:
  keygen --out DIR                          create an Ed25519 identity in DIR (identity.json, identity.pub)
  serve --listen HOST:PORT [--keys DIR] [--insecure] [--ws HOST:PORT] [--limits JSON] [--server-id NAME]
        [--trusted-proxies CIDR[,CIDR...]] [--bus nats://HOST:PORT[,nats://HOST:PORT...]] [--grpc-listen HOST:PORT]
        [--metrics HOST:PORT] [--workers N]
                                            serve BPCI (demo), the interop TestService and health until
                                            SIGINT/SIGTERM, then drain; --ws also listens for XTMP over
                                            WebSocket at ws://HOST:PORT/xtmp; --limits merges a JSON
                                            object into the server options; SIGUSR2 prints
                                            "STATS <json>" (server.stats and memory) on stdout;
                                            --grpc-listen also serves them over standard gRPC (HTTP/2, h2c)
                                            --metrics serves Prometheus metrics (call durations per
                                            method and status, sessions, bytes...) at
                                            http://HOST:PORT/metrics
                                            --server-id names this server in TestService replies
                                            that ask for it (default hostname:port);
                                            --workers N: serve from N worker processes sharing the
                                            ports (one per core; default 0 = this process); every
                                            worker uses this process's key, counters are per process
                                            (STATS here lists the workers), each worker keeps its own
                                            embedded BPCI ledger unless --bus is given
                                            --trusted-proxies: TCP connections from these IPs/CIDRs
                                            (e.g. 127.0.0.1,10.0.0.0/8,::1) must start with a PROXY
                                            protocol v2 header (HAProxy send-proxy-v2) naming the
                                            real client; others are never parsed for one (default none)
                                            --bus: keep the BPCI ledger in NATS JetStream instead of
                                            this process's memory, so any number of servers serve one
                                            ledger (needs nats-server -js, 2.9 or later): stream
                                            BPCI_LEDGER (subjects bpci.ledger.<topic>; its sequence is
                                            the LiveUpdates sequence; keeps 1,000,000 events; bundle
                                            ids de-duplicated for 2 minutes) and KV bucket
                                            BPCI_WALLETS; while NATS is unreachable, health reports
                                            bpci.v1.BpciService NOT_SERVING and BPCI calls fail
                                            UNAVAILABLE (default: the embedded ledger, 10,000 events)
  demo [--target HOST:PORT --server-key KEY]
                                            run the BPCI demo client (against its own server by default)
  call TARGET METHOD [JSON | -] --proto FILE [--import-path DIR]... [-H key:value]... [--deadline MS]
       [--server-key HEX | --insecure] [--keys DIR]
                                            call METHOD (pkg.Service/Method) with a proto3 JSON request
                                            (default {}; - reads stdin: one JSON request per line for
                                            client-streaming and bidi methods); prints each response as
                                            one line of proto3 JSON; exit code = the status code (0 = OK),
                                            status and message on stderr; --keys signs with that identity
                                            (default a new one per call)
  list TARGET [SERVICE] --proto FILE [--import-path DIR]...
                                            list the services (or one service's methods)
  describe TARGET SYMBOL --proto FILE [--import-path DIR]...
                                            print a service, method, message or enum definition
  services                                  print every generated service method with its XTMP rules
  help                                      print this help`;

/** Output hooks (tests capture them). */
export interface Io {
  out(line: string): void;
  err(line: string): void;
  /** Standard input of `call` with `-` (default process.stdin). */
  stdin?: AsyncIterable<string | Uint8Array>;
}

class UsageError extends Error {}

function parseFlags(args: readonly string[], allowed: Record<string, "value" | "flag">): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    const kind = allowed[a];
    if (!kind) throw new UsageError(`unknown argument ${a}`);
    if (kind === "flag") flags.set(a, "true");
    else {
      const v = args[++i];
      if (v === undefined || v.startsWith("--")) throw new UsageError(`${a} needs a value`);
      flags.set(a, v);
    }
  }
  return flags;
}

async function serve(flags: Map<string, string>, io: Io, stop: Promise<void>): Promise<number> {
  const listen = flags.get("--listen");
  if (!listen) throw new UsageError("serve needs --listen HOST:PORT");
  const insecure = flags.has("--insecure");
  const keys = flags.get("--keys");
  const identity = insecure ? undefined : keys ? await loadIdentity(keys) : generateIdentity();
  const limits = parseLimits(flags.get("--limits"));
  const proxies = flags.get("--trusted-proxies")?.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (proxies?.length === 0) throw new UsageError("--trusted-proxies needs at least one IP or CIDR");
  if (proxies !== undefined) limits.trustedProxies = proxies;
  const health = new HealthRegistry();
  const bus = flags.get("--bus");
  if (bus !== undefined && !/^nats:\/\/[^\s,]+(,nats:\/\/[^\s,]+)*$/.test(bus)) throw new UsageError("--bus needs nats://HOST:PORT[,nats://HOST:PORT...]");
  const workers = Number(flags.get("--workers") ?? 0);
  if (!Number.isInteger(workers) || workers < 0 || workers > 1024) throw new UsageError("--workers needs a whole number from 0 to 1024");
  const metricsAt = flags.get("--metrics");
  if (metricsAt !== undefined && workers > 0) throw new UsageError("--metrics is per process: not with --workers");
  if (metricsAt !== undefined && !/^(\[[^\]\s]+\]|[^:\s[\]]+):\d{1,5}$/.test(metricsAt)) throw new UsageError("--metrics needs HOST:PORT");
  const prometheus = metricsAt !== undefined ? createPrometheusMeterProvider() : undefined;
  const bpci = createBpciService({ ...(bus !== undefined ? { bus, nats: { log: (line: string) => io.out(line) } } : {}), health });
  const server = createServer({ ...limits, ...(identity ? { identity } : {}), ...(prometheus ? { meterProvider: prometheus } : {}), insecure, reflection: true, ...(workers > 0 ? { workers, onWorkerExit: (e) => io.err(`worker ${e.index} (pid ${e.pid}) exited: ${e.signal ?? `code ${e.code}`}; restarting in ${e.restartInMs ?? "-"} ms`) } : {}), onError: (e, m) => io.err(`handler error in ${m}: ${String(e)}`) });
  if (server.worker !== undefined) io = { ...io, out: () => undefined }; // the primary reports for all
  let serverId = flags.get("--server-id") ?? hostname();
  server.add(BpciServiceDefinition, bpci.impl).add(TestServiceDefinition, createTestService({ serverId: () => serverId })).add(HealthDefinition, health.impl);
  // installed before the address is printed: whoever reads it may ask for STATS at once
  const printStats = () => io.out(`STATS ${statsJson(server.stats)}`);
  process.on("SIGUSR2", printStats);
  let endpoint: MetricsEndpoint | undefined;
  try {
    if (prometheus && metricsAt !== undefined) endpoint = await serveMetrics(metricsAt, prometheus.registry);
    const { host, port } = await server.listen(`xtmp://${listen}`);
    if (!flags.has("--server-id")) serverId = `${hostname()}:${port}`;
    io.out(`xtmp serving on ${host}:${port}${insecure ? " (INSECURE: no encryption)" : ""}`);
    if (identity) io.out(`server key ${Buffer.from(identity.publicKey).toString("hex")}`);
    const ws = flags.get("--ws");
    if (ws) {
      const w = await server.listen(`ws://${ws}/xtmp`);
      io.out(`xtmp serving WebSocket on ws://${w.host}:${w.port}/xtmp`);
    }
    const grpcListen = flags.get("--grpc-listen");
    if (grpcListen) {
      const g = await server.listen(`grpc://${grpcListen}`);
      io.out(`xtmp serving gRPC on grpc://${g.host}:${g.port}`);
    }
    if (endpoint) io.out(`xtmp serving metrics on http://${endpoint.host.includes(":") ? `[${endpoint.host}]` : endpoint.host}:${endpoint.port}/metrics`);
    await stop;
    io.out("draining…");
    health.shutdown();
    await server.shutdown({ graceMs: 5000 });
  } finally {
    process.off("SIGUSR2", printStats);
    await endpoint?.close();
    await bpci.close();
  }
  io.out("stopped");
  return 0;
}

/** Parses `--limits`: a JSON object of server options (numbers, booleans, strings), e.g. `{"maxConnections":50}`. */
function parseLimits(text: string | undefined): Partial<ServerOptions> {
  if (text === undefined) return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new UsageError("--limits needs a JSON object");
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new UsageError("--limits needs a JSON object");
  for (const [k, x] of Object.entries(v)) {
    if (!["number", "boolean", "string"].includes(typeof x)) throw new UsageError(`--limits: ${k} must be a number, boolean or string`);
  }
  return v as Partial<ServerOptions>;
}

/** server.stats plus process memory (measured after a GC when node runs with --expose-gc), as JSON. */
function statsJson(stats: ServerStats): string {
  (globalThis as { gc?: () => void }).gc?.();
  const replacer = (_k: string, x: unknown) => (typeof x === "bigint" ? Number(x) : x instanceof Map ? Object.fromEntries(x) : x);
  return JSON.stringify({ ...stats, memory: process.memoryUsage() }, replacer);
}

/** Resolves on SIGINT or SIGTERM. */
function signals(): Promise<void> {
  return new Promise((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
}

/** Runs the CLI with `argv` (without node and script); resolves with the process exit code. */
export async function main(argv: readonly string[], io: Io = { out: console.log, err: console.error }, stop: Promise<void> = signals()): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case "help":
      case "--help":
      case "-h":
        io.out(USAGE);
        return 0;
      case "services":
        parseFlags(rest, {});
        io.out(serviceTable());
        return 0;
      case "keygen": {
        const out = parseFlags(rest, { "--out": "value" }).get("--out");
        if (!out) throw new UsageError("keygen needs --out DIR");
        const id = generateIdentity();
        await saveIdentity(out, id);
        io.out(`wrote ${out}/identity.json (private, mode 0600) and ${out}/identity.pub`);
        io.out(`public key ${Buffer.from(id.publicKey).toString("hex")}`);
        return 0;
      }
      case "serve":
        return await serve(parseFlags(rest, { "--listen": "value", "--keys": "value", "--insecure": "flag", "--ws": "value", "--limits": "value", "--server-id": "value", "--trusted-proxies": "value", "--bus": "value", "--grpc-listen": "value", "--metrics": "value", "--workers": "value" }), io, stop);
      case "call":
      case "list":
      case "describe":
        return await runCallCommand(cmd, rest, io);
      case "demo": {
        const f = parseFlags(rest, { "--target": "value", "--server-key": "value" });
        const key = f.get("--server-key");
        if (key !== undefined && !f.has("--target")) throw new UsageError("--server-key goes with --target");
        return await runDemo({ ...(f.has("--target") ? { target: f.get("--target") } : {}), ...(key ? { serverKey: parsePublicKey(key) } : {}), log: io.out });
      }
      default:
        throw new UsageError(cmd === undefined ? "no command given" : `unknown command ${cmd}`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`xtmp: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    io.err(`xtmp: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}
