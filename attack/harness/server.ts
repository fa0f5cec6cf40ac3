// Runs `xtmp serve` from source in its own process and reads its port, key and stats (STATS on SIGUSR2).
import { spawnTs, type Child } from "./children.js";

/** Where the attacked server listens. */
export interface Target {
  host: string;
  /** TCP port (UDP is bound on the same port). */
  port: number;
  /** The server's Ed25519 identity key. */
  serverKey: Uint8Array;
  /** WebSocket port (path /xtmp), when started with `ws`. */
  wsPort?: number;
}

/** What `STATS` prints: server.stats plus process.memoryUsage() after a GC. */
export type ServerStatsLine = Record<string, unknown> & { memory: NodeJS.MemoryUsage };

/** A server process under attack. */
export interface ServerProcess {
  readonly child: Child;
  readonly pid: number;
  readonly target: Target;
  /** Asks for STATS (SIGUSR2) and resolves with the parsed line. */
  stats(timeoutMs?: number): Promise<ServerStatsLine>;
  /** Whether the process is still running. */
  alive(): boolean;
  /** SIGTERM, then SIGKILL after a grace period. */
  stop(): Promise<void>;
}

/** Options of a server process. */
export interface ServerProcessOptions {
  /** Server options merged in through `--limits` (small limits for tests). */
  limits?: Record<string, number | boolean | string>;
  /** Also listen for WebSocket. */
  ws?: boolean;
}

/** Starts `node --expose-gc --import tsx cli/run.ts serve --listen 127.0.0.1:0 …` and waits until it serves. */
export async function startServer(opts: ServerProcessOptions = {}): Promise<ServerProcess> {
  const args = ["serve", "--listen", "127.0.0.1:0"];
  if (opts.ws) args.push("--ws", "127.0.0.1:0");
  if (opts.limits && Object.keys(opts.limits).length > 0) args.push("--limits", JSON.stringify(opts.limits));
  // ATTACK_SERVER_ROOT runs the server from another checkout (e.g. an older commit, to compare)
  const child = spawnTs("cli/run.ts", args, ["--expose-gc"], process.env.ATTACK_SERVER_ROOT || undefined);
  try {
    const serving = child.waitLine(/^xtmp serving on (\S+):(\d+)/, 30_000);
    const key = child.waitLine(/^server key ([0-9a-f]{64})/, 30_000);
    const ws = opts.ws ? child.waitLine(/^xtmp serving WebSocket on ws:\/\/\S+:(\d+)\//, 30_000) : undefined;
    const [s, k, w] = await Promise.all([serving, key, ws]);
    const target: Target = { host: s[1] as string, port: Number(s[2]), serverKey: Uint8Array.from(Buffer.from(k[1] as string, "hex")) };
    if (w) target.wsPort = Number(w[1]);
    return {
      child,
      pid: child.pid,
      target,
      stats: async (timeoutMs = 5000) => {
        const line = child.waitLine(/^STATS (.*)$/, timeoutMs);
        process.kill(child.pid, "SIGUSR2");
        return JSON.parse((await line)[1] as string) as ServerStatsLine;
      },
      alive: () => !child.hasExited(),
      stop: () => child.stop("SIGTERM", 3000),
    };
  } catch (err) {
    await child.stop("SIGKILL");
    throw err;
  }
}
