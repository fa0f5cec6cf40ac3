// The BPCI ledger in NATS JetStream: one stream of events (its sequence is the LiveUpdates sequence) and a KV wallet registry.
import { connect } from "@nats-io/transport-node";
import { DeliverPolicy, DiscardPolicy, jetstream, jetstreamManager, StorageType, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import { Kvm, type KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import { BundleStatus, LiveUpdatesResponse, type RegisterWalletResponse, type SubmitBundleResponse } from "../../generated/bpci/v1/bpci.js";
import { Code, XtmpError } from "../../src/index.js";
import { BUNDLES, WALLETS, duplicateReason, newStats, stamp, type BundleDraft, type Ledger, type LedgerStats } from "./ledger.js";

/** Options of the NATS JetStream ledger (names and defaults as documented in `xtmp serve --help`). */
export interface NatsLedgerOptions {
  /** `nats://host:port`, several comma-separated for a NATS cluster. */
  servers: string;
  /** JetStream stream of ledger events (default "BPCI_LEDGER"). */
  stream?: string;
  /** Subject prefix; events of topic T go to `<prefix>.T` (default "bpci.ledger"). */
  subjectPrefix?: string;
  /** KV bucket of the wallet registry (default "BPCI_WALLETS"). */
  walletsBucket?: string;
  /** JetStream de-duplication window for bundle ids (default 120,000 ms, JetStream's own default). */
  duplicateWindowMs?: number;
  /** Events the stream retains, oldest discarded first; older resume points fail OUT_OF_RANGE (default 1,000,000). */
  maxEvents?: number;
  /** Messages a subscriber's consumer pulls ahead of what its client has taken (default 64). */
  subscriberBuffer?: number;
  /** How long a publish waits for JetStream's acknowledgement before UNAVAILABLE (default 5,000 ms). */
  publishTimeoutMs?: number;
  /** Pause between reconnection attempts to NATS (default 250 ms). */
  reconnectWaitMs?: number;
  /** Where connection changes are reported ("bus connected …", "bus disconnected …"). */
  log?: (line: string) => void;
}

interface WalletRecord {
  publicKey: string;
  accountNumber: string;
  registeredAtMs: string;
}

/** One open LiveUpdates subscription (so a disconnect can cut it). */
interface Live {
  cut(): void;
}

const TOKEN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Server processes hold no ledger state: events are published to the stream with a message id
 * (`bundle:<base64url id>`, `wallet:<base64url id>`) so JetStream drops duplicates within its window,
 * and a SubmitBundle answers only after JetStream acknowledged the publish. A wallet's account number
 * is the stream sequence of its registration event (unique across servers, increasing, not dense).
 * Subscribers read through ordered pull consumers that pull at most `subscriberBuffer` messages ahead.
 */
export class NatsLedger implements Ledger {
  readonly stats: LedgerStats = newStats();
  private readonly o: Required<Omit<NatsLedgerOptions, "log">> & Pick<NatsLedgerOptions, "log">;
  private nc: NatsConnection | undefined;
  private js: JetStreamClient | undefined;
  private jsm: JetStreamManager | undefined;
  private kv: KV | undefined;
  private up = false;
  private closed = false;
  private readonly listeners = new Set<(available: boolean) => void>();
  private readonly live = new Set<Live>();
  /** Resolves once the ledger has been available (or closed). */
  readonly ready: Promise<void>;
  private markReady: () => void = () => {};

  constructor(options: NatsLedgerOptions) {
    this.o = {
      stream: "BPCI_LEDGER",
      subjectPrefix: "bpci.ledger",
      walletsBucket: "BPCI_WALLETS",
      duplicateWindowMs: 120_000,
      maxEvents: 1_000_000,
      subscriberBuffer: 64,
      publishTimeoutMs: 5_000,
      reconnectWaitMs: 250,
      ...options,
    };
    this.ready = new Promise((r) => (this.markReady = r));
    void this.run();
  }

  get available(): boolean {
    return this.up;
  }

  onAvailability(listener: (available: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async registerWallet(walletId: string, publicKey: Uint8Array): Promise<RegisterWalletResponse> {
    const { js, kv } = this.connected();
    const key = b64(walletId);
    try {
      const known = await kv.get(key);
      if (known && known.operation === "PUT") return existing(walletId, known.json<WalletRecord>(), publicKey);
      const now = BigInt(Date.now());
      const event = LiveUpdatesResponse.encode({ sequence: 0n, topic: WALLETS, timestampMs: now, event: { $case: "wallet", wallet: { walletId, accountNumber: 0n, created: true, registeredAtMs: now } } }).finish();
      const ack = await js.publish(this.subject(WALLETS), event, { msgID: `wallet:${key}`, timeout: this.o.publishTimeoutMs });
      if (ack.duplicate) this.stats.duplicates++;
      else this.stats.appended++;
      const record: WalletRecord = { publicKey: Buffer.from(publicKey).toString("hex"), accountNumber: String(ack.seq), registeredAtMs: String(now) };
      try {
        await kv.create(key, JSON.stringify(record));
        return { walletId, accountNumber: BigInt(ack.seq), created: true, registeredAtMs: now };
      } catch (err) {
        const raced = await kv.get(key);
        if (raced && raced.operation === "PUT") return existing(walletId, raced.json<WalletRecord>(), publicKey);
        throw err;
      }
    } catch (err) {
      throw this.failure(err);
    }
  }

  async submitBundle(draft: BundleDraft): Promise<SubmitBundleResponse> {
    const { js } = this.connected();
    const receipt: SubmitBundleResponse = { ...draft, sequence: 0n };
    const event = LiveUpdatesResponse.encode({ sequence: 0n, topic: BUNDLES, timestampMs: BigInt(Date.now()), event: { $case: "bundle", bundle: receipt } }).finish();
    try {
      const ack = await js.publish(this.subject(BUNDLES), event, { msgID: `bundle:${b64(draft.bundleId)}`, timeout: this.o.publishTimeoutMs });
      const sequence = BigInt(ack.seq);
      if (ack.duplicate) {
        this.stats.duplicates++;
        return { ...draft, status: BundleStatus.BUNDLE_STATUS_DUPLICATE, reason: duplicateReason(draft.bundleId, sequence), sequence };
      }
      this.stats.appended++;
      return { ...receipt, sequence };
    } catch (err) {
      throw this.failure(err);
    }
  }

  async *updates(resumeAfter: bigint, topics: readonly string[], signal: AbortSignal): AsyncGenerator<LiveUpdatesResponse> {
    const { js, jsm } = this.connected();
    if (resumeAfter >= BigInt(Number.MAX_SAFE_INTEGER)) throw new XtmpError(Code.OUT_OF_RANGE, `resume point ${resumeAfter} is beyond any sequence`);
    const single = topics.length > 0 && topics.every((t) => t === topics[0]) && TOKEN.test(topics[0] as string);
    const wanted = topics.length > 0 ? new Set(topics) : undefined;
    let cut = false;
    let stop = () => {};
    const sub: Live = { cut: () => ((cut = true), stop()) };
    const onAbort = () => stop();
    this.live.add(sub);
    this.stats.subscriptions++;
    this.stats.openSubscriptions++;
    signal.addEventListener("abort", onAbort);
    let deleteConsumer: (() => Promise<unknown>) | undefined;
    try {
      let start: { deliver_policy: DeliverPolicy; opt_start_seq?: number } = { deliver_policy: DeliverPolicy.New };
      if (resumeAfter > 0n) {
        const { state } = await jsm.streams.info(this.o.stream);
        if (state.messages > 0 && resumeAfter + 1n < BigInt(state.first_seq)) {
          throw new XtmpError(Code.OUT_OF_RANGE, `resume point ${resumeAfter} is older than the retained log: events ${state.first_seq}..${state.last_seq} are kept (maxEvents ${this.o.maxEvents}); resume after ${state.first_seq - 1} or later`);
        }
        start = { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: Number(resumeAfter + 1n) };
      }
      if (cut) throw this.unavailable();
      const consumer = await js.consumers.get(this.o.stream, { ...start, filter_subjects: single ? this.subject(topics[0] as string) : `${this.o.subjectPrefix}.>`, inactive_threshold: 30_000 });
      deleteConsumer = () => consumer.delete();
      if (cut) throw this.unavailable();
      if (signal.aborted) return;
      const messages = await consumer.consume({ max_messages: this.o.subscriberBuffer });
      stop = () => void messages.close().catch(() => {});
      if (cut) throw this.unavailable();
      if (signal.aborted) return;
      for await (const m of messages) {
        let event: LiveUpdatesResponse;
        try {
          event = LiveUpdatesResponse.decode(m.data);
        } catch {
          this.stats.undecodable++;
          continue;
        }
        if (wanted && !wanted.has(event.topic)) continue;
        const sequence = BigInt(m.seq);
        const e = event.event;
        yield e?.$case === "wallet" ? { ...event, sequence, event: { $case: "wallet", wallet: { ...e.wallet, accountNumber: sequence } } } : stamp(event, sequence);
        if (cut || signal.aborted) break;
      }
      if (cut) throw this.unavailable();
      if (!signal.aborted && !this.closed) throw new XtmpError(Code.UNAVAILABLE, "the ledger subscription ended; resume after the last sequence received");
    } catch (err) {
      throw cut ? this.unavailable() : this.failure(err);
    } finally {
      stop();
      signal.removeEventListener("abort", onAbort);
      this.live.delete(sub);
      this.stats.openSubscriptions--;
      if (deleteConsumer && this.up) {
        deleteConsumer().catch(() => this.stats.consumerDeleteFailures++);
      } else if (deleteConsumer) this.stats.consumerDeleteFailures++;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.setUp(false);
    this.markReady();
    await this.nc?.drain().catch(() => this.nc?.close());
  }

  private subject(topic: string): string {
    return `${this.o.subjectPrefix}.${topic}`;
  }

  /** The clients, or UNAVAILABLE while the bus is down. */
  private connected(): { js: JetStreamClient; jsm: JetStreamManager; kv: KV } {
    if (!this.up || !this.js || !this.jsm || !this.kv) throw this.unavailable();
    return { js: this.js, jsm: this.jsm, kv: this.kv };
  }

  private unavailable(): XtmpError {
    return new XtmpError(Code.UNAVAILABLE, this.closed ? "the BPCI ledger is shut down" : `the BPCI ledger bus (NATS at ${this.o.servers}) is unreachable; retry`);
  }

  /** XtmpErrors pass; anything from the bus is UNAVAILABLE (retryable: bundles are de-duplicated by id). */
  private failure(err: unknown): XtmpError {
    if (err instanceof XtmpError) return err;
    return new XtmpError(Code.UNAVAILABLE, `the BPCI ledger bus failed: ${err instanceof Error ? err.message : String(err)}; retry`);
  }

  private setUp(up: boolean): void {
    if (up && this.closed) return;
    if (this.up === up) return;
    this.up = up;
    if (!up) for (const s of [...this.live]) {
      this.stats.subscriptionsCut++;
      s.cut();
    }
    for (const l of [...this.listeners]) l(up);
  }

  /** Connects (retrying until closed), prepares stream and bucket, and follows the connection's status. */
  private async run(): Promise<void> {
    const servers = this.o.servers.split(",").map((s) => s.trim()).filter((s) => s !== "");
    while (!this.closed && !this.nc) {
      try {
        this.nc = await connect({ servers, name: "xtmp-bpci", maxReconnectAttempts: -1, reconnectTimeWait: this.o.reconnectWaitMs, reconnectJitter: 100, timeout: 2_000, pingInterval: 5_000, maxPingOut: 2 });
      } catch (err) {
        this.o.log?.(`bus unreachable at ${this.o.servers}: ${err instanceof Error ? err.message : String(err)}; retrying`);
        await delay(this.o.reconnectWaitMs);
      }
    }
    const nc = this.nc;
    if (!nc) return;
    if (this.closed) return void (await nc.close());
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === "disconnect") {
          this.o.log?.(`bus disconnected from ${s.server}`);
          this.setUp(false);
        } else if (s.type === "reconnect") void this.prepare();
      }
    })();
    void nc.closed().then(() => this.setUp(false));
    await this.prepare();
  }

  /** Creates (or adopts) the stream and the bucket, then reports available; retried while the bus is reachable. */
  private async prepare(): Promise<void> {
    const nc = this.nc;
    while (nc && !this.closed && !nc.isClosed()) {
      try {
        const jsm = await jetstreamManager(nc, { timeout: 2_000 });
        const config = { name: this.o.stream, subjects: [`${this.o.subjectPrefix}.>`], storage: StorageType.File, duplicate_window: this.o.duplicateWindowMs * 1_000_000, max_msgs: this.o.maxEvents, discard: DiscardPolicy.Old, num_replicas: 1 };
        try {
          await jsm.streams.add(config);
        } catch {
          await jsm.streams.update(this.o.stream, config);
        }
        const js = jetstream(nc, { timeout: this.o.publishTimeoutMs });
        this.kv = await new Kvm(js).create(this.o.walletsBucket, { history: 1, storage: StorageType.File });
        this.jsm = jsm;
        this.js = js;
        if (nc.isClosed() || this.closed) return;
        this.o.log?.(`bus connected to ${nc.getServer()}: stream ${this.o.stream}, bucket ${this.o.walletsBucket}`);
        this.setUp(true);
        this.markReady();
        return;
      } catch (err) {
        this.o.log?.(`bus not ready: ${err instanceof Error ? err.message : String(err)}; retrying`);
        await delay(this.o.reconnectWaitMs);
      }
    }
  }
}

/** The answer to re-registering `walletId`: same key -> not created, another key -> ALREADY_EXISTS. */
function existing(walletId: string, record: WalletRecord, publicKey: Uint8Array): RegisterWalletResponse {
  if (record.publicKey !== Buffer.from(publicKey).toString("hex")) throw new XtmpError(Code.ALREADY_EXISTS, `wallet ${JSON.stringify(walletId)} is registered with another key`);
  return { walletId, accountNumber: BigInt(record.accountNumber), created: false, registeredAtMs: BigInt(record.registeredAtMs) };
}

/** base64url of the UTF-8 bytes: a valid KV key and header value whatever the id contains. */
function b64(id: string): string {
  return Buffer.from(id, "utf8").toString("base64url");
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
