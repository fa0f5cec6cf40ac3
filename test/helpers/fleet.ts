// Test fleets: replicas (test/helpers/fleet-server.ts) in child processes on loopback, sharing one identity.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { identityFromSeed } from "../../src/index.js";

/** One replica process. */
export interface Replica {
  readonly id: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** Resolves when the process has exited. */
  readonly exited: Promise<void>;
  /** Waits for an output line starting with `prefix` (bounded). */
  line(prefix: string, ms?: number): Promise<string>;
  /** Writes one command line to its stdin. */
  send(command: string): void;
}

/** A fleet identity: every replica uses it, clients pin its key. */
export function fleetIdentity() {
  const seed = randomBytes(32);
  return { seedHex: seed.toString("hex"), publicKey: identityFromSeed(seed).publicKey };
}

/** Starts a replica on `port` (0 = any) and waits until it listens. */
export async function startReplica(id: string, seedHex: string, port = 0): Promise<Replica> {
  const child = spawn(process.execPath, ["--import", "tsx", "test/helpers/fleet-server.ts", String(port), id, seedHex], { stdio: ["pipe", "pipe", "inherit"] });
  const seen: string[] = [];
  const waiters = new Set<() => void>();
  let buffer = "";
  child.stdout?.setEncoding("utf8").on("data", (d: string) => {
    buffer += d;
    let i;
    while ((i = buffer.indexOf("\n")) >= 0) {
      seen.push(buffer.slice(0, i));
      buffer = buffer.slice(i + 1);
    }
    for (const w of [...waiters]) w();
  });
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const line = (prefix: string, ms = 15_000) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const l = seen.find((s) => s.startsWith(prefix));
        if (l === undefined) return false;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(l);
        return true;
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`replica ${id}: no "${prefix}" line within ${ms} ms`));
      }, ms);
      waiters.add(check);
      void exited.then(() => {
        if (!check()) {
          waiters.delete(check);
          clearTimeout(timer);
          reject(new Error(`replica ${id} exited before printing "${prefix}"`));
        }
      });
      check();
    });
  const ready = await line("PORT ");
  return { id, port: Number(ready.split(" ")[1]), child, exited, line, send: (c) => void child.stdin?.write(`${c}\n`) };
}

/** Kills every replica still running (by PID) and waits for them to exit. */
export async function stopAll(replicas: Iterable<Replica | undefined>): Promise<void> {
  const live = [...replicas].filter((r): r is Replica => r !== undefined && r.child.exitCode === null && r.child.signalCode === null);
  for (const r of live) r.child.kill("SIGKILL");
  await Promise.all(live.map((r) => r.exited));
}
