// Retries over real sessions: transparent retries, retry policies, idempotency defaults, pushback, throttling, hedging, buffer bounds.
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { TestServiceDefinition } from "../../generated/grpc/testing/test_xtmp.js";
import type { SimpleRequest, SimpleResponse, StreamingInputCallRequest, StreamingInputCallResponse } from "../../generated/grpc/testing/messages.js";
import { createTestService } from "../../services/test-service.js";
import { Code, createChannel, createClient, createServer, generateIdentity, XtmpError, type ServerContext, type Server, type ChannelOptions } from "../../src/index.js";
import { failure, until } from "../helpers/calls.js";

const identity = generateIdentity();

type UnaryHandler = (req: SimpleRequest, ctx: ServerContext) => Promise<SimpleResponse> | SimpleResponse;
type InputHandler = (reqs: AsyncIterable<StreamingInputCallRequest>, ctx: ServerContext) => Promise<StreamingInputCallResponse>;

/** An in-process server whose UnaryCall / StreamingInputCall run `unary` / `input`; `calls` counts handler runs. */
async function serve(unary: UnaryHandler, input?: InputHandler, opts: { maxConcurrentCalls?: number } = {}) {
  const server: Server = createServer({ identity, ...opts });
  const counter = { calls: 0, attemptsHeader: [] as string[] };
  const base = createTestService();
  server.add(TestServiceDefinition, {
    ...base,
    unaryCall: (req, ctx) => {
      counter.calls++;
      counter.attemptsHeader.push(String(ctx.requestMetadata.get("grpc-previous-rpc-attempts") ?? "0"));
      return unary(req, ctx);
    },
    streamingInputCall: async (reqs, ctx) => {
      counter.calls++;
      return input ? input(reqs, ctx) : base.streamingInputCall(reqs, ctx);
    },
  });
  const { port } = await server.listen("xtmp://127.0.0.1:0");
  return { server, port, counter };
}

function channelTo(ports: number[], options: ChannelOptions = {}) {
  const target = ports.length === 1 ? `xtmp://127.0.0.1:${ports[0]}` : `static:///${ports.map((p) => `127.0.0.1:${p}`).join(",")}`;
  return createChannel(target, { serverKey: identity.publicKey, datagram: false, ...options });
}

const retryConfig = (extra: Record<string, unknown> = {}, maxAttempts = 3) => ({
  methodConfig: [{ name: [{ service: "grpc.testing.TestService", method: "UnaryCall" }], retryPolicy: { maxAttempts, initialBackoff: "0.01s", maxBackoff: "0.05s", backoffMultiplier: 2, retryableStatusCodes: ["UNAVAILABLE"] } }],
  ...extra,
});

/** TestService with UnaryCall marked as `idempotency` (the proto option codegen would emit). */
function withIdempotency(idempotency: "idempotent" | "no_side_effects") {
  const m = TestServiceDefinition.methods.unaryCall;
  return { ...TestServiceDefinition, methods: { ...TestServiceDefinition.methods, unaryCall: { ...m, rules: { ...m.rules, idempotency } } } };
}

