// The Ledger behind the BPCI service: wallet registry, bundle receipts and the ordered log of live updates.
import type { BundleStatus, LiveUpdatesResponse, RegisterWalletResponse, SubmitBundleResponse } from "../../generated/bpci/v1/bpci.js";

/** Topic of bundle receipts. */
export const BUNDLES = "bundles";
/** Topic of wallet registrations. */
export const WALLETS = "wallets";

/** A bundle's outcome before it is appended (the ledger assigns the sequence). */
export interface BundleDraft {
  readonly bundleId: string;
  readonly status: BundleStatus.BUNDLE_STATUS_ACCEPTED | BundleStatus.BUNDLE_STATUS_REJECTED;
  readonly reason: string;
  readonly bundleHash: Uint8Array;
}

/** Counters of one ledger (monotonic since it was created). */
export interface LedgerStats {
  /** Events appended by this process. */
  appended: number;
  /** Submissions answered DUPLICATE (no event appended). */
  duplicates: number;
  /** Subscriptions opened / currently open. */
  subscriptions: number;
  openSubscriptions: number;
  /** Subscriptions ended UNAVAILABLE because the bus went away. */
  subscriptionsCut: number;
  /** Log entries that could not be decoded (skipped). */
  undecodable: number;
  /** Consumers whose deletion failed (the server removes them after its inactivity threshold). */
  consumerDeleteFailures: number;
}

/**
 * The state of BPCI. Semantics every implementation keeps:
 * - every event gets the next sequence number of one log (dense, starting at 1);
 * - SubmitBundle of a bundle id already seen (within the ledger's duplicate window) appends nothing and
 *   answers DUPLICATE with the sequence of the original event;
 * - RegisterWallet is idempotent: the same id and key answer `created: false` with the original account
 *   number and append nothing; the same id with another key fails ALREADY_EXISTS;
 * - `updates(0, …)` delivers events appended from now on; `updates(N, …)` delivers N+1, N+2, … and then
 *   live ones; a resume point older than the retained log fails OUT_OF_RANGE;
 * - while the ledger is unavailable, calls fail UNAVAILABLE and open subscriptions end UNAVAILABLE.
 */
export interface Ledger {
  /** Registers a wallet; appends a `wallets` event when it is created. */
  registerWallet(walletId: string, publicKey: Uint8Array): Promise<RegisterWalletResponse>;
  /** Appends a bundle's receipt as a `bundles` event, or answers DUPLICATE. */
  submitBundle(draft: BundleDraft): Promise<SubmitBundleResponse>;
  /** Events after `resumeAfter` (0 = from now) whose topic is in `topics` (empty = all), until `signal` aborts. */
  updates(resumeAfter: bigint, topics: readonly string[], signal: AbortSignal): AsyncIterable<LiveUpdatesResponse>;
  /** True while the ledger can serve calls. */
  readonly available: boolean;
  /** Calls `listener` on every availability change; returns the unsubscribe function. */
  onAvailability(listener: (available: boolean) => void): () => void;
  readonly stats: Readonly<LedgerStats>;
  /** Ends open subscriptions and releases connections. */
  close(): Promise<void>;
}

/** Fresh zeroed counters. */
export function newStats(): LedgerStats {
  return { appended: 0, duplicates: 0, subscriptions: 0, openSubscriptions: 0, subscriptionsCut: 0, undecodable: 0, consumerDeleteFailures: 0 };
}

/** Sets the sequence an event got in the log on the event and on the receipt it carries. */
export function stamp(event: LiveUpdatesResponse, sequence: bigint): LiveUpdatesResponse {
  const e = event.event;
  if (e?.$case === "bundle") return { ...event, sequence, event: { $case: "bundle", bundle: { ...e.bundle, sequence } } };
  return { ...event, sequence };
}

/** The reason a DUPLICATE receipt carries. */
export function duplicateReason(bundleId: string, sequence: bigint): string {
  return `bundle ${JSON.stringify(bundleId)} was already submitted: ledger event ${sequence}`;
}
