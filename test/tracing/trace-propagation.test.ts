// Tracing: W3C trace context in call metadata; client and server spans through @opentelemetry/api when a provider is given, nothing when not.
import { expect } from "chai";
import { context, trace, SpanKind } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { TestServiceDefinition } from "../../generated/grpc/testing/test_xtmp.js";
import { testServiceImpl } from "../../services/test-service.js";
import { Code, createChannel, createClient, createServer, generateIdentity, type Channel, type Server } from "../../src/index.js";
import { failure } from "../helpers/calls.js";

describe("tracing", function () {
  this.timeout(20_000);
  const identity = generateIdentity();
  const cleanup: Array<() => unknown> = [];
  const contextManager = new AsyncLocalStorageContextManager();
  before(() => {
    contextManager.enable();
    context.setGlobalContextManager(contextManager);
  });
  after(() => {
    context.disable();
  });
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });

  async function serve(opts: Parameters<typeof createServer>[0], impl: Partial<typeof testServiceImpl>): Promise<{ server: Server; target: string }> {
    const server = createServer(opts);
    server.add(TestServiceDefinition, { ...testServiceImpl, ...impl });
    const { port } = await server.listen("xtmp://127.0.0.1:0");
    cleanup.push(() => server.shutdown({ graceMs: 0 }));
    return { server, target: `xtmp://127.0.0.1:${port}` };
  }
  function channel(target: string, opts: Parameters<typeof createChannel>[1] = {}): Channel {
    const c = createChannel(target, { serverKey: identity.publicKey, datagram: false, ...opts });
    cleanup.push(() => c.close());
    return c;
  }

  it("one trace id crosses client → server A → nested client call → server B, each span the child of the one before", async () => {
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const b = await serve({ identity, tracerProvider }, {});
    const toB = channel(b.target, { tracerProvider });
    const a = await serve({ identity, tracerProvider }, { emptyCall: async () => (await createClient(TestServiceDefinition, toB).emptyCall({}), {}) });
    await createClient(TestServiceDefinition, channel(a.target, { tracerProvider })).emptyCall({});

    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => [s.name, SpanKind[s.kind]]).sort()).to.deep.equal([
      ["grpc.testing.TestService/EmptyCall", "CLIENT"],
      ["grpc.testing.TestService/EmptyCall", "CLIENT"],
      ["grpc.testing.TestService/EmptyCall", "SERVER"],
      ["grpc.testing.TestService/EmptyCall", "SERVER"],
    ]);
    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).to.equal(1);
    // the chain: each span's parent is the previous one; the outer client span is a root
    const parentOf = (s: ReadableSpan) => spans.find((p) => p.spanContext().spanId === s.parentSpanContext?.spanId);
    const root = spans.filter((s) => parentOf(s) === undefined);
    expect(root.map((s) => SpanKind[s.kind])).to.deep.equal(["CLIENT"]);
    const chain: string[] = [];
    for (let s: ReadableSpan | undefined = root[0]; s; s = spans.find((c) => parentOf(c) === s)) chain.push(SpanKind[s.kind]);
    expect(chain).to.deep.equal(["CLIENT", "SERVER", "CLIENT", "SERVER"]);
    for (const s of spans) {
      expect(s.attributes["rpc.system.name"]).to.equal("xtmp");
      expect(s.attributes["rpc.method"]).to.equal("grpc.testing.TestService/EmptyCall");
      expect(s.attributes["rpc.status_code"]).to.equal("OK");
    }
  });

  it("a caller's active span is the client span's parent, and a failed call marks the client span as an error with the status", async () => {
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const s = await serve({ identity }, {});
    const client = createClient(TestServiceDefinition, channel(s.target, { tracerProvider }));
    const outer = tracerProvider.getTracer("app").startSpan("request");
    await context.with(trace.setSpan(context.active(), outer), async () => {
      expect((await failure(client.unaryCall({ responseStatus: { code: Code.NOT_FOUND, message: "gone" } }))).code).to.equal(Code.NOT_FOUND);
    });
    outer.end();
    const call = exporter.getFinishedSpans().find((x) => x.kind === SpanKind.CLIENT);
    expect(call?.parentSpanContext?.spanId).to.equal(outer.spanContext().spanId);
    expect(call?.spanContext().traceId).to.equal(outer.spanContext().traceId);
    expect(call?.status).to.deep.equal({ code: 2, message: "gone" });
    expect(call?.attributes["rpc.status_code"]).to.equal("NOT_FOUND");
  });

  it("without a tracer provider no trace header is sent; with one, the server receives the client span's traceparent", async () => {
    const seen: Array<string | undefined> = [];
    const s = await serve({ identity }, { emptyCall: (_req, ctx) => (seen.push(ctx.requestMetadata.get("traceparent") as string | undefined), {}) });
    await createClient(TestServiceDefinition, channel(s.target)).emptyCall({});
    expect(seen).to.deep.equal([undefined]);
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    await createClient(TestServiceDefinition, channel(s.target, { tracerProvider })).emptyCall({});
    const [client] = exporter.getFinishedSpans();
    const sc = client?.spanContext();
    expect(seen[1]).to.equal(`00-${sc?.traceId}-${sc?.spanId}-01`);
  });
});
