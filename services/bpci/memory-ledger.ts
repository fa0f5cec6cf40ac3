// The embedded BPCI ledger: one process's memory, a ring buffer of recent events indexed by sequence.
import { BundleStatus, type LiveUpdatesResponse, type RegisterWalletResponse, type SubmitBundleResponse } from "../../generated/bpci/v1/bpci.js";
import { Code, XtmpError } from "../../src/index.js";
import { BUNDLES, WALLETS, duplicateReason, newStats, stamp, type BundleDraft, type Ledger, type LedgerStats } from "./ledger.js";

/** Limits of the embedded ledger. */
export interface MemoryLedgerOptions {
  /** Events kept for resumption; older resume points fail OUT_OF_RANGE (default 10,000). */
  historySize?: number;
  /** Bundle ids remembered for DUPLICATE answers, oldest forgotten first (default 100,000). */
  rememberedBundles?: number;
  /** Wallets the registry holds; more fail RESOURCE_EXHAUSTED (default 1,000,000). */
  maxWallets?: number;
}

interface Wallet {
  readonly publicKey: Uint8Array;
  readonly accountNumber: bigint;
  readonly registeredAtMs: bigint;
}

/** A subscriber waiting for events of its topics. */
interface Waiter {
  /** Set while it waits. */
  wake: (() => void) | undefined;
  /** The first event of its topics appended while it waited (what came before it did not match). */
  next: bigint | undefined;
}

/**
 * Events live in a ring of `historySize` slots: event s sits at (s - 1) % historySize, so a
 * subscriber finds its position in O(1) and each wake costs O(events appended since). Subscribers
 * wait per topic, so an event wakes only those who may want it. Account numbers are dense (1, 2, …).
 */
export class MemoryLedger implements Ledger {
  readonly available = true;
  readonly stats: LedgerStats = newStats();
  private readonly historySize: number;
  private readonly rememberedBundles: number;
  private readonly maxWallets: number;
  private readonly ring: (LiveUpdatesResponse | undefined)[];
  private sequence = 0;
  private accounts = 0n;
  private readonly wallets = new Map<string, Wallet>();
  /** bundle id -> sequence of its event, in insertion order (oldest first). */
  private readonly bundles = new Map<string, bigint>();
  /** topic ("" = subscribers of every topic) -> waiting subscribers. */
  private readonly waiting = new Map<string, Set<Waiter>>();
  private closed = false;

  constructor(options: MemoryLedgerOptions = {}) {
    this.historySize = positive(options.historySize ?? 10_000, "historySize");
    this.rememberedBundles = positive(options.rememberedBundles ?? 100_000, "rememberedBundles");
    this.maxWallets = positive(options.maxWallets ?? 1_000_000, "maxWallets");
    this.ring = new Array<LiveUpdatesResponse | undefined>(this.historySize);
  }

  onAvailability(): () => void {
    return () => {};
  }

  registerWallet(walletId: string, publicKey: Uint8Array): Promise<RegisterWalletResponse> {
    const known = this.wallets.get(walletId);
    if (known) {
      if (!sameBytes(known.publicKey, publicKey)) return Promise.reject(new XtmpError(Code.ALREADY_EXISTS, `wallet ${JSON.stringify(walletId)} is registered with another key`));
      return Promise.resolve({ walletId, accountNumber: known.accountNumber, created: false, registeredAtMs: known.registeredAtMs });
    }
    if (this.wallets.size >= this.maxWallets) return Promise.reject(new XtmpError(Code.RESOURCE_EXHAUSTED, `the wallet registry is full (${this.maxWallets} wallets)`));
    const wallet: Wallet = { publicKey: publicKey.slice(), accountNumber: ++this.accounts, registeredAtMs: BigInt(Date.now()) };
    this.wallets.set(walletId, wallet);
    const res = { walletId, accountNumber: wallet.accountNumber, created: true, registeredAtMs: wallet.registeredAtMs };
    this.append({ sequence: 0n, topic: WALLETS, timestampMs: wallet.registeredAtMs, event: { $case: "wallet", wallet: res } });
    return Promise.resolve(res);
  }

