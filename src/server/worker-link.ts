// A worker process's side of a multi-process server: reports listens, relays stray datagrams, obeys shutdown.
import { identityFromSeed } from "../secure/identity.js";
import { MAX_DATAGRAM_SIZE } from "../secure/datagram.js";
import type { UdpPeer } from "../transport/udp.js";
import type { DatagramRelay, ServerDatagrams } from "./datagrams.js";
import type { ServerOptions, WorkerStats } from "./options.js";

/** Environment variable carrying a worker's index and the primary's secrets (removed from process.env when read). */
export const WORKER_ENV = "XTMP_SERVER_WORKER";

/** What the primary hands every worker. */
export interface WorkerSecrets {
  index: number;
  /** Session-ticket key shared by all workers (hex, 32 bytes). */
  ticketKey: string;
  /** The primary's identity seed and certificate (hex): every worker serves with the same identity. */
  seed?: string;
  certificate?: string;
}

/** Worker -> primary. */
export type ToPrimary =
  | { xtmp: "listening"; seq: number; host: string; port: number }
  | { xtmp: "listenFailed"; seq: number; message: string }
  | { xtmp: "retiring" }
  | RelayedDatagram;

/** A datagram received by one worker for a session another may own (either direction through the primary). */
export interface RelayedDatagram {
  xtmp: "datagram";
  /** The local UDP port it arrived on (the listener). */
  port: number;
  /** The datagram, base64. */
  data: string;
  address: string;
  fromPort: number;
}

/** Whether an IPC message is one of ours (the application may use the channel too). */
export function isWorkerMessage(m: unknown): m is { xtmp: string } {
  return typeof m === "object" && m !== null && typeof (m as { xtmp?: unknown }).xtmp === "string";
}

/** What a worker's server lets the link do. */
export interface WorkerControl {
  shutdown(options: { graceMs?: number }): Promise<void>;
  forceShutdown(): void;
}

/** The server's hooks into its part in a multi-process server (primary or worker). */
export interface ClusterHooks {
  /** In a worker: its index. */
  readonly index: number | undefined;
  /** In the primary: the workers' counters. */
  readonly stats: WorkerStats | undefined;
  /** The options the server runs with. */
  options(opts: ServerOptions): ServerOptions;
  /** Listens (`bind` listens in this process). */
  listen(address: string, bind: () => Promise<{ host: string; port: number }>): Promise<{ host: string; port: number }>;
  /** Extra options of the UDP endpoint beside the TCP listener on `port`. */
  datagrams(port: number): { relay?: DatagramRelay };
  /** The primary's shutdown (a promise), or undefined: the server shuts down in this process. */
  shutdown(options: { graceMs?: number }): Promise<void> | undefined;
  /** True when handled here (the primary); false: the server closes in this process. */
  forceShutdown(): boolean;
}

/** Inside a worker: the link to the primary. */
export class WorkerLink implements ClusterHooks {
  readonly stats = undefined;
  private listens = 0;
  private readonly endpoints = new Map<number, ServerDatagrams>();
  private commanded = false;
  /** IPC messages from the primary that were not understood (a version mismatch or a bug). */
  badMessages = 0;

  constructor(
    private readonly secrets: WorkerSecrets,
    private readonly control: WorkerControl,
  ) {
    process.on("message", (m: unknown) => this.onMessage(m));
  }

  /** This worker's index, 0 .. workers-1 (a restarted worker keeps its slot's index). */
  get index(): number {
    return this.secrets.index;
  }

  /** The session-ticket key every worker of this server shares (32 bytes). */
  get ticketKey(): Uint8Array {
    return Uint8Array.from(Buffer.from(this.secrets.ticketKey, "hex"));
  }

  /**
   * The worker's server options: the primary's identity and ticket secret replace whatever this
   * process computed, so every worker is the same server to clients (and accepts every ticket).
   */
  options(opts: ServerOptions): ServerOptions {
    const { seed, certificate } = this.secrets;
    const identity = seed === undefined ? {} : { identity: identityFromSeed(Buffer.from(seed, "hex"), certificate !== undefined ? Buffer.from(certificate, "hex") : undefined) };
    return { ...opts, ...identity, ticketSecret: this.ticketKey };
  }

  /** Listens here and reports the outcome to the primary (which waits for every worker's), in order. */
  async listen(_address: string, bind: () => Promise<{ host: string; port: number }>): Promise<{ host: string; port: number }> {
    const seq = this.listens++;
    try {
      const bound = await bind();
      this.send({ xtmp: "listening", seq, host: bound.host, port: bound.port });
      return bound;
    } catch (err) {
      this.send({ xtmp: "listenFailed", seq, message: err instanceof Error ? err.message : String(err) });
      throw err;
    }
  }

  /** The UDP endpoint on `port` hands datagrams for sessions this worker lacks to its siblings, and takes theirs. */
  datagrams(port: number): { relay: DatagramRelay } {
    return {
      relay: {
        forward: (msg: Uint8Array, from: UdpPeer) => this.send({ xtmp: "datagram", port, data: Buffer.from(msg.buffer, msg.byteOffset, msg.length).toString("base64"), address: from.address, fromPort: from.port }),
        attach: (endpoint: ServerDatagrams) => void this.endpoints.set(port, endpoint),
      },
    };
  }

  /** The worker's own server is shutting down (not on the primary's order): the primary must not restart it. */
  shutdown(): undefined {
    if (!this.commanded) this.send({ xtmp: "retiring" });
    return undefined;
  }

  forceShutdown(): boolean {
    this.shutdown();
    return false;
  }

  private send(m: ToPrimary): void {
    try {
      process.send?.(m);
    } catch {
      // the primary is gone: node exits a cluster worker whose channel closes
    }
  }

  private onMessage(m: unknown): void {
    if (!isWorkerMessage(m)) return;
    const msg = m as { xtmp: string } & Record<string, unknown>;
    if (msg.xtmp === "datagram") return this.onDatagram(msg);
    if (msg.xtmp === "shutdown" && typeof msg.graceMs === "number") {
      this.commanded = true;
      void this.control.shutdown({ graceMs: msg.graceMs }).finally(exitSoon);
    } else if (msg.xtmp === "force") {
      this.commanded = true;
      this.control.forceShutdown();
      exitSoon();
    } else this.badMessages++;
  }

  private onDatagram(m: Record<string, unknown>): void {
    const { port, data, address, fromPort } = m;
    const endpoint = typeof port === "number" ? this.endpoints.get(port) : undefined;
    if (!endpoint || typeof data !== "string" || data.length > ((MAX_DATAGRAM_SIZE + 2) / 3) * 4 || typeof address !== "string" || typeof fromPort !== "number") {
      this.badMessages++;
      return;
    }
    endpoint.deliver(Buffer.from(data, "base64"), { address, port: fromPort });
  }
}

/** Exits after this turn's writes (CLOSE frames, FINs) have been handed to the kernel. */
function exitSoon(): void {
  setImmediate(() => process.exit(0));
}
