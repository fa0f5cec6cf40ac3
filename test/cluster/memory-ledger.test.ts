// The embedded ledger: ring-buffer history, resume and OUT_OF_RANGE, topic-filtered waits, duplicates and wallets.
import { expect } from "chai";
import { BundleStatus, type LiveUpdatesResponse } from "../../generated/bpci/v1/bpci.js";
import { MemoryLedger } from "../../services/bpci/memory-ledger.js";
import { Code, XtmpError } from "../../src/index.js";

const draft = (bundleId: string) => ({ bundleId, status: BundleStatus.BUNDLE_STATUS_ACCEPTED, reason: "", bundleHash: new Uint8Array(32) }) as const;
const key = (b: number) => new Uint8Array(32).fill(b);

/** Takes `n` updates from an open subscription. */
async function take(it: AsyncIterator<LiveUpdatesResponse>, n: number): Promise<bigint[]> {
  const out: bigint[] = [];
  while (out.length < n) {
    const r = await it.next();
    if (r.done) break;
    out.push(r.value.sequence);
  }
  return out;
}

async function failure(p: Promise<unknown>): Promise<XtmpError> {
  return p.then(() => expect.fail("expected a failure"), (e: unknown) => XtmpError.from(e));
}

describe("embedded BPCI ledger", () => {
  it("resume_after N replays N+1… across the ring's wrap-around, then continues live", async () => {
    const l = new MemoryLedger({ historySize: 5 });
    for (let i = 1; i <= 12; i++) await l.submitBundle(draft(`b${i}`));
    const ac = new AbortController();
    const it = l.updates(8n, [], ac.signal)[Symbol.asyncIterator]();
    expect(await take(it, 4)).to.deep.equal([9n, 10n, 11n, 12n]);
    const next = take(it, 1);
    await l.submitBundle(draft("b13"));
    expect(await next).to.deep.equal([13n]);
    ac.abort();
    expect((await it.next()).done).to.equal(true);
  });

  it("resume_after 0 delivers only what is appended from now on", async () => {
    const l = new MemoryLedger();
    await l.submitBundle(draft("old"));
    const it = l.updates(0n, [], new AbortController().signal)[Symbol.asyncIterator]();
    const next = take(it, 1);
    await l.submitBundle(draft("new"));
    expect(await next).to.deep.equal([2n]);
  });

  it("a resume point older than the history fails OUT_OF_RANGE naming what is kept", async () => {
    const l = new MemoryLedger({ historySize: 5 });
    for (let i = 1; i <= 12; i++) await l.submitBundle(draft(`b${i}`));
    const e = await failure(l.updates(6n, [], new AbortController().signal)[Symbol.asyncIterator]().next());
    expect(e.code).to.equal(Code.OUT_OF_RANGE);
    expect(e.message).to.match(/events 8\.\.12 are kept/);
    expect(await take(l.updates(7n, [], new AbortController().signal)[Symbol.asyncIterator](), 1)).to.deep.equal([8n]);
  });

  it("a subscriber that does not read falls out of the bounded history with OUT_OF_RANGE (the ledger never buffers more)", async () => {
    const l = new MemoryLedger({ historySize: 5 });
    const it = l.updates(0n, [], new AbortController().signal)[Symbol.asyncIterator]();
    const first = take(it, 1);
    await l.submitBundle(draft("b1"));
    expect(await first).to.deep.equal([1n]);
    for (let i = 2; i <= 10; i++) await l.submitBundle(draft(`b${i}`));
    const e = await failure(it.next());
    expect(e.code).to.equal(Code.OUT_OF_RANGE);
  });

  it("a topic-filtered subscriber waiting through more other-topic events than the history stays valid and gets its next event", async () => {
    const l = new MemoryLedger({ historySize: 5 });
    const it = l.updates(0n, ["wallets"], new AbortController().signal)[Symbol.asyncIterator]();
    const next = take(it, 1);
    for (let i = 1; i <= 20; i++) await l.submitBundle(draft(`b${i}`));
    await l.registerWallet("alice", key(1));
    expect(await next).to.deep.equal([21n]);
  });

  it("a duplicate bundle id answers DUPLICATE with the original's sequence and appends nothing", async () => {
    const l = new MemoryLedger();
    const first = await l.submitBundle(draft("x"));
    const again = await l.submitBundle(draft("x"));
    expect(again.status).to.equal(BundleStatus.BUNDLE_STATUS_DUPLICATE);
    expect(again.sequence).to.equal(first.sequence);
    expect((await l.submitBundle(draft("y"))).sequence).to.equal(first.sequence + 1n);
    expect(l.stats.duplicates).to.equal(1);
  });

  it("remembers at most rememberedBundles ids: the oldest is forgotten first", async () => {
    const l = new MemoryLedger({ rememberedBundles: 2 });
    await l.submitBundle(draft("a"));
    await l.submitBundle(draft("b"));
    await l.submitBundle(draft("c"));
    expect((await l.submitBundle(draft("c"))).status).to.equal(BundleStatus.BUNDLE_STATUS_DUPLICATE);
    expect((await l.submitBundle(draft("a"))).status).to.equal(BundleStatus.BUNDLE_STATUS_ACCEPTED);
  });

  it("re-registering a wallet with its key is not created again and appends nothing; another key is ALREADY_EXISTS", async () => {
    const l = new MemoryLedger({ maxWallets: 2 });
    const a = await l.registerWallet("alice", key(1));
    const b = await l.registerWallet("bob", key(2));
    const again = await l.registerWallet("alice", key(1));
    expect([a.accountNumber, b.accountNumber, again.accountNumber, again.created]).to.deep.equal([1n, 2n, 1n, false]);
    expect((await failure(l.registerWallet("alice", key(3)))).code).to.equal(Code.ALREADY_EXISTS);
    expect((await failure(l.registerWallet("carol", key(3)))).code).to.equal(Code.RESOURCE_EXHAUSTED);
    expect(l.stats.appended).to.equal(2);
  });
});
