// Test NATS: a real `nats-server -js` child process on loopback with its own store dir, and `xtmp serve --bus` processes.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

/** A child process whose output is read line by line. */
export interface LineProcess {
  readonly child: ChildProcess;
  /** Resolves when the process has exited. */
  readonly exited: Promise<void>;
  /** Every line printed so far (stdout and stderr). */
  readonly lines: readonly string[];
  /** Waits for the first line (from index `from` on) matching `pattern` (bounded); resolves with its index and match. */
  waitFor(pattern: RegExp, ms?: number, from?: number): Promise<{ index: number; match: RegExpMatchArray }>;
  /** Kills it by PID with `signal` and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Spawns `command` and collects its output lines. */
export function spawnLines(command: string, args: readonly string[], name: string): LineProcess {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  for (const s of [child.stdout, child.stderr]) {
    let buffer = "";
    s?.setEncoding("utf8").on("data", (d: string) => {
      buffer += d;
      let i;
      while ((i = buffer.indexOf("\n")) >= 0) {
        lines.push(buffer.slice(0, i));
        buffer = buffer.slice(i + 1);
      }
      for (const w of [...waiters]) w();
    });
  }
  const waitFor = (pattern: RegExp, ms = 15_000, from = 0) =>
    new Promise<{ index: number; match: RegExpMatchArray }>((resolve, reject) => {
      const check = () => {
        for (let i = from; i < lines.length; i++) {
          const match = (lines[i] as string).match(pattern);
          if (!match) continue;
          done();
          resolve({ index: i, match });
          return true;
        }
        return false;
      };
      const done = () => {
        waiters.delete(check);
        clearTimeout(timer);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${name}: no line matching ${pattern} within ${ms} ms; output:\n${lines.slice(-20).join("\n")}`));
      }, ms);
      waiters.add(check);
      void exited.then(() => {
        if (!check() && waiters.has(check)) {
          done();
          reject(new Error(`${name} exited before printing ${pattern}; output:\n${lines.slice(-20).join("\n")}`));
        }
      });
      check();
    });
  const kill = async (signal: NodeJS.Signals = "SIGKILL") => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return { child, exited, lines, waitFor, kill };
}

/** The nats-server binary: on PATH, else Debian's /usr/sbin or /usr/bin. */
export function natsServerBinary(): string {
  const dirs = [...(process.env.PATH ?? "").split(delimiter), "/usr/sbin", "/usr/bin", "/usr/local/bin"];
  const found = dirs.map((d) => join(d, "nats-server")).find((p) => existsSync(p));
  if (!found) throw new Error("nats-server is not installed (Debian: apt-get install nats-server; .ci/run installs it)");
  return found;
}

/** A running nats-server with JetStream. */
export interface Nats extends LineProcess {
  readonly port: number;
  readonly url: string;
  readonly storeDir: string;
}

/** Starts `nats-server -js` on 127.0.0.1 (`port` -1 = a free one, read from its log) storing in `storeDir` (default a new temp dir). */
export async function startNats(options: { port?: number; storeDir?: string } = {}): Promise<Nats> {
  const storeDir = options.storeDir ?? mkdtempSync(join(tmpdir(), "xtmp-nats-"));
  const p = spawnLines(natsServerBinary(), ["-js", "-a", "127.0.0.1", "-p", String(options.port ?? -1), "-sd", storeDir], "nats-server");
  try {
    const { match } = await p.waitFor(/Listening for client connections on 127\.0\.0\.1:(\d+)/, 10_000);
    await p.waitFor(/Server is ready/, 10_000);
    const port = Number(match[1]);
    return { ...p, port, url: `nats://127.0.0.1:${port}`, storeDir };
  } catch (err) {
    await p.kill();
    throw err;
  }
}

/** Removes a store dir made by startNats. */
export function removeStore(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** An `xtmp serve --bus` process. */
export interface BusServer extends LineProcess {
  readonly id: string;
  readonly port: number;
}

/** Starts `xtmp serve --listen 127.0.0.1:0 --keys DIR --bus URL --server-id ID` and waits until it listens. */
export async function startBusServer(id: string, keysDir: string, bus: string): Promise<BusServer> {
  const p = spawnLines(process.execPath, ["--import", "tsx", "cli/run.ts", "serve", "--listen", "127.0.0.1:0", "--keys", keysDir, "--bus", bus, "--server-id", id], `server ${id}`);
  try {
    const { match } = await p.waitFor(/^xtmp serving on [^:]+:(\d+)/, 20_000);
    return { ...p, id, port: Number(match[1]) };
  } catch (err) {
    await p.kill();
    throw err;
  }
}
