// A realistic BPCI payload (a bundle of signed transactions) for the compression scenario.
import { SubmitBundleRequest } from "../generated/bpci/v1/bpci.js";

/** Encodes a SubmitBundleRequest with 50 transactions, as a wallet service would send. */
export function encodeBpciPayload(): Uint8Array {
  const wallets = ["alice-7f3a", "bob-19cd", "carol-88e2", "dave-0b41", "erin-5c07"];
  const transactions = Array.from({ length: 50 }, (_, i) => ({
    txId: `tx-2026-11-27-${String(100000 + i)}`,
    fromWallet: wallets[i % 5] as string,
    toWallet: wallets[(i * 3 + 1) % 5] as string,
    amount: BigInt(1_000_000 + ((i * 7919) % 100_000)),
    fee: 250n,
    payload: new TextEncoder().encode(JSON.stringify({ memo: `invoice ${1000 + i}`, currency: "BPI", region: "eu-west" })),
    signature: new Uint8Array(64).map((_, j) => (i * 31 + j * 17) & 0xff), // signatures are random-looking
    nonce: BigInt(i + 1),
  }));
  return SubmitBundleRequest.encode({ bundle: { bundleId: "bundle-0001", transactions, submittedAtMs: 1_795_000_000_000n, routing: { $case: "shard", shard: "eu-1" } } }).finish();
}
