// The NATS JetStream ledger in-process against a real nats-server: retention and OUT_OF_RANGE, bounded pulls, wallets, no bus.
import { expect } from "chai";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { BundleStatus, SubmitBundleRequest, type LiveUpdatesResponse } from "../../generated/bpci/v1/bpci.js";
import { HealthCheckResponse_ServingStatus as Serving } from "../../generated/grpc/health/v1/health.js";
import { NatsLedger, type NatsLedgerOptions } from "../../services/bpci/nats-ledger.js";
import { BPCI_SERVICE, createBpciService } from "../../services/bpci/service.js";
import { Code, XtmpError } from "../../src/index.js";
import { within } from "../helpers/calls.js";
import { removeStore, startNats, type Nats } from "../helpers/nats.js";

const draft = (bundleId: string) => ({ bundleId, status: BundleStatus.BUNDLE_STATUS_ACCEPTED, reason: "", bundleHash: new Uint8Array(32) }) as const;

describe("NATS JetStream ledger (in-process, real nats-server)", function () {
  this.timeout(30_000);
  let nats: Nats;
  const ledgers: NatsLedger[] = [];
  let n = 0;
  /** A ledger on its own stream and bucket (names unique per test). */
  const ledger = async (o: Partial<NatsLedgerOptions> = {}, name = `T${++n}`) => {
    const l = new NatsLedger({ servers: nats.url, stream: `S_${name}`, subjectPrefix: `t.${name}`, walletsBucket: `W_${name}`, ...o });
    ledgers.push(l);
    await within(l.ready, "the ledger to connect", 10_000);
    return l;
  };

  before(async () => {
    nats = await startNats();
  });
  after(async () => {
    await Promise.all(ledgers.map((l) => l.close()));
    await nats.kill();
    removeStore(nats.storeDir);
  });

  it("a resume point older than the stream retains (maxEvents) fails OUT_OF_RANGE; a retained one replays", async () => {
    const l = await ledger({ maxEvents: 5 });
    for (let i = 1; i <= 12; i++) await l.submitBundle(draft(`b${i}`));
    const e = await l.updates(6n, [], new AbortController().signal)[Symbol.asyncIterator]().next().then(() => undefined, (x: unknown) => XtmpError.from(x));
    expect(e?.code).to.equal(Code.OUT_OF_RANGE);
    expect(e?.message).to.match(/events 8\.\.12 are kept/);
    const ac = new AbortController();
    const got: bigint[] = [];
    for await (const u of l.updates(7n, [], ac.signal)) if (got.push(u.sequence) === 5) break;
    expect(got).to.deep.equal([8n, 9n, 10n, 11n, 12n]);
  });

  it("a subscriber that does not read holds at most about two pulls of subscriberBuffer messages, whatever the backlog", async () => {
    const l = await ledger({ subscriberBuffer: 8 }, "BP");
    for (let i = 1; i <= 200; i++) await l.submitBundle(draft(`b${i}`));
    const ac = new AbortController();
    const it = l.updates(1n, [], ac.signal)[Symbol.asyncIterator]();
    expect((await it.next()).value?.sequence).to.equal(2n);
    const nc = await connect({ servers: nats.url });
    try {
      const jsm = await jetstreamManager(nc);
      const delivered = async () => {
        const infos = await jsm.consumers.list("S_BP").next();
        expect(infos).to.have.length(1);
        return infos[0]!;
      };
      // wait until the server has no pull request outstanding (delivery stopped), then check twice
      await within((async () => { for (let ci = await delivered(); ci.num_waiting > 0 || ci.delivered.consumer_seq < 8; ci = await delivered()) await new Promise((r) => setTimeout(r, 10)); })(), "delivery to stop", 10_000);
      for (let k = 0; k < 2; k++) {
        await nc.flush();
        const ci = await delivered();
        expect(ci.delivered.consumer_seq).to.be.at.most(2 * 8 + 1);
        expect(ci.num_pending).to.be.at.least(199 - 2 * 8 - 1);
      }
      ac.abort();
      await it.return?.(undefined);
      await within((async () => { while ((await jsm.consumers.list("S_BP").next()).length > 0) await new Promise((r) => setTimeout(r, 10)); })(), "the consumer to be deleted when the call ends", 10_000);
    } finally {
      await nc.close();
    }
  });

  it("wallets across two servers: same id and key -> not created, same account number; another key -> ALREADY_EXISTS", async () => {
    const a = await ledger({}, "W1");
    const b = new NatsLedger({ servers: nats.url, stream: "S_W1", subjectPrefix: "t.W1", walletsBucket: "W_W1" });
    ledgers.push(b);
    await b.ready;
    const key = new Uint8Array(32).fill(1);
    await a.submitBundle(draft("first")); // so that alice's event is not sequence 1 (resume_after 0 means "from now")
    const alice = await a.registerWallet("alice/ä \r\n*>", key);
    const again = await b.registerWallet("alice/ä \r\n*>", key);
    const bob = await b.registerWallet("bob", new Uint8Array(32).fill(2));
    expect([alice.created, again.created, again.accountNumber === alice.accountNumber]).to.deep.equal([true, false, true]);
    expect(bob.accountNumber).to.not.equal(alice.accountNumber);
    const other = await a.registerWallet("alice/ä \r\n*>", new Uint8Array(32).fill(3)).then(() => undefined, (x: unknown) => XtmpError.from(x));
    expect(other?.code).to.equal(Code.ALREADY_EXISTS);
    const ac = new AbortController();
    const events: LiveUpdatesResponse[] = [];
    for await (const u of a.updates(alice.accountNumber - 1n, ["wallets"], ac.signal)) if (events.push(u) === 2) break;
    expect(events.map((u) => (u.event?.$case === "wallet" ? `${u.event.wallet.walletId} ${u.event.wallet.accountNumber}` : "?"))).to.deep.equal([`alice/ä \r\n*> ${alice.accountNumber}`, `bob ${bob.accountNumber}`]);
  });

  it("with the bus unreachable: NOT_SERVING and BPCI calls fail UNAVAILABLE naming NATS", async () => {
    const statuses: Serving[] = [];
    const svc = createBpciService({ bus: "nats://127.0.0.1:1", nats: { reconnectWaitMs: 50 }, health: { set: (s, st) => void (s === BPCI_SERVICE && statuses.push(st)) } });
    try {
      expect(statuses).to.deep.equal([Serving.NOT_SERVING]);
      const e = await Promise.resolve()
        .then(() => svc.impl.submitBundle(SubmitBundleRequest.fromPartial({ bundle: { bundleId: "x" } }), {} as never))
        .then(() => undefined, (x: unknown) => XtmpError.from(x));
      expect(e?.code).to.equal(Code.UNAVAILABLE);
      expect(e?.message).to.match(/NATS at nats:\/\/127\.0\.0\.1:1/);
    } finally {
      await svc.close();
    }
  });
});
