// The BPCI service over a Ledger (embedded or NATS JetStream), with request validation and health.
import { createHash } from "node:crypto";
import { Bundle, BundleStatus, type SubmitBundleResponse } from "../../generated/bpci/v1/bpci.js";
import type { BpciServiceImplementation } from "../../generated/bpci/v1/bpci_xtmp.js";
import { HealthCheckResponse_ServingStatus as ServingStatus } from "../../generated/grpc/health/v1/health.js";
import { Code, XtmpError } from "../../src/index.js";
import type { Ledger } from "./ledger.js";
import { MemoryLedger, type MemoryLedgerOptions } from "./memory-ledger.js";
import { NatsLedger, type NatsLedgerOptions } from "./nats-ledger.js";

/** The health service name of BPCI. */
export const BPCI_SERVICE = "bpci.v1.BpciService";
/** Longest wallet or bundle id, in UTF-8 bytes. */
export const MAX_ID_BYTES = 256;
/** Most topic filters in one LiveUpdates request, and the longest one in bytes. */
export const MAX_TOPICS = 16;
export const MAX_TOPIC_BYTES = 64;

/** Where health is reported (a HealthRegistry fits). */
export interface HealthSink {
  set(service: string, status: ServingStatus): void;
}

/** Options of `createBpciService`. */
export interface BpciServiceOptions {
  /** A ledger to serve; by default `bus` decides. */
  ledger?: Ledger;
  /** `nats://host:port[,nats://host2:port…]`: keep the ledger in NATS JetStream; without it the embedded ledger. */
  bus?: string;
  /** Options of the NATS ledger (with `bus`). */
  nats?: Omit<NatsLedgerOptions, "servers">;
  /** Options of the embedded ledger (without `bus`). */
  memory?: MemoryLedgerOptions;
  /** Gets SERVING / NOT_SERVING for `bpci.v1.BpciService` as the ledger comes and goes. */
  health?: HealthSink;
}

/** A BPCI service instance: the implementation to `server.add`, its ledger, and close(). */
export interface BpciService {
  readonly impl: BpciServiceImplementation;
  readonly ledger: Ledger;
  /** Stops reporting health and closes the ledger (ends subscriptions, drains the bus connection). */
  close(): Promise<void>;
}

/** Creates the BPCI service over the embedded ledger, or over NATS JetStream when `bus` is given. */
export function createBpciService(options: BpciServiceOptions = {}): BpciService {
  const ledger = options.ledger ?? (options.bus !== undefined ? new NatsLedger({ ...options.nats, servers: options.bus }) : new MemoryLedger(options.memory));
  const health = options.health;
  const report = (up: boolean) => health?.set(BPCI_SERVICE, up ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
  report(ledger.available);
  const stopReporting = ledger.onAvailability(report);
  return {
    impl: bpciImplementation(ledger),
    ledger,
    async close() {
      stopReporting();
      report(false);
      await ledger.close();
    },
  };
}

/** The BpciService handlers over `ledger`. */
export function bpciImplementation(ledger: Ledger): BpciServiceImplementation {
  const submit = async (bundle: Bundle | undefined): Promise<SubmitBundleResponse> => {
    const bundleId = checkId(bundle?.bundleId ?? "", "bundle id");
    const txCount = bundle?.transactions.length ?? 0;
    const bundleHash = createHash("sha256").update(Bundle.encode(bundle ?? Bundle.fromPartial({})).finish()).digest();
    const status = txCount === 0 ? BundleStatus.BUNDLE_STATUS_REJECTED : BundleStatus.BUNDLE_STATUS_ACCEPTED;
    return ledger.submitBundle({ bundleId, status, reason: txCount === 0 ? "empty bundle" : "", bundleHash: new Uint8Array(bundleHash) });
  };
  return {
    registerWallet(req) {
      const walletId = checkId(req.walletId, "wallet id");
      if (req.publicKey.length !== 32) throw new XtmpError(Code.INVALID_ARGUMENT, "public key must be 32 bytes");
      return ledger.registerWallet(walletId, req.publicKey);
    },
    submitBundle: (req) => submit(req.bundle),
    async submitBundles(reqs) {
      const receipts: SubmitBundleResponse[] = [];
      let total = 0n;
      for await (const r of reqs) {
        const receipt = await submit(r.bundle);
        receipts.push(receipt);
        if (receipt.status === BundleStatus.BUNDLE_STATUS_ACCEPTED) for (const tx of r.bundle?.transactions ?? []) total += tx.amount;
      }
      const accepted = receipts.filter((r) => r.status === BundleStatus.BUNDLE_STATUS_ACCEPTED).length;
      return { received: receipts.length, accepted, rejected: receipts.length - accepted, totalAmount: total, receipts };
    },
    async *liveUpdates(req, ctx) {
      if (req.topics.length > MAX_TOPICS) throw new XtmpError(Code.INVALID_ARGUMENT, `at most ${MAX_TOPICS} topics`);
      for (const t of req.topics) if (Buffer.byteLength(t) > MAX_TOPIC_BYTES) throw new XtmpError(Code.INVALID_ARGUMENT, `a topic has at most ${MAX_TOPIC_BYTES} bytes`);
      let sent = 0;
      for await (const u of ledger.updates(req.resumeAfter, req.topics, ctx.signal)) {
        yield u;
        if (req.maxUpdates > 0 && ++sent >= req.maxUpdates) return;
      }
    },
    async *heartbeat(reqs) {
      for await (const ping of reqs) {
        yield { seq: ping.seq, pingSentAtUs: ping.sentAtUs, sentAtUs: BigInt(Math.round(performance.timeOrigin * 1000 + performance.now() * 1000)), load: 0 };
      }
    },
    async *priceTicks(req, ctx) {
      const symbols = req.symbols.length > 0 ? req.symbols : ["BPI/USD"];
      for (let seq = 1n; !ctx.signal.aborted && seq <= 1000n; seq++) {
        for (const symbol of symbols) yield { symbol, priceE8: 100_000_000n + seq, seq, timestampUs: BigInt(Date.now()) * 1000n };
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
}

function checkId(id: string, what: string): string {
  if (!id) throw new XtmpError(Code.INVALID_ARGUMENT, `${what} required`);
  if (Buffer.byteLength(id) > MAX_ID_BYTES) throw new XtmpError(Code.INVALID_ARGUMENT, `${what} has more than ${MAX_ID_BYTES} bytes`);
  return id;
}
