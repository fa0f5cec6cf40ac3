// Child processes of the suite: runs a TypeScript entry under tsx and reads its stdout line by line.
import { spawn, type ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (attack/harness/../..). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** A running child with line-wise stdout. */
export interface Child {
  readonly proc: ChildProcess;
  readonly pid: number;
  /** Resolves with the exit code (or signal name) when the process ends. */
  readonly exited: Promise<number | string>;
  /** Whether the process has ended. */
  readonly hasExited: () => boolean;
  /** Calls `fn` for every stdout line (past lines are not replayed). */
  onLine(fn: (line: string) => void): void;
  /** Resolves with the first line matching `re` (or rejects after `timeoutMs` or on exit). */
  waitLine(re: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  /** stderr so far (bounded to the last 64 KiB). */
  stderr(): string;
  /** Sends a signal by pid; then SIGKILL after `graceMs` if still running. Resolves on exit. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

/** Spawns `node [nodeArgs] --import tsx <script> [args]` from `root` (default: this repository). */
export function spawnTs(script: string, args: readonly string[], nodeArgs: readonly string[] = [], root = ROOT): Child {
  const proc = spawn(process.execPath, [...nodeArgs, "--import", "tsx", join(root, script), ...args], {
    cwd: root,
    stdio: ["pipe", "pipe", "pipe"],
  });
  proc.on("error", () => undefined); // a failed spawn: reported below (no pid) or through `exited`
  if (proc.pid === undefined) throw new Error(`could not start ${script} in ${root}`);
  const pid = proc.pid;
  let ended = false;
  const exited = new Promise<number | string>((resolve) =>
    proc.once("exit", (code, sig) => {
      ended = true;
      resolve(code ?? sig ?? "unknown");
    }),
  );
  const listeners: Array<(line: string) => void> = [];
  let buf = "";
  proc.stdout?.setEncoding("utf8");
  proc.stdout?.on("data", (chunk: string) => {
    buf += chunk;
    let i;
    while ((i = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      for (const l of [...listeners]) l(line);
    }
  });
  let err = "";
  proc.stderr?.setEncoding("utf8");
  proc.stderr?.on("data", (chunk: string) => {
    err = (err + chunk).slice(-65536);
  });
  proc.stdin?.on("error", () => undefined); // the child may be gone
  const child: Child = {
    proc,
    pid,
    exited,
    hasExited: () => ended,
    onLine: (fn) => void listeners.push(fn),
    waitLine: (re, timeoutMs) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`${script}: no line matching ${re} within ${timeoutMs} ms; stderr: ${err.slice(-2000)}`)), timeoutMs);
        const fn = (line: string) => {
          const m = re.exec(line);
          if (m) done(undefined, m);
        };
        const done = (e?: Error, m?: RegExpExecArray) => {
          clearTimeout(timer);
          const i = listeners.indexOf(fn);
          if (i >= 0) listeners.splice(i, 1);
          if (m) resolve(m);
          else reject(e);
        };
        listeners.push(fn);
        void exited.then((code) => done(new Error(`${script} exited (${code}) before printing ${re}; stderr: ${err.slice(-2000)}`)));
      }),
    stderr: () => err,
    stop: async (signal = "SIGTERM", graceMs = 3000) => {
      if (ended) return;
      try {
        process.kill(pid, signal);
      } catch {
        return;
      }
      const timer = setTimeout(() => {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }, graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  return child;
}