describe("retries", function () {
  this.timeout(20_000);
  const cleanup: Array<() => unknown> = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0)) await f();
  });
  async function fixture(unary: UnaryHandler, input?: InputHandler, opts?: { maxConcurrentCalls?: number }) {
    const s = await serve(unary, input, opts);
    cleanup.push(() => s.server.shutdown({ graceMs: 0 }));
    return s;
  }
  function track<T extends { close(): void }>(c: T): T {
    cleanup.push(() => c.close());
    return c;
  }

  it("a retryPolicy retries UNAVAILABLE until an attempt succeeds, telling the server grpc-previous-rpc-attempts", async () => {
    const s = await fixture((_req, ctx) => {
      if (s.counter.calls < 3) throw new XtmpError(Code.UNAVAILABLE, "not yet");
      return { payload: { type: 0, body: new Uint8Array(0) }, username: "", oauthScope: "", serverId: "", grpclbRouteType: 0, hostname: String(ctx.requestMetadata.get("grpc-previous-rpc-attempts")) };
    });
    const channel = track(channelTo([s.port], { serviceConfig: retryConfig() }));
    const r = await createClient(TestServiceDefinition, channel).unaryCall({});
    expect(s.counter.calls).to.equal(3);
    expect(s.counter.attemptsHeader).to.deep.equal(["0", "1", "2"]);
    expect(r.hostname).to.equal("2");
  });

  it("maxAttempts bounds the attempts; the last error is the call's", async () => {
    const s = await fixture(() => {
      throw new XtmpError(Code.UNAVAILABLE, `attempt ${s.counter.calls}`);
    });
    const channel = track(channelTo([s.port], { serviceConfig: retryConfig({}, 2) }));
    const e = await failure(createClient(TestServiceDefinition, channel).unaryCall({}));
    expect(e.code).to.equal(Code.UNAVAILABLE);
    expect(e.rawMessage).to.equal("attempt 2");
    expect(s.counter.calls).to.equal(2);
  });

  it("a status outside retryableStatusCodes is not retried", async () => {
    const s = await fixture(() => {
      throw new XtmpError(Code.INTERNAL, "broken");
    });
    const channel = track(channelTo([s.port], { serviceConfig: retryConfig() }));
    expect((await failure(createClient(TestServiceDefinition, channel).unaryCall({}))).code).to.equal(Code.INTERNAL);
    expect(s.counter.calls).to.equal(1);
  });

  it("without a service config, only IDEMPOTENT / NO_SIDE_EFFECTS methods are retried (UNAVAILABLE)", async () => {
    const s = await fixture(() => {
      throw new XtmpError(Code.UNAVAILABLE, "down");
    });
    const channel = track(channelTo([s.port]));
    await failure(createClient(TestServiceDefinition, channel).unaryCall({}));
    expect(s.counter.calls, "unknown idempotency: one attempt").to.equal(1);
    await failure(createClient(withIdempotency("idempotent"), channel).unaryCall({}));
    expect(s.counter.calls - 1, "idempotent: the default policy's 3 attempts").to.equal(3);
  });

  it("retries: false turns every retry off", async () => {
    const s = await fixture(() => {
      throw new XtmpError(Code.UNAVAILABLE, "down");
    });
    const channel = track(channelTo([s.port], { retries: false, serviceConfig: retryConfig() }));
    await failure(createClient(withIdempotency("idempotent"), channel).unaryCall({}));
    expect(s.counter.calls).to.equal(1);
  });

  it("server pushback: a malformed grpc-retry-pushback-ms stops retries; a number delays the next attempt", async () => {
    let pushback = "-1";
    const s = await fixture((_req, ctx) => {
      ctx.responseTrailers.set("grpc-retry-pushback-ms", pushback);
      throw new XtmpError(Code.UNAVAILABLE, "busy");
    });
    const channel = track(channelTo([s.port], { serviceConfig: retryConfig() }));
    const client = createClient(TestServiceDefinition, channel);
    await failure(client.unaryCall({}));
    expect(s.counter.calls).to.equal(1);
    pushback = "5";
    await failure(client.unaryCall({}));
    expect(s.counter.calls - 1).to.equal(3);
  });

  it("retry throttling: once tokens fall to half of maxTokens, calls get no more retries", async () => {
    const s = await fixture(() => {
      throw new XtmpError(Code.UNAVAILABLE, "down");
    });
    const channel = track(channelTo([s.port], { serviceConfig: retryConfig({ retryThrottling: { maxTokens: 10, tokenRatio: 0.1 } }) }));
    const client = createClient(TestServiceDefinition, channel);
    const perCall: number[] = [];
    for (let i = 0; i < 4; i++) {
      const before = s.counter.calls;
      await failure(client.unaryCall({}));
      perCall.push(s.counter.calls - before);
    }
    // 10 tokens: call 1 fails 3 times (7 left), call 2 twice (5 left: not more than half), then no retries
    expect(perCall).to.deep.equal([3, 2, 1, 1]);
    expect(channel.throttle?.tokens).to.equal(3);
  });

  it("a stream refused for the server's call limit is retried transparently on another server", async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const busy = await fixture(async () => {
      await held;
      return {} as SimpleResponse;
    }, undefined, { maxConcurrentCalls: 1 });
    const free = await fixture(() => ({ payload: undefined, username: "", oauthScope: "", serverId: "free", grpclbRouteType: 0, hostname: "" }));
    // the busy server holds one call through its own channel, so its limit is reached
    const holder = track(channelTo([busy.port]));
    const holding = createClient(TestServiceDefinition, holder).unaryCall({});
    expect(await until(() => busy.counter.calls === 1, 5_000)).to.equal(true);
    const channel = track(channelTo([busy.port, free.port], { loadBalancing: "round_robin" }));
    await channel.connect();
    expect(await until(() => channel.endpoints.length === 2 && channel.endpoints.every((e) => e.state === "ready"), 5_000)).to.equal(true);
    const client = createClient(TestServiceDefinition, channel);
    const results = await Promise.all([0, 1, 2, 3].map(() => client.unaryCall({ fillServerId: true })));
    expect(results.map((r) => r.serverId)).to.deep.equal(["free", "free", "free", "free"]);
    expect(busy.server.stats.refusedCalls).to.be.greaterThan(0);
    release();
    await holding;
  });

  it("hedging (NO_SIDE_EFFECTS only): a second copy answers while the first hangs; the first is cancelled", async () => {
    let cancelled = 0;
    const s = await fixture(async (_req, ctx) => {
      if (s.counter.calls === 1) {
        await new Promise<void>((r) => ctx.signal.addEventListener("abort", () => r(), { once: true }));
        cancelled++;
        throw new XtmpError(Code.CANCELLED, "gone");
      }
      return { payload: undefined, username: "", oauthScope: "", serverId: "second", grpclbRouteType: 0, hostname: "" };
    });
    const serviceConfig = { methodConfig: [{ name: [{ service: "grpc.testing.TestService" }], hedgingPolicy: { maxAttempts: 3, hedgingDelay: "0.05s", nonFatalStatusCodes: ["UNAVAILABLE"] } }] };
    const channel = track(channelTo([s.port], { serviceConfig }));
    const r = await createClient(withIdempotency("no_side_effects"), channel).unaryCall({});
    expect(r.serverId).to.equal("second");
    expect(await until(() => cancelled === 1, 5_000)).to.equal(true);
    // the same config does not hedge a method with side effects
    const before = s.counter.calls;
    const plain = createClient(TestServiceDefinition, channel).unaryCall({});
    await plain;
    expect(s.counter.calls - before).to.equal(1);
  });

  it("request messages beyond perCallRetryBufferBytes commit the call: a later failure is not retried", async () => {
    const s = await fixture(
      () => ({}) as SimpleResponse,
      async (reqs) => {
        for await (const _ of reqs) void _;
        throw new XtmpError(Code.UNAVAILABLE, "failed after reading");
      },
    );
    const serviceConfig = { methodConfig: [{ name: [{ service: "grpc.testing.TestService", method: "StreamingInputCall" }], retryPolicy: { maxAttempts: 3, initialBackoff: "0.01s", maxBackoff: "0.01s", backoffMultiplier: 1, retryableStatusCodes: ["UNAVAILABLE"] } }] };
    const channel = track(channelTo([s.port], { serviceConfig, perCallRetryBufferBytes: 4096 }));
    const client = createClient(TestServiceDefinition, channel);
    const small = [{ payload: { type: 0, body: randomBytes(1000) } }];
    await failure(client.streamingInputCall(small));
    expect(s.counter.calls, "fits the buffer: retried").to.equal(3);
    const big = [0, 1, 2, 3, 4, 5].map(() => ({ payload: { type: 0, body: randomBytes(1000) } }));
    await failure(client.streamingInputCall(big));
    expect(s.counter.calls - 3, "over the buffer: committed, not retried").to.equal(1);
  });
});
