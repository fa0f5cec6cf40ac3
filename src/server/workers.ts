// Worker processes (node:cluster): the primary forks N workers that share the listening ports, and drains, restarts or kills them.
import cluster, { type Worker } from "node:cluster";
import { randomBytes } from "node:crypto";
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";
import type { ServerOptions, WorkerExit, WorkerStats } from "./options.js";
import { isWorkerMessage, WORKER_ENV, WorkerLink, type ClusterHooks, type ToPrimary, type WorkerControl, type WorkerSecrets } from "./worker-link.js";

export type { ClusterHooks } from "./worker-link.js";

let claimed = false;

/**
 * What `createServer({ workers })` is here: in the primary, a pool that forks the workers (which
 * run this program too); in a worker it started, a real server linked to the primary; undefined
 * (workers 0 or unset): a server in this process only. One server per program may use workers.
 */
export function clusterRole(opts: ServerOptions, server: WorkerControl, callHook: (fn: () => void) => void): ClusterHooks | undefined {
  const n = opts.workers ?? 0;
  if (!Number.isInteger(n) || n < 0 || n > 1024) throw new XtmpError(Code.INVALID_ARGUMENT, "createServer: workers must be an integer from 0 to 1024");
  if (n === 0) return undefined;
  if (claimed) throw new XtmpError(Code.FAILED_PRECONDITION, "createServer: only one server per program may use workers");
  const env = process.env[WORKER_ENV];
  if (!cluster.isPrimary && env === undefined) throw new XtmpError(Code.FAILED_PRECONDITION, "createServer: workers needs the primary process (this is a cluster worker the server did not start)");
  claimed = true;
  if (cluster.isPrimary) return new WorkerPool(n, opts, callHook);
  delete process.env[WORKER_ENV]; // secrets: not inherited by the worker's own children
  return new WorkerLink(JSON.parse(env as string) as WorkerSecrets, server);
}

/** A worker that lived at least this long before it crashed is restarted at once. */
export const WORKER_STABLE_MS = 10_000;
/** First restart delay after a quick crash; it doubles per further quick crash... */
export const WORKER_RESTART_MIN_MS = 100;
/** ...up to this. */
export const WORKER_RESTART_MAX_MS = 10_000;
/** After shutdown's grace period, workers that have not exited get this long before SIGKILL. */
export const WORKER_EXIT_GRACE_MS = 5_000;
/** forceShutdown: workers that have not exited this long after being told to are killed (SIGKILL). */
export const WORKER_FORCE_KILL_MS = 1_000;

const MAX_TIMER = 0x7fffffff;

type Bound = { host: string; port: number } | { error: string };

interface Slot {
  index: number;
  worker: Worker | undefined;
  exited: Promise<void>;
  /** Results of the worker's listen calls, in order. */
  bound: Bound[];
  startedAt: number;
  restarts: number;
  quickCrashes: number;
  retiring: boolean;
  restartTimer: ReturnType<typeof setTimeout> | undefined;
}

interface PendingListen {
  seq: number;
  resolve(a: { host: string; port: number }): void;
  reject(e: XtmpError): void;
}

/** The primary process's side of a multi-process server: it serves nothing itself. */
export class WorkerPool implements ClusterHooks {
  readonly index = undefined;
  private readonly slots: Slot[] = [];
  private readonly pending: PendingListen[] = [];
  private listens = 0;
  private stopping = false;
  private up = false;
  private unexpectedExits = 0;
  private retired = 0;
  private datagramsRelayed = 0;
  private readonly secrets: WorkerSecrets;

  constructor(
    private readonly count: number,
    private readonly opts: ServerOptions,
    /** Runs an application hook, counting what it throws. */
    private readonly callHook: (fn: () => void) => void,
  ) {
    const ticketKey = Buffer.from(opts.ticketSecret ?? randomBytes(32)).toString("hex");
    const id = opts.identity;
    this.secrets = { index: 0, ticketKey, ...(id ? { seed: Buffer.from(id.seed).toString("hex"), ...(id.certificate ? { certificate: Buffer.from(id.certificate).toString("hex") } : {}) } : {}) };
  }

  /** Counters: one entry per worker slot, exits, datagrams relayed between workers. */
  get stats(): WorkerStats {
    return {
      workers: this.slots.map((s) => ({ index: s.index, pid: s.worker?.process.pid, listening: s.worker !== undefined && s.bound.length >= this.listens, restarts: s.restarts })),
      unexpectedExits: this.unexpectedExits,
      retired: this.retired,
      datagramsRelayed: this.datagramsRelayed,
    };
  }

  /**
   * Forks the workers on the first call; resolves once every worker's script has made its matching
   * listen call (they share the port through the primary, so port 0 binds one port for all).
   */
  listen(address: string): Promise<{ host: string; port: number }> {
    if (address.startsWith("memory:")) return Promise.reject(new XtmpError(Code.INVALID_ARGUMENT, "memory:// listeners live in one process: not with workers"));
    if (this.stopping) return Promise.reject(new XtmpError(Code.UNAVAILABLE, "the server is shutting down"));
    const seq = this.listens++;
    const done = new Promise<{ host: string; port: number }>((resolve, reject) => this.pending.push({ seq, resolve, reject }));
    if (this.slots.length === 0) for (let i = 0; i < this.count; i++) this.slots.push(this.fork({ index: i, worker: undefined, exited: Promise.resolve(), bound: [], startedAt: 0, restarts: 0, quickCrashes: 0, retiring: false, restartTimer: undefined }));
    this.settle();
    return done;
  }