  submitBundle(draft: BundleDraft): Promise<SubmitBundleResponse> {
    const original = this.bundles.get(draft.bundleId);
    if (original !== undefined) {
      this.stats.duplicates++;
      return Promise.resolve({ ...draft, status: BundleStatus.BUNDLE_STATUS_DUPLICATE, reason: duplicateReason(draft.bundleId, original), sequence: original });
    }
    const receipt: SubmitBundleResponse = { ...draft, sequence: 0n };
    const sequence = this.append({ sequence: 0n, topic: BUNDLES, timestampMs: BigInt(Date.now()), event: { $case: "bundle", bundle: receipt } });
    this.bundles.set(draft.bundleId, sequence);
    if (this.bundles.size > this.rememberedBundles) this.bundles.delete(this.bundles.keys().next().value as string);
    return Promise.resolve({ ...receipt, sequence });
  }

  async *updates(resumeAfter: bigint, topics: readonly string[], signal: AbortSignal): AsyncGenerator<LiveUpdatesResponse> {
    if (this.closed) throw new XtmpError(Code.UNAVAILABLE, "the ledger is closed");
    let cursor = resumeAfter > 0n ? resumeAfter : BigInt(this.sequence);
    this.checkRetained(cursor, "resume point");
    const wanted = topics.length > 0 ? new Set(topics) : undefined;
    const waiter: Waiter = { wake: undefined, next: undefined };
    const keys = wanted ? [...wanted] : [""];
    for (const k of keys) {
      let set = this.waiting.get(k);
      if (!set) this.waiting.set(k, (set = new Set()));
      set.add(waiter);
    }
    const onAbort = () => waiter.wake?.();
    signal.addEventListener("abort", onAbort);
    this.stats.subscriptions++;
    this.stats.openSubscriptions++;
    try {
      while (!signal.aborted && !this.closed) {
        while (cursor < BigInt(this.sequence)) {
          this.checkRetained(cursor, "subscriber");
          const event = this.ring[Number(cursor % BigInt(this.historySize))] as LiveUpdatesResponse;
          cursor++;
          if (wanted && !wanted.has(event.topic)) continue;
          yield event;
          if (signal.aborted || this.closed) return;
        }
        await new Promise<void>((resolve) => (waiter.wake = resolve));
        waiter.wake = undefined;
        if (waiter.next !== undefined && waiter.next - 1n > cursor) cursor = waiter.next - 1n;
        waiter.next = undefined;
      }
    } finally {
      signal.removeEventListener("abort", onAbort);
      for (const k of keys) {
        const set = this.waiting.get(k);
        set?.delete(waiter);
        if (set?.size === 0) this.waiting.delete(k);
      }
      this.stats.openSubscriptions--;
    }
  }

  close(): Promise<void> {
    this.closed = true;
    for (const set of this.waiting.values()) for (const w of set) w.wake?.();
    return Promise.resolve();
  }

  /** Appends an event, wakes its topic's subscribers, returns its sequence. */
  private append(event: LiveUpdatesResponse): bigint {
    const sequence = BigInt(++this.sequence);
    this.ring[(this.sequence - 1) % this.historySize] = stamp(event, sequence);
    this.stats.appended++;
    for (const k of [event.topic, ""]) {
      for (const w of this.waiting.get(k) ?? []) {
        if (!w.wake) continue;
        w.next ??= sequence;
        w.wake();
      }
    }
    return sequence;
  }

  /** Fails OUT_OF_RANGE when the event after `cursor` has left the history. */
  private checkRetained(cursor: bigint, who: string): void {
    const oldest = Math.max(1, this.sequence - this.historySize + 1);
    if (cursor + 1n < BigInt(oldest)) {
      throw new XtmpError(Code.OUT_OF_RANGE, `${who} ${cursor} is older than the retained history: events ${oldest}..${this.sequence} are kept (history size ${this.historySize}); resume after ${oldest - 1} or later`);
    }
  }
}

function positive(n: number, name: string): number {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`${name} must be a positive integer`);
  return n;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
