// A channel over a fleet of server processes: balancing, kill -9, rolling restarts, waitForReady, health, DNS.
import { expect } from "chai";
import { setMaxListeners } from "node:events";
import { createServer as createTcpServer } from "node:net";
import { TestServiceDefinition } from "../../generated/grpc/testing/test_xtmp.js";
import { Code, createChannel, createClient, XtmpError, type Channel, type ChannelOptions, type ResolverFactory, type ResolverListener } from "../../src/index.js";
import { failure, until } from "../helpers/calls.js";
import { fleetIdentity, startReplica, stopAll, type Replica } from "../helpers/fleet.js";

const fleet = fleetIdentity();

function staticTarget(replicas: readonly { port: number }[]): string {
  return `static:///${replicas.map((r) => `127.0.0.1:${r.port}`).join(",")}`;
}

function fleetChannel(target: string, options: ChannelOptions = {}): Channel {
  return createChannel(target, { serverKey: fleet.publicKey, datagram: false, ...options });
}

/** Connects and waits until `n` endpoints are ready. */
async function allReady(channel: Channel, n: number): Promise<void> {
  await channel.connect();
  expect(await until(() => channel.endpoints.length === n && channel.endpoints.every((e) => e.state === "ready"), 10_000), JSON.stringify(channel.endpoints)).to.equal(true);
}

/** TestService with UnaryCall marked IDEMPOTENT (what the proto option would say). */
const idempotentService = (() => {
  const m = TestServiceDefinition.methods.unaryCall;
  return { ...TestServiceDefinition, methods: { ...TestServiceDefinition.methods, unaryCall: { ...m, rules: { ...m.rules, idempotency: "idempotent" as const } } } };
})();

/** Ports nothing listens on (bound, then released). */
async function freePorts(n: number): Promise<number[]> {
  const ports: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = createTcpServer();
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    ports.push((s.address() as { port: number }).port);
    await new Promise<void>((r) => s.close(() => r()));
  }
  return ports;
}

/** Calls in a loop on `workers` concurrent lanes until `stop()`; records every outcome. */
function load(call: () => Promise<unknown>, workers: number) {
  let running = true;
  const failures: XtmpError[] = [];
  let ok = 0;
  const lanes = Array.from({ length: workers }, async () => {
    for (let i = 0; running && i < 100_000; i++) {
      try {
        await call();
        ok++;
      } catch (err) {
        failures.push(err as XtmpError);
      }
    }
  });
  return {
    failures,
    get ok() {
      return ok;
    },
    async stop() {
      running = false;
      await Promise.all(lanes);
    },
  };
}

