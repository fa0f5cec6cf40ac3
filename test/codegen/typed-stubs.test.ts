// The generated interfaces: usable without casts, equal to ClientOf/ImplementationOf (checked by tsc), and working end to end.
import { expect } from "chai";
import {
  BpciServiceDefinition,
  type BpciServiceClient,
  type BpciServiceImplementation,
} from "../../generated/bpci/v1/bpci_xtmp.js";
import { BundleStatus, type LiveUpdatesResponse } from "../../generated/bpci/v1/bpci.js";
import { createChannel, createClient, createServer, generateIdentity, type ClientOf, type ImplementationOf, type ServerContext } from "../../src/index.js";

/** Type-level equality: true only when A and B are mutually assignable. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const clientMatches: Same<ClientOf<typeof BpciServiceDefinition>, BpciServiceClient> = true;
const implMatches: Same<ImplementationOf<typeof BpciServiceDefinition>, BpciServiceImplementation> = true;

// A full implementation written as user code would write it: no casts, no `any`.
const impl: BpciServiceImplementation = {
  registerWallet: async (req) => ({ walletId: req.walletId, accountNumber: 7n, created: true, registeredAtMs: BigInt(Date.now()) }),
  submitBundle: (req) => ({ bundleId: req.bundle?.bundleId ?? "", status: BundleStatus.BUNDLE_STATUS_ACCEPTED, sequence: 1n }),
  submitBundles: async (reqs) => {
    let received = 0;
    for await (const r of reqs) if (r.bundle) received++;
    return { received, accepted: received };
  },
  async *liveUpdates(req, ctx: ServerContext) {
    for (let i = 1; i <= req.maxUpdates && !ctx.signal.aborted; i++) {
      yield { sequence: BigInt(i), topic: "bundles", event: { $case: "bundle", bundle: { bundleId: `b${i}` } } };
    }
  },
  async *heartbeat(reqs) {
    for await (const ping of reqs) yield { seq: ping.seq, pingSentAtUs: ping.sentAtUs, load: 0.5 };
  },
  async *priceTicks(req) {
    for (const symbol of req.symbols) yield { symbol, priceE8: 100_000_000n, seq: 1n };
  },
};

// Client-side usage compiles against the generated client type.
async function useClient(client: BpciServiceClient): Promise<bigint> {
  const res = await client.registerWallet({ walletId: "w1", publicKey: new Uint8Array(32) }, { deadline: 5_000 });
  let last: LiveUpdatesResponse | undefined;
  for await (const u of client.liveUpdates({ topics: ["bundles"], maxUpdates: 3 })) last = u;
  const summary = await client.submitBundles([{ bundle: { bundleId: "a", routing: { $case: "shard", shard: "s1" } } }]);
  return res.accountNumber + (last?.sequence ?? 0n) + BigInt(summary.received);
}

describe("generated stubs (types)", () => {
  it("ClientOf/ImplementationOf equal the generated named interfaces", () => {
    expect(clientMatches).to.equal(true);
    expect(implMatches).to.equal(true);
  });

  it("an implementation written against the generated interface serves the generated client over a real session", async () => {
    const server = createServer({ identity: generateIdentity() }).add(BpciServiceDefinition, impl);
    const { port } = await server.listen("xtmp://127.0.0.1:0");
    const channel = createChannel(`xtmp://127.0.0.1:${port}`);
    try {
      const client: BpciServiceClient = createClient(BpciServiceDefinition, channel);
      // accountNumber 7 + the last of 3 live updates + 1 bundle received, each from the server
      expect(await useClient(client)).to.equal(7n + 3n + 1n);
      const seen: string[] = [];
      for await (const u of client.liveUpdates({ maxUpdates: 2 })) seen.push(u.event?.$case === "bundle" ? u.event.bundle.bundleId : "?");
      expect(seen).to.deep.equal(["b1", "b2"]);
      const pongs: bigint[] = [];
      for await (const p of client.heartbeat([{ seq: 5n }, { seq: 6n }])) pongs.push(p.seq);
      expect(pongs).to.deep.equal([5n, 6n]);
    } finally {
      channel.close();
      server.forceShutdown();
    }
  });
});
