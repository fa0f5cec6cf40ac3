// An in-memory BPCI implementation for the demo, the CLI and tests: wallets, bundles, live updates.
import { BundleStatus, type LiveUpdatesResponse } from "../generated/bpci/v1/bpci.js";
import type { BpciServiceImplementation } from "../generated/bpci/v1/bpci_xtmp.js";
import { Code, XtmpError } from "../src/index.js";

/** A fresh in-memory BPCI ledger. */
export function bpciDemoImpl(): BpciServiceImplementation {
  const wallets = new Map<string, Uint8Array>();
  const bundles = new Set<string>();
  let sequence = 0n;
  let accounts = 0n;
  const log: LiveUpdatesResponse[] = [];
  const listeners = new Set<() => void>();
  const publish = (u: Omit<LiveUpdatesResponse, "sequence" | "timestampMs">) => {
    log.push({ ...u, sequence: ++sequence, timestampMs: BigInt(Date.now()) });
    if (log.length > 10_000) log.shift();
    for (const l of [...listeners]) l();
  };
  const submit = (bundleId: string, txCount: number) => {
    if (!bundleId) throw new XtmpError(Code.INVALID_ARGUMENT, "bundle id required");
    const duplicate = bundles.has(bundleId);
    bundles.add(bundleId);
    const receipt = {
      bundleId,
      status: duplicate ? BundleStatus.BUNDLE_STATUS_DUPLICATE : txCount === 0 ? BundleStatus.BUNDLE_STATUS_REJECTED : BundleStatus.BUNDLE_STATUS_ACCEPTED,
      reason: txCount === 0 ? "empty bundle" : "",
      sequence: sequence + 1n,
      bundleHash: new Uint8Array(32),
    };
    publish({ topic: "bundles", event: { $case: "bundle", bundle: receipt } });
    return receipt;
  };
  return {
    registerWallet(req) {
      if (!req.walletId) throw new XtmpError(Code.INVALID_ARGUMENT, "wallet id required");
      if (req.publicKey.length !== 32) throw new XtmpError(Code.INVALID_ARGUMENT, "public key must be 32 bytes");
      const created = !wallets.has(req.walletId);
      wallets.set(req.walletId, req.publicKey);
      const res = { walletId: req.walletId, accountNumber: created ? ++accounts : accounts, created, registeredAtMs: BigInt(Date.now()) };
      publish({ topic: "wallets", event: { $case: "wallet", wallet: res } });
      return res;
    },
    submitBundle: (req) => submit(req.bundle?.bundleId ?? "", req.bundle?.transactions.length ?? 0),
    async submitBundles(reqs) {
      const receipts = [];
      let total = 0n;
      for await (const r of reqs) {
        const receipt = submit(r.bundle?.bundleId ?? "", r.bundle?.transactions.length ?? 0);
        receipts.push(receipt);
        if (receipt.status === BundleStatus.BUNDLE_STATUS_ACCEPTED) for (const tx of r.bundle?.transactions ?? []) total += tx.amount;
      }
      const accepted = receipts.filter((r) => r.status === BundleStatus.BUNDLE_STATUS_ACCEPTED).length;
      return { received: receipts.length, accepted, rejected: receipts.length - accepted, totalAmount: total, receipts };
    },
    async *liveUpdates(req, ctx) {
      let cursor = req.resumeAfter > 0n ? req.resumeAfter : sequence;
      let sent = 0;
      while (!ctx.signal.aborted) {
        for (const u of log) {
          if (u.sequence <= cursor || (req.topics.length > 0 && !req.topics.includes(u.topic))) continue;
          cursor = u.sequence;
          yield u;
          if (req.maxUpdates > 0 && ++sent >= req.maxUpdates) return;
        }
        cursor = sequence;
        await new Promise<void>((resolve) => {
          const wake = () => (listeners.delete(wake), ctx.signal.removeEventListener("abort", wake), resolve());
          listeners.add(wake);
          ctx.signal.addEventListener("abort", wake, { once: true });
        });
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
