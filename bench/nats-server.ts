// A throwaway `nats-server -js` child process on 127.0.0.1 (free port, temp store dir) for benchmarks.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

/** A running nats-server; `stop()` kills it by PID and removes its store dir. */
export interface BenchNats {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** The nats-server binary: on PATH, else Debian's /usr/sbin or /usr/bin. */
function binary(): string {
  const dirs = [...(process.env.PATH ?? "").split(delimiter), "/usr/sbin", "/usr/bin", "/usr/local/bin"];
  const found = dirs.map((d) => join(d, "nats-server")).find((p) => existsSync(p));
  if (!found) throw new Error("nats-server is not installed (Debian: apt-get install nats-server); the LiveUpdates fan-out benchmark needs it");
  return found;
}

/** Starts `nats-server -js -a 127.0.0.1 -p -1 -sd <temp dir>` and resolves once it is ready (bounded by `ms`). */
export async function startBenchNats(ms = 15_000): Promise<BenchNats> {
  const bin = binary();
  const storeDir = mkdtempSync(join(tmpdir(), "xtmp-bench-nats-"));
  const child = spawn(bin, ["-js", "-a", "127.0.0.1", "-p", "-1", "-sd", storeDir], { stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const stop = async () => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      const hard = setTimeout(() => child.exitCode === null && child.signalCode === null && child.pid !== undefined && process.kill(child.pid, "SIGKILL"), 2_000);
      process.kill(child.pid, "SIGTERM");
      await exited;
      clearTimeout(hard);
    }
    rmSync(storeDir, { recursive: true, force: true });
  };
  let log = "";
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let port: number | undefined;
      const timer = setTimeout(() => reject(new Error(`nats-server not ready within ${ms} ms:\n${log.slice(-2000)}`)), ms);
      const onData = (d: Buffer) => {
        log += d.toString("utf8");
        port ??= Number(/Listening for client connections on 127\.0\.0\.1:(\d+)/.exec(log)?.[1] ?? NaN) || undefined;
        if (port !== undefined && /Server is ready/.test(log)) {
          clearTimeout(timer);
          child.stdout?.off("data", onData);
          child.stderr?.off("data", onData);
          child.stdout?.resume();
          child.stderr?.resume();
          resolve(port);
        }
      };
      child.stdout?.on("data", onData);
      child.stderr?.on("data", onData);
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`nats-server exited before it was ready:\n${log.slice(-2000)}`));
      });
    });
    return { url: `nats://127.0.0.1:${port}`, pid: child.pid as number, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
