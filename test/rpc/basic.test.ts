// End-to-end over encrypted XTMP/TCP on loopback: the four call kinds with the BPCI service.
import { expect } from "chai";
import { BundleStatus } from "../../generated/bpci/v1/bpci.js";
import { BpciServiceDefinition, type BpciServiceImplementation } from "../../generated/bpci/v1/bpci_xtmp.js";
import { Code, createChannel, createClient, createServer, generateIdentity, Metadata, XtmpError } from "../../src/index.js";
import { until } from "../helpers/calls.js";

const serverIdentity = generateIdentity();

let seenTrace: string | Uint8Array | undefined;

const impl: BpciServiceImplementation = {
  registerWallet: (req, ctx) => {
    seenTrace = ctx.requestMetadata.get("x-trace");
    if (!req.walletId) throw new XtmpError(Code.INVALID_ARGUMENT, "wallet id required");
    ctx.responseHeaders.set("x-server", "bpci");
    ctx.responseTrailers.set("x-wallets", "1");
    return { walletId: req.walletId, accountNumber: 42n, created: true };
  },
  submitBundle: (req) => ({ bundleId: req.bundle?.bundleId ?? "", status: BundleStatus.BUNDLE_STATUS_ACCEPTED, sequence: 1n }),
  async submitBundles(reqs) {
    let received = 0;
    let total = 0n;
    for await (const r of reqs) {
      received++;
      for (const tx of r.bundle?.transactions ?? []) total += tx.amount;
    }
    return { received, accepted: received, totalAmount: total };
  },
  async *liveUpdates(req) {
    for (let i = 1; i <= req.maxUpdates; i++) yield { sequence: BigInt(i), topic: req.topics[0] ?? "all" };
  },
  async *heartbeat(reqs) {
    for await (const ping of reqs) yield { seq: ping.seq, pingSentAtUs: ping.sentAtUs, sentAtUs: 1n };
  },
  async *priceTicks() {
    yield { symbol: "BPI/USD", priceE8: 1n };
  },
};

describe("rpc over encrypted XTMP/TCP", function () {
  this.timeout(20_000);
  const server = createServer({ identity: serverIdentity });
  server.add(BpciServiceDefinition, impl);
  let port = 0;
  before(async () => {
    port = (await server.listen("xtmp://127.0.0.1:0")).port;
  });
  after(() => server.forceShutdown());

  it("unary, with headers, trailers and a typed error", async () => {
    // an interceptor is how a caller sees the response headers and trailers
    let headers: Metadata | undefined;
    let trailers: Metadata | undefined;
    const channel = createChannel(`xtmp://127.0.0.1:${port}`, {
      serverKey: serverIdentity.publicKey,
      interceptors: [
        (next) => (req) => {
          const res = next(req);
          void res.header.then((h) => (headers = h));
          void res.trailer.then((t) => (trailers = t), () => undefined);
          return res;
        },
      ],
    });
    const bpci = createClient(BpciServiceDefinition, channel);
    const res = await bpci.registerWallet({ walletId: "w1", publicKey: new Uint8Array(32) }, { deadline: 5000, metadata: new Metadata({ "x-trace": "t1" }) });
    expect(res).to.deep.include({ walletId: "w1", accountNumber: 42n, created: true });
    expect(seenTrace, "request header reached the handler").to.equal("t1");
    expect(headers?.get("x-server"), "response header").to.equal("bpci");
    expect(trailers?.get("x-wallets"), "response trailer").to.equal("1");
    expect(channel.sessionInfo?.mode).to.equal("IK");
    const err = await bpci.registerWallet({}).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(XtmpError);
    expect((err as XtmpError).code).to.equal(Code.INVALID_ARGUMENT);
    expect((err as XtmpError).rawMessage).to.equal("wallet id required");
    channel.close();
  });

  it("server streaming, client streaming and bidi", async () => {
    const channel = createChannel(`xtmp://127.0.0.1:${port}`);
    const bpci = createClient(BpciServiceDefinition, channel);
    const seqs: bigint[] = [];
    for await (const u of bpci.liveUpdates({ topics: ["bundles"], maxUpdates: 5 })) seqs.push(u.sequence);
    expect(seqs).to.deep.equal([1n, 2n, 3n, 4n, 5n]);
    const summary = await bpci.submitBundles(
      (async function* () {
        for (let i = 0; i < 10; i++) yield { bundle: { bundleId: `b${i}`, transactions: [{ amount: BigInt(i) }] } };
      })(),
    );
    expect(summary).to.deep.include({ received: 10, totalAmount: 45n });
    const pongs: bigint[] = [];
    for await (const p of bpci.heartbeat([{ seq: 1n }, { seq: 2n }, { seq: 3n }])) pongs.push(p.seq);
    expect(pongs).to.deep.equal([1n, 2n, 3n]);
    expect(channel.sessionInfo?.mode).to.equal("XX");
    channel.close();
  });

  it("many concurrent calls share one session", async () => {
    expect(await until(() => server.stats.connections === 0), "earlier tests' connections closed").to.equal(true);
    const channel = createChannel(`xtmp://127.0.0.1:${port}`);
    const bpci = createClient(BpciServiceDefinition, channel);
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => bpci.submitBundle({ bundle: { bundleId: `b${i}` } })));
    expect(results.map((r) => r.bundleId)).to.deep.equal(Array.from({ length: 200 }, (_, i) => `b${i}`));
    expect(server.stats.connections, "connections to the server").to.equal(1);
    expect((await channel.session()).mux.stats.streamsOpened, "streams on the channel's one session").to.equal(200);
    channel.close();
  });
});