describe("fleet: one channel, many servers", function () {
  this.timeout(60_000);
  let replicas: Replica[] = [];
  const channels: Channel[] = [];
  afterEach(async () => {
    for (const c of channels.splice(0)) c.close();
    await stopAll(replicas);
    replicas = [];
  });
  async function start(ids: string[]): Promise<Replica[]> {
    replicas = await Promise.all(ids.map((id) => startReplica(id, fleet.seedHex)));
    return replicas;
  }
  function track(c: Channel): Channel {
    channels.push(c);
    return c;
  }

  it("round_robin gives each of 3 servers an equal share (server_id)", async () => {
    await start(["a", "b", "c"]);
    const channel = track(fleetChannel(staticTarget(replicas), { loadBalancing: "round_robin" }));
    await allReady(channel, 3);
    const client = createClient(TestServiceDefinition, channel);
    const counts: Record<string, number> = {};
    for (let i = 0; i < 300; i++) {
      const r = await client.unaryCall({ fillServerId: true });
      counts[r.serverId] = (counts[r.serverId] ?? 0) + 1;
    }
    expect(counts).to.deep.equal({ a: 100, b: 100, c: 100 });
  });

  it("pick_first (the default) sends every call to the first server in the list", async () => {
    await start(["a", "b", "c"]);
    const channel = track(fleetChannel(staticTarget(replicas)));
    const client = createClient(TestServiceDefinition, channel);
    const ids = new Set<string>();
    for (let i = 0; i < 30; i++) ids.add((await client.unaryCall({ fillServerId: true })).serverId);
    expect([...ids]).to.deep.equal(["a"]);
    expect(channel.endpoints.map((e) => e.state)).to.deep.equal(["ready", "idle", "idle"]);
  });

  it("least_request sends new calls away from the server holding long streams", async () => {
    await start(["a", "b", "c"]);
    // a resolver the test drives: first only server a, then all three
    let listener!: ResolverListener;
    const manual: ResolverFactory = () => ({ start: (l) => void (listener = l), refresh() {}, close() {} });
    const channel = track(fleetChannel("manual:///fleet", { loadBalancing: "least_request", resolvers: { manual } }));
    const client = createClient(TestServiceDefinition, channel);
    const connected = channel.connect();
    expect(await until(() => listener !== undefined, 5_000)).to.equal(true);
    const [a, b, c] = replicas as [Replica, Replica, Replica];
    listener.onEndpoints([{ address: `xtmp://127.0.0.1:${a.port}` }]);
    await connected;
    const hold = new AbortController();
    setMaxListeners(50, hold.signal);
    const streams = [0, 1, 2, 3, 4, 5].map(() => {
      // a bidi stream that sends nothing and stays open until the test aborts it
      const quiet = (async function* () {
        await new Promise((r) => hold.signal.addEventListener("abort", r, { once: true }));
      })();
      const it = client.fullDuplexCall(quiet, { signal: hold.signal });
      return (async () => {
        for await (const _ of it) void _;
      })().catch((e: unknown) => e);
    });
    listener.onEndpoints([a, b, c].map((r) => ({ address: `xtmp://127.0.0.1:${r.port}` })));
    await allReady(channel, 3);
    expect(channel.endpoints[0]?.load).to.equal(6);
    const counts: Record<string, number> = {};
    for (let i = 0; i < 60; i++) {
      const r = await client.unaryCall({ fillServerId: true });
      counts[r.serverId] = (counts[r.serverId] ?? 0) + 1;
    }
    expect(counts.a, JSON.stringify(counts)).to.equal(undefined);
    expect((counts.b ?? 0) + (counts.c ?? 0)).to.equal(60);
    hold.abort();
    await Promise.all(streams);
  });

  it("kill -9 of one of 3 servers under load: no idempotent call fails, in-flight non-idempotent streams fail UNAVAILABLE, later calls succeed", async () => {
    await start(["a", "b", "c"]);
    const channel = track(fleetChannel(staticTarget(replicas), { loadBalancing: "round_robin" }));
    await allReady(channel, 3);
    const idempotent = createClient(idempotentService, channel);
    const plain = createClient(TestServiceDefinition, channel);
    // one long non-idempotent stream per server (round robin over 3 ready servers)
    const streams = [0, 1, 2].map(async () => {
      try {
        for await (const _ of plain.streamingOutputCall({ responseParameters: Array.from({ length: 40 }, () => ({ size: 1, intervalUs: 50_000, compressed: undefined })) })) void _;
        return "ok";
      } catch (err) {
        return err as XtmpError;
      }
    });
    const steady = load(() => idempotent.unaryCall({ fillServerId: true }), 8);
    expect(await until(() => steady.ok > 200, 10_000)).to.equal(true);
    const victim = replicas[1] as Replica;
    victim.child.kill("SIGKILL");
    await victim.exited;
    // the channel notices the loss; from then on every call (of any kind) succeeds
    expect(await until(() => channel.endpoints[1]?.state !== "ready", 10_000)).to.equal(true);
    const after = load(() => plain.unaryCall({ fillServerId: true }), 4);
    const okBefore = steady.ok;
    expect(await until(() => steady.ok > okBefore + 300 && after.ok > 100, 20_000)).to.equal(true);
    await Promise.all([steady.stop(), after.stop()]);
    expect(steady.failures.map((e) => e.message)).to.deep.equal([]);
    expect(after.failures.map((e) => e.message)).to.deep.equal([]);
    const outcomes = await Promise.all(streams);
    const failed = outcomes.filter((o): o is XtmpError => o !== "ok");
    expect(failed.length, "the stream on the killed server").to.equal(1);
    expect(failed[0]?.code).to.equal(Code.UNAVAILABLE);
  });

  it("rolling restart of all 3 servers under load, each drained with shutdown({ graceMs }): zero failed calls of any kind", async () => {
    await start(["a", "b", "c"]);
    const channel = track(fleetChannel(staticTarget(replicas), { loadBalancing: "round_robin", backoff: { initialMs: 100, maxMs: 1_000 } }));
    await allReady(channel, 3);
    const client = createClient(TestServiceDefinition, channel);
    const unary = load(() => client.unaryCall({ fillServerId: true }), 6);
    const streaming = load(async () => {
      for await (const _ of client.streamingOutputCall({ responseParameters: [{ size: 10, intervalUs: 20_000, compressed: undefined }, { size: 10, intervalUs: 20_000, compressed: undefined }] })) void _;
    }, 2);
    const seen = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const old = replicas[i] as Replica;
      old.send("shutdown 5000");
      await old.line("DRAINED");
      await old.exited;
      const fresh = await startReplica(`${old.id}2`, fleet.seedHex, old.port);
      replicas[i] = fresh;
      // wait until the restarted server takes calls again
      expect(await until(() => channel.endpoints[i]?.state === "ready", 15_000), `endpoint ${i} back`).to.equal(true);
      const before = unary.ok;
      expect(await until(() => unary.ok > before + 50, 10_000)).to.equal(true);
    }
    for (let i = 0; i < 30; i++) seen.add((await client.unaryCall({ fillServerId: true })).serverId);
    await Promise.all([unary.stop(), streaming.stop()]);
    expect(unary.failures.map((e) => e.message)).to.deep.equal([]);
    expect(streaming.failures.map((e) => e.message)).to.deep.equal([]);
    expect(unary.ok).to.be.greaterThan(150);
    expect([...seen].sort()).to.deep.equal(["a2", "b2", "c2"]);
  });

  it("all servers down: fail fast with UNAVAILABLE, but a waitForReady call with a 5 s deadline succeeds when one comes back", async () => {
    const ports = await freePorts(2);
    const channel = track(fleetChannel(`static:///127.0.0.1:${ports[0]},127.0.0.1:${ports[1]}`, { backoff: { initialMs: 200, maxMs: 1_000 } }));
    const client = createClient(TestServiceDefinition, channel);
    const fast = await failure(client.unaryCall({}));
    expect(fast.code).to.equal(Code.UNAVAILABLE);
    expect(channel.state).to.equal("transient_failure");
    const waiting = client.unaryCall({ fillServerId: true }, { waitForReady: true, deadline: 5_000 });
    let settled = false;
    void waiting.then(
      () => (settled = true),
      () => (settled = true),
    );
    replicas = [await startReplica("late", fleet.seedHex, ports[1])];
    expect(settled, "still waiting when the server came back").to.equal(false);
    expect((await waiting).serverId).to.equal("late");
  });

  it("health-aware balancing: a server reporting NOT_SERVING on Health/Watch gets no calls, and gets them again when serving", async () => {
    await start(["a", "b"]);
    const channel = track(fleetChannel(staticTarget(replicas), { loadBalancing: "round_robin", healthCheck: true }));
    await allReady(channel, 2);
    expect(await until(() => channel.endpoints.every((e) => e.serving), 5_000)).to.equal(true);
    const client = createClient(TestServiceDefinition, channel);
    const b = replicas[1] as Replica;
    b.send("health NOT_SERVING");
    await b.line("HEALTH NOT_SERVING");
    expect(await until(() => channel.endpoints[1]?.serving === false, 5_000)).to.equal(true);
    const ids = new Set<string>();
    for (let i = 0; i < 20; i++) ids.add((await client.unaryCall({ fillServerId: true })).serverId);
    expect([...ids]).to.deep.equal(["a"]);
    b.send("health SERVING");
    expect(await until(() => channel.endpoints[1]?.serving === true, 5_000)).to.equal(true);
    for (let i = 0; i < 20; i++) ids.add((await client.unaryCall({ fillServerId: true })).serverId);
    expect([...ids].sort()).to.deep.equal(["a", "b"]);
  });

  it("dns:///localhost:PORT resolves through node:dns and reaches the server", async () => {
    await start(["local"]);
    const channel = track(fleetChannel(`dns:///localhost:${replicas[0]?.port}`, { loadBalancing: "round_robin" }));
    const r = await createClient(TestServiceDefinition, channel).unaryCall({ fillServerId: true }, { waitForReady: true, deadline: 10_000 });
    expect(r.serverId).to.equal("local");
    expect(channel.endpoints.length).to.be.greaterThan(0);
    for (const e of channel.endpoints) expect(e.address).to.match(/^xtmp:\/\/(127\.\d+\.\d+\.\d+|\[::1\]):\d+$/);
  });
});
