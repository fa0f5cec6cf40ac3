// Child processes of the multi-process benchmarks: fork a role, ask it over IPC, serve jobs, kill by PID.
import { fork, type ChildProcess } from "node:child_process";

/** Forks `file` (run through tsx) with `args`: one role of a benchmark (server or client). */
export function forkRole(file: string, args: string[]): ChildProcess {
  return fork(file, args, { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
}

/** The first IPC message `pick` accepts; rejects if the process exits first or after `ms`. */
export function first<T>(p: ChildProcess, pick: (m: Record<string, unknown>) => T | undefined, what: string, ms = 60_000): Promise<T> {
  return new Promise((res, rej) => {
    const done = () => {
      p.off("message", on);
      p.off("exit", onExit);
      clearTimeout(timer);
    };
    const on = (m: Record<string, unknown>) => {
      const v = pick(m);
      if (v !== undefined) {
        done();
        res(v);
      }
    };
    const onExit = (code: number | null) => {
      done();
      rej(new Error(`${what}: process ${p.pid} exited (${code}) before answering`));
    };
    const timer = setTimeout(() => {
      done();
      rej(new Error(`${what}: no answer from process ${p.pid} within ${ms} ms`));
    }, ms);
    p.on("message", on);
    p.on("exit", onExit);
  });
}

let nextId = 1;
/** Sends `job` to a client process (see `serveJobs`) and resolves with its result; `what` names it in errors. */
export function ask<R>(client: ChildProcess, job: unknown, what: string, ms: number): Promise<R> {
  const id = nextId++;
  client.send({ id, job });
  return first(client, (m) => (m.id === id ? m : undefined), what, ms).then((m) => {
    if (m.error) throw new Error(`${what}: ${String(m.error)}`);
    return m.result as R;
  });
}

/** The client role: answers each `{ id, job }` with `measure(job)`'s result or error; exits when the parent goes. */
export function serveJobs<J>(measure: (job: J) => Promise<unknown>): void {
  process.on("message", (msg: { id: number; job: J }) => {
    measure(msg.job).then(
      (result) => process.send?.({ id: msg.id, result }),
      (err: unknown) => process.send?.({ id: msg.id, error: err instanceof Error ? err.message : String(err) }),
    );
  });
  process.on("disconnect", () => process.exit(0));
  process.send?.({ ready: true });
}

/** Kills each child by its PID (SIGKILL if it has not exited 2 s after SIGTERM) and waits for the exits. */
export async function killAll(children: ChildProcess[]): Promise<void> {
  const live = children.filter((c) => c.pid !== undefined && c.exitCode === null && c.signalCode === null);
  await Promise.all(
    live.map(
      (c) =>
        new Promise<void>((res) => {
          const hard = setTimeout(() => c.pid !== undefined && c.exitCode === null && process.kill(c.pid, "SIGKILL"), 2_000);
          c.once("exit", () => {
            clearTimeout(hard);
            res();
          });
          if (c.pid !== undefined) process.kill(c.pid, "SIGTERM");
        }),
    ),
  );
}

/** A positive integer command-line option `name` (e.g. `--rounds 3`), or `dflt` when absent. */
export function intArg(name: string, dflt: number): number {
  const i = process.argv.indexOf(name);
  const n = i >= 0 ? Number(process.argv[i + 1]) : dflt;
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer`);
  return n;
}