  /** Every worker drains (GOAWAY, in-flight calls finish within `graceMs`) and exits; resolves when all have exited. */
  async shutdown(options: { graceMs?: number } = {}): Promise<void> {
    this.stop("the server is shutting down");
    const graceMs = Math.min(Math.max(0, options.graceMs ?? 10_000), MAX_TIMER - WORKER_EXIT_GRACE_MS);
    const live = this.slots.filter((s) => s.worker);
    for (const s of live) this.send(s, { xtmp: "shutdown", graceMs });
    const kill = setTimeout(() => live.forEach((s) => s.worker?.process.kill("SIGKILL")), graceMs + WORKER_EXIT_GRACE_MS);
    await Promise.all(live.map((s) => s.exited));
    clearTimeout(kill);
  }

  /** Every worker closes its connections now (calls fail UNAVAILABLE) and exits; one still alive after a second is killed. */
  forceShutdown(): true {
    this.stop("the server shut down");
    const live = this.slots.filter((s) => s.worker);
    for (const s of live) this.send(s, { xtmp: "force" });
    if (live.length > 0) setTimeout(() => live.forEach((s) => s.worker?.process.kill("SIGKILL")), WORKER_FORCE_KILL_MS).unref();
    return true;
  }

  /** The primary's own options (it serves nothing: the workers apply them). */
  options(opts: ServerOptions): ServerOptions {
    return opts;
  }

  /** The primary binds no UDP. */
  datagrams(): Record<string, never> {
    return {};
  }

  private stop(why: string): void {
    this.stopping = true;
    for (const s of this.slots) clearTimeout(s.restartTimer);
    for (const p of this.pending.splice(0)) p.reject(new XtmpError(Code.UNAVAILABLE, why));
  }

  private fork(slot: Slot): Slot {
    const w = cluster.fork({ [WORKER_ENV]: JSON.stringify({ ...this.secrets, index: slot.index }) });
    slot.worker = w;
    slot.bound = [];
    slot.retiring = false;
    slot.startedAt = performance.now();
    slot.exited = new Promise((resolve) => w.once("exit", (code: number | null, signal: string | null) => (this.onExit(slot, w, code, signal), resolve())));
    w.on("message", (m: unknown) => this.onMessage(slot, w, m));
    w.on("error", () => undefined); // IPC to a worker that is exiting: its exit is handled above
    return slot;
  }

  private send(slot: Slot, message: object): void {
    try {
      slot.worker?.send(message);
    } catch {
      // the channel is closed: the worker is exiting, and onExit handles that
    }
  }

  private onMessage(slot: Slot, w: Worker, m: unknown): void {
    if (slot.worker !== w || !isWorkerMessage(m)) return; // a stale worker, or the application's own messages
    const msg = m as ToPrimary;
    if (msg.xtmp === "listening" || msg.xtmp === "listenFailed") {
      slot.bound.push(msg.xtmp === "listening" ? { host: String(msg.host), port: Number(msg.port) } : { error: String(msg.message) });
      this.settle();
    } else if (msg.xtmp === "retiring") {
      slot.retiring = true;
    } else if (msg.xtmp === "datagram") {
      // a datagram for a session this worker does not have: the owner is one of the others
      for (const other of this.slots) {
        if (other === slot || !other.worker || other.bound.length === 0) continue;
        this.send(other, msg);
        this.datagramsRelayed++;
      }
    }
  }

  private onExit(slot: Slot, w: Worker, code: number | null, signal: string | null): void {
    if (slot.worker !== w) return;
    slot.worker = undefined;
    if (this.stopping) return;
    const exit: WorkerExit = { index: slot.index, pid: w.process.pid ?? 0, code, signal, restartInMs: undefined };
    if (!this.up) {
      // the server never came up: a worker that cannot start would only crash again
      const message = `worker ${slot.index} exited (${signal ?? `code ${code}`}) before it listened`;
      this.stop(message);
      for (const s of this.slots) this.send(s, { xtmp: "force" });
      this.callHook(() => this.opts.onWorkerExit?.(exit));
      return;
    }
    if (slot.retiring) {
      this.retired++; // it shut its own server down: not restarted
    } else {
      this.unexpectedExits++;
      const lived = performance.now() - slot.startedAt;
      slot.quickCrashes = lived >= WORKER_STABLE_MS ? 0 : slot.quickCrashes + 1;
      const delay = slot.quickCrashes === 0 ? 0 : Math.min(WORKER_RESTART_MAX_MS, WORKER_RESTART_MIN_MS * 2 ** (slot.quickCrashes - 1));
      exit.restartInMs = delay;
      slot.restartTimer = setTimeout(() => {
        slot.restartTimer = undefined;
        if (this.stopping) return;
        slot.restarts++;
        this.fork(slot);
      }, delay);
    }
    this.callHook(() => this.opts.onWorkerExit?.(exit));
  }

  /** Resolves (or rejects) the primary's listen calls every live worker has answered. */
  private settle(): void {
    while (this.pending.length > 0) {
      const p = this.pending[0] as PendingListen;
      const live = this.slots.filter((s) => s.worker && !s.retiring);
      if (live.length === 0 || live.some((s) => s.bound.length <= p.seq)) return;
      this.pending.shift();
      const failed = live.map((s) => s.bound[p.seq] as Bound).find((b): b is { error: string } => "error" in b);
      if (failed) {
        p.reject(new XtmpError(Code.UNAVAILABLE, `a worker could not listen: ${failed.error}`));
        continue;
      }
      this.up = true;
      p.resolve(live[0]?.bound[p.seq] as { host: string; port: number });
    }
  }
}
