// BPCI across a cluster: 3 `xtmp serve --bus` processes on one real nats-server; fan-out, failover, bus restart, de-duplication.
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BundleStatus, type LiveUpdatesResponse } from "../../generated/bpci/v1/bpci.js";
import { BpciServiceDefinition } from "../../generated/bpci/v1/bpci_xtmp.js";
import { HealthCheckResponse_ServingStatus as Serving } from "../../generated/grpc/health/v1/health.js";
import { HealthDefinition } from "../../generated/grpc/health/v1/health_xtmp.js";
import { TestServiceDefinition } from "../../generated/grpc/testing/test_xtmp.js";
import { Code, createChannel, createClient, generateIdentity, identityFromSeed, resumableStream, saveIdentity, XtmpError, type Channel } from "../../src/index.js";
import { until, within } from "../helpers/calls.js";
import { removeStore, startBusServer, startNats, type BusServer, type Nats } from "../helpers/nats.js";

describe("BPCI cluster on NATS JetStream (real nats-server, 3 server processes)", function () {
  this.timeout(60_000);
  const serverIdentity = identityFromSeed(new Uint8Array(32).fill(9));
  const clientIdentity = generateIdentity();
  const keysDir = mkdtempSync(join(tmpdir(), "xtmp-cluster-keys-"));
  let nats: Nats | undefined;
  let storeDir = "";
  const servers: BusServer[] = [];
  const channels: Channel[] = [];
  let run = 0;

  const channel = (target: string) => {
    const ch = createChannel(target, { identity: clientIdentity, serverKey: serverIdentity.publicKey, loadBalancing: "round_robin" });
    channels.push(ch);
    return ch;
  };
  const to = (s: BusServer) => channel(`xtmp://127.0.0.1:${s.port}`);
  const all = (list: readonly BusServer[]) => channel(`static:///${list.map((s) => `127.0.0.1:${s.port}`).join(",")}`);
  const bundle = (id: string) => ({ bundle: { bundleId: id, transactions: [{ txId: `${id}-t`, amount: 1n }] } });
  const id = (u: LiveUpdatesResponse) => (u.event?.$case === "bundle" ? u.event.bundle.bundleId : `?${u.topic}`);
  /** Submits a marker bundle and returns its sequence: subscriptions resuming after it see exactly what follows. */
  const marker = async (ch: Channel) => (await createClient(BpciServiceDefinition, ch).submitBundle(bundle(`marker-${++run}`))).sequence;
  const healthClients = new Map<BusServer, ReturnType<typeof createClient<typeof HealthDefinition>>>();
  const health = (s: BusServer) => {
    let c = healthClients.get(s);
    if (!c) healthClients.set(s, (c = createClient(HealthDefinition, to(s))));
    return c.check({ service: "bpci.v1.BpciService" }, { deadline: 5_000 });
  };
  /** Polls a server's BPCI health until it is `status` (bounded by the caller). */
  const untilHealth = async (s: BusServer, status: Serving, ms: number) => {
    const end = Date.now() + ms;
    while ((await health(s)).status !== status) {
      if (Date.now() > end) expect.fail(`${s.id} not ${Serving[status]} within ${ms} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  /** Collects `n` updates of a LiveUpdates stream. */
  const collect = async (updates: AsyncIterable<LiveUpdatesResponse>, n: number) => {
    const got: LiveUpdatesResponse[] = [];
    for await (const u of updates) if (got.push(u) >= n) break;
    return got;
  };

  before(async () => {
    await saveIdentity(keysDir, serverIdentity);
    nats = await startNats();
    storeDir = nats.storeDir;
    servers.push(...(await Promise.all(["s1", "s2", "s3"].map((n) => startBusServer(n, keysDir, nats!.url)))));
    await Promise.all(servers.map((s) => s.waitFor(/^bus connected to /, 20_000)));
  });

  after(async () => {
    for (const c of channels) c.close();
    await Promise.all(servers.map((s) => s.kill()));
    await nats?.kill();
    removeStore(storeDir);
    rmSync(keysDir, { recursive: true, force: true });
  });

  it("reports bpci.v1.BpciService SERVING on every server once the bus is connected", async () => {
    for (const s of servers) expect((await health(s)).status, s.id).to.equal(Serving.SERVING);
  });

  it("3 servers, a subscriber on each, bundles submitted round-robin: every subscriber gets every update once, same order, same sequences", async () => {
    const rr = all(servers);
    const ids = new Set<string>();
    for (let i = 0; i < 30 && ids.size < 3; i++) ids.add((await createClient(TestServiceDefinition, rr).unaryCall({ fillServerId: true })).serverId);
    expect([...ids].sort(), "the round-robin channel reaches all three").to.deep.equal(["s1", "s2", "s3"]);
    const start = await marker(rr);
    const n = 30;
    const subscribers = servers.map((s) => collect(createClient(BpciServiceDefinition, to(s)).liveUpdates({ topics: ["bundles"], resumeAfter: start, maxUpdates: n }), n));
    const bpci = createClient(BpciServiceDefinition, rr);
    const receipts = [];
    for (let i = 0; i < n; i++) receipts.push(await bpci.submitBundle(bundle(`rr-${run}-${i}`)));
    expect(receipts.map((r) => r.status)).to.deep.equal(receipts.map(() => BundleStatus.BUNDLE_STATUS_ACCEPTED));
    const expected = receipts.map((r) => `${r.sequence} ${r.bundleId}`);
    expect(receipts.map((r) => r.sequence), "dense sequences from the stream").to.deep.equal(receipts.map((_, i) => start + 1n + BigInt(i)));
    const got = await within(Promise.all(subscribers), "every subscriber's updates", 20_000);
    for (const [i, updates] of got.entries()) expect(updates.map((u) => `${u.sequence} ${id(u)}`), servers[i]!.id).to.deep.equal(expected);
  });

  it("a duplicate SubmitBundle (same bundle id) on two different servers yields one ledger event", async () => {
    const [a, b, c] = servers.map((s) => createClient(BpciServiceDefinition, to(s)));
    await marker(to(servers[0]!)); // so that the original's sequence is above 1 (resume_after 0 means "from now")
    const first = await a!.submitBundle(bundle(`dup-${run}`));
    const again = await b!.submitBundle(bundle(`dup-${run}`));
    const fence = await c!.submitBundle(bundle(`fence-${run}`));
    expect(first.status).to.equal(BundleStatus.BUNDLE_STATUS_ACCEPTED);
    expect(again.status).to.equal(BundleStatus.BUNDLE_STATUS_DUPLICATE);
    expect(again.sequence, "a duplicate names the original's sequence").to.equal(first.sequence);
    expect(again.reason).to.match(/already submitted/);
    expect(fence.sequence, "no event between the original and the next bundle").to.equal(first.sequence + 1n);
    const log = await collect(c!.liveUpdates({ resumeAfter: first.sequence - 1n, maxUpdates: 2 }), 2);
    expect(log.map((u) => `${u.sequence} ${id(u)}`)).to.deep.equal([`${first.sequence} dup-${run}`, `${fence.sequence} fence-${run}`]);
  });

  it("kill -9 of the server a resumable subscriber is attached to: it continues on another server with no gap and no duplicate", async () => {
    const subCh = all(servers);
    const start = await marker(subCh);
    const n = 60;
    const cut: XtmpError[] = [];
    const updates = resumableStream((req, o) => createClient(BpciServiceDefinition, subCh).liveUpdates(req, o), { topics: ["bundles"], resumeAfter: start }, {
      resume: (req, last) => ({ ...req, resumeAfter: last.sequence }),
      onResubscribe: (e) => void cut.push(e),
    });
    const got: LiveUpdatesResponse[] = [];
    let killed: BusServer | undefined;
    let publisher: BusServer | undefined;
    const received = (async () => {
      for await (const u of updates) {
        got.push(u);
        if (got.length === 1) {
          // the one endpoint with a call open carries the subscription
          const attached = subCh.endpoints.filter((e) => e.load > 0).map((e) => e.address);
          expect(attached).to.have.length(1);
          killed = servers.find((s) => attached[0]!.endsWith(`:${s.port}`));
        }
        if (got.length === 20) await killed!.kill("SIGKILL");
        if (got.length >= n) break;
      }
    })();
    // publish through a server that survives: the first update tells which one the subscriber uses
    const first = createClient(BpciServiceDefinition, to(servers[0]!));
    await first.submitBundle(bundle(`kill-${run}-0`));
    expect(await until(() => killed !== undefined, 15_000), "the first update names the attached server").to.equal(true);
    publisher = servers.find((s) => s !== killed)!;
    const bpci = createClient(BpciServiceDefinition, to(publisher));
    for (let i = 1; i < n; i++) expect((await bpci.submitBundle(bundle(`kill-${run}-${i}`))).status).to.equal(BundleStatus.BUNDLE_STATUS_ACCEPTED);
    await within(received, "all updates after the failover", 30_000);
    expect(cut.length, "the subscription was cut and resumed").to.be.greaterThan(0);
    expect(cut[0]!.code).to.equal(Code.UNAVAILABLE);
    expect(got.map((u) => u.sequence)).to.deep.equal(got.map((_, i) => start + 1n + BigInt(i)));
    expect(got.map(id)).to.deep.equal(got.map((_, i) => `kill-${run}-${i}`));
    servers.splice(servers.indexOf(killed!), 1);
  });

  it("nats-server restarted (same store, same port): NOT_SERVING while it is down, no acknowledged bundle lost, subscribers resume", async () => {
    const rr = all(servers);
    const bpci = createClient(BpciServiceDefinition, rr);
    const start = await marker(rr);
    const acked: { sequence: bigint; bundleId: string }[] = [];
    const failures: XtmpError[] = [];
    const got: LiveUpdatesResponse[] = [];
    const stopSub = new AbortController();
    let resubscribed = 0;
    const updates = resumableStream((req, o) => createClient(BpciServiceDefinition, rr).liveUpdates(req, o), { topics: ["bundles"], resumeAfter: start }, {
      resume: (req, last) => ({ ...req, resumeAfter: last.sequence }),
      maxAttempts: 30,
      backoff: { initialMs: 50, maxMs: 500 },
      callOptions: { signal: stopSub.signal },
      onResubscribe: () => void resubscribed++,
    });
    const subscriber = (async () => {
      try {
        for await (const u of updates) got.push(u);
      } catch (err) {
        if (!stopSub.signal.aborted) throw err;
      }
    })();
    let publishing = true;
    let i = 0;
    const publisher = (async () => {
      while (publishing) {
        try {
          const r = await bpci.submitBundle(bundle(`restart-${run}-${i++}`), { deadline: 5_000 });
          acked.push(r);
        } catch (err) {
          failures.push(XtmpError.from(err));
          await new Promise((r) => setTimeout(r, 20)); // pacing while the bus is down, not a wait for an event
        }
      }
    })();
    const ackedCount = async (k: number) => expect(await until(() => acked.length >= k, 20_000), `${k} acknowledged bundles`).to.equal(true);
    let last = 0n;
    try {
      await ackedCount(5);
      const port = nats!.port;
      await nats!.kill("SIGTERM");
      for (const s of servers) await untilHealth(s, Serving.NOT_SERVING, 10_000);
      const down = await createClient(BpciServiceDefinition, to(servers[0]!)).submitBundle(bundle(`down-${run}`)).then(() => undefined, (e: unknown) => XtmpError.from(e));
      expect(down?.code, "BPCI calls fail UNAVAILABLE while the bus is down").to.equal(Code.UNAVAILABLE);
      expect(down?.message).to.match(/NATS/);
      nats = await startNats({ port, storeDir });
      for (const s of servers) await untilHealth(s, Serving.SERVING, 15_000);
      await ackedCount(acked.length + 5);
      publishing = false;
      await publisher;
      last = acked[acked.length - 1]!.sequence;
      expect(await until(() => (got.at(-1)?.sequence ?? 0n) >= last, 20_000), "the subscriber caught up").to.equal(true);
    } finally {
      publishing = false;
      stopSub.abort();
      await publisher;
    }
    await subscriber;
    expect(resubscribed, "the subscription was cut while the bus was down, then resumed").to.be.greaterThan(0);
    expect(failures.every((f) => f.code === Code.UNAVAILABLE || f.code === Code.DEADLINE_EXCEEDED), failures.map((f) => f.message).join("; ")).to.equal(true);
    // the log after the restart: dense, and every acknowledged bundle is in it at its receipt's sequence
    const log = await collect(bpci.liveUpdates({ topics: ["bundles"], resumeAfter: start, maxUpdates: Number(last - start) }), Number(last - start));
    const bySeq = new Map(log.map((u) => [u.sequence, id(u)]));
    expect(log.map((u) => u.sequence)).to.deep.equal(log.map((_, k) => start + 1n + BigInt(k)));
    for (const r of acked) expect(bySeq.get(r.sequence), `acknowledged ${r.bundleId}`).to.equal(r.bundleId);
    const seen = got.map((u) => u.sequence);
    expect(seen.slice(0, log.length), "the subscriber saw the log with no gap and no duplicate").to.deep.equal(log.map((u) => u.sequence));
  });
});
