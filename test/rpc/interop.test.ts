// The gRPC interop test cases (those needing no cloud or proxy), run over encrypted XTMP on loopback.
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { TestServiceDefinition, UnimplementedServiceDefinition } from "../../generated/grpc/testing/test_xtmp.js";
import type { StreamingOutputCallRequest } from "../../generated/grpc/testing/messages.js";
import { testServiceImpl } from "../../services/test-service.js";
import { Code, createChannel, createClient, createServer, generateIdentity, Metadata, XtmpError, type Channel } from "../../src/index.js";
import { conformance } from "./conformance.js";
import { failure, until, within } from "../helpers/calls.js";

/** Zero-filled payloads, as the interop cases specify, for the compression cases. */
const zeros = (n: number) => ({ type: 0, body: new Uint8Array(n) });
/** Incompressible payloads where the size on the wire matters (compression would shrink zeros to ~100 bytes). */
const random = (n: number) => ({ type: 0, body: new Uint8Array(randomBytes(n)) });
const SPECIAL = "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n";


/** A request stream the test feeds by hand (for ping-pong and cancellation cases). */
function feeder<T>() {
  const queue: T[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  return {
    push(v: T) {
      queue.push(v);
      wake?.();
    },
    end() {
      ended = true;
      wake?.();
    },
    async *[Symbol.asyncIterator]() {
      for (;;) {
        if (queue.length > 0) yield queue.shift() as T;
        else if (ended) return;
        else await new Promise<void>((r) => (wake = r));
      }
    },
  };
}

describe("gRPC interop cases over XTMP", function () {
  this.timeout(30_000);
  const serverId = generateIdentity();
  const server = createServer({ identity: serverId });
  server.add(TestServiceDefinition, testServiceImpl);
  let channel: Channel;
  let client: ReturnType<typeof createClient<typeof TestServiceDefinition>>;
  let address = "";

  before(async () => {
    address = `xtmp://127.0.0.1:${(await server.listen("xtmp://127.0.0.1:0")).port}`;
    channel = createChannel(address, { serverKey: serverId.publicKey });
    client = createClient(TestServiceDefinition, channel);
  });
  after(() => {
    channel.close();
    server.forceShutdown();
  });

  describe("transport conformance subset (TCP)", () => conformance(() => channel));

  it("empty_unary", async () => {
    expect(await client.emptyCall({})).to.deep.equal({});
  });

  it("large_unary: 314159-byte response to a 271828-byte request", async () => {
    const stats = (await channel.session()).secure.stats;
    const [sent, received] = [stats.bytesSent, stats.bytesReceived];
    // an incompressible request, and the (zero-filled) response sent uncompressed: the sizes cross the wire
    const res = await client.unaryCall({ responseSize: 314159, responseCompressed: { value: false }, payload: random(271828) });
    expect(res.payload?.body.length).to.equal(314159);
    expect(stats.bytesSent - sent).to.be.greaterThan(271828);
    expect(stats.bytesReceived - received).to.be.greaterThan(314159);
  });

  it("client_streaming: 27182 + 8 + 1828 + 45904 = 74922", async () => {
    const res = await client.streamingInputCall([27182, 8, 1828, 45904].map((n) => ({ payload: random(n) })));
    expect(res.aggregatedPayloadSize).to.equal(74922);
  });

  it("server_streaming: 31415, 9, 2653, 58979 in order", async () => {
    const sizes: number[] = [];
    for await (const r of client.streamingOutputCall({ responseParameters: [31415, 9, 2653, 58979].map((size) => ({ size })) })) sizes.push(r.payload?.body.length ?? -1);
    expect(sizes).to.deep.equal([31415, 9, 2653, 58979]);
  });

  it("ping_pong", async () => {
    const reqs = feeder<StreamingOutputCallRequest>();
    const it = client.fullDuplexCall(reqs)[Symbol.asyncIterator]();
    for (const [resp, req] of [
      [31415, 27182],
      [9, 8],
      [2653, 1828],
      [58979, 45904],
    ] as const) {
      reqs.push({ responseType: 0, responseParameters: [{ size: resp, intervalUs: 0 }], payload: random(req) });
      const r = await it.next();
      expect(r.done).to.equal(false);
      expect(r.value?.payload?.body.length).to.equal(resp);
    }
    reqs.end();
    expect((await it.next()).done).to.equal(true);
  });

  it("empty_stream", async () => {
    let n = 0;
    for await (const _ of client.fullDuplexCall([])) n++;
    expect(n).to.equal(0);
  });

  it("custom_metadata: initial echoed in headers, trailing binary echoed in trailers (unary and bidi)", async () => {
    const md = new Metadata({ "x-grpc-test-echo-initial": "test_initial_metadata_value", "x-grpc-test-echo-trailing-bin": new Uint8Array([0xab, 0xab, 0xab]) });
    const seen = new Map<"headers" | "trailers", Metadata>();
    const capture = createChannel(address, {
      serverKey: serverId.publicKey,
      interceptors: [
        (next) => (req) => {
          const res = next(req);
          void res.header.then((h) => seen.set("headers", h));
          void res.trailer.then((t) => seen.set("trailers", t));
          return res;
        },
      ],
    });
    const c = createClient(TestServiceDefinition, capture);
    await c.unaryCall({ responseSize: 314159, payload: random(271828) }, { metadata: md });
    expect(seen.get("headers")?.get("x-grpc-test-echo-initial")).to.equal("test_initial_metadata_value");
    expect(seen.get("trailers")?.get("x-grpc-test-echo-trailing-bin")).to.deep.equal(new Uint8Array([0xab, 0xab, 0xab]));
    seen.clear();
    for await (const _ of c.fullDuplexCall([{ responseParameters: [{ size: 314159 }], payload: random(271828) }], { metadata: md }));
    expect(seen.get("headers")?.get("x-grpc-test-echo-initial")).to.equal("test_initial_metadata_value");
    expect(seen.get("trailers")?.get("x-grpc-test-echo-trailing-bin")).to.deep.equal(new Uint8Array([0xab, 0xab, 0xab]));
    capture.close();
  });

  it("status_code_and_message (unary and bidi)", async () => {
    const status = { code: 2, message: "test status message" };
    const e1 = await failure(client.unaryCall({ responseStatus: status }));
    expect([e1.code, e1.rawMessage]).to.deep.equal([Code.UNKNOWN, "test status message"]);
    const e2 = await failure(client.fullDuplexCall([{ responseStatus: status }]));
    expect([e2.code, e2.rawMessage]).to.deep.equal([Code.UNKNOWN, "test status message"]);
  });

  it("special_status_message: whitespace and Unicode returned exactly", async () => {
    const e = await failure(client.unaryCall({ responseStatus: { code: 2, message: SPECIAL } }));
    expect(e.code).to.equal(Code.UNKNOWN);
    expect(e.rawMessage).to.equal(SPECIAL);
  });

  it("unimplemented_method", async () => {
    expect((await failure(client.unimplementedCall({}))).code).to.equal(Code.UNIMPLEMENTED);
  });

  it("unimplemented_service", async () => {
    const other = createClient(UnimplementedServiceDefinition, channel);
    const e = await failure(other.unimplementedCall({}));
    expect(e.code).to.equal(Code.UNIMPLEMENTED);
    expect(e.rawMessage).to.match(/unknown service grpc.testing.UnimplementedService/);
  });

  it("cancel_after_begin", async () => {
    const ac = new AbortController();
    const reqs = feeder<{ payload: ReturnType<typeof zeros> }>();
    const p = client.streamingInputCall(reqs, { signal: ac.signal });
    expect(await until(() => server.stats.activeCalls === 1), "the call began on the server").to.equal(true);
    ac.abort();
    expect((await failure(p)).code).to.equal(Code.CANCELLED);
    expect(await until(() => server.stats.activeCalls === 0), "the server side was cancelled").to.equal(true);
  });

  it("cancel_after_first_response", async () => {
    const ac = new AbortController();
    const reqs = feeder<StreamingOutputCallRequest>();
    const it = client.fullDuplexCall(reqs, { signal: ac.signal })[Symbol.asyncIterator]();
    reqs.push({ responseType: 0, responseParameters: [{ size: 31415, intervalUs: 0 }], payload: zeros(27182) });
    expect((await it.next()).value?.payload?.body.length).to.equal(31415);
    ac.abort();
    const e = await it.next().then(
      () => undefined,
      (err: XtmpError) => err,
    );
    expect(e?.code).to.equal(Code.CANCELLED);
  });

  it("timeout_on_sleeping_server", async () => {
    // the request asks the server to sleep 30 s before it answers; the 300 ms deadline ends the call
    // first. The request stream stays open, so nothing but the deadline can end the call before then.
    const reqs = feeder<StreamingOutputCallRequest>();
    reqs.push({ responseType: 0, responseParameters: [{ size: 31415, intervalUs: 30_000_000 }], payload: random(27182) });
    const stats = (await channel.session()).mux.stats;
    const opened = stats.streamsOpened;
    const e = await within(failure(client.fullDuplexCall(reqs, { deadline: 300 })), "the deadline ending the call", 20_000);
    expect(e.code).to.equal(Code.DEADLINE_EXCEEDED);
    expect((await channel.session()).mux.stats.streamsOpened, "the call reached the server").to.equal(opened + 1);
    // the sleeping handler is woken by the deadline and the server forgets the call
    expect(await until(() => server.stats.activeCalls === 0)).to.equal(true);
    reqs.end();
  });

  describe("compression (zstd)", () => {
    it("client_compressed_unary", async () => {
      const probe = await failure(client.unaryCall({ expectCompressed: { value: true }, responseSize: 314159, payload: zeros(271828) }, { compress: false }));
      expect(probe.code).to.equal(Code.INVALID_ARGUMENT);
      const a = await client.unaryCall({ expectCompressed: { value: true }, responseSize: 314159, payload: zeros(271828) }, { compress: true });
      expect(a.payload?.body.length).to.equal(314159);
      const b = await client.unaryCall({ expectCompressed: { value: false }, responseSize: 314159, payload: zeros(271828) }, { compress: false });
      expect(b.payload?.body.length).to.equal(314159);
    });

    it("server_compressed_unary: the compressed response is much smaller on the wire", async () => {
      const stats = (await channel.session()).secure.stats;
      const before = stats.bytesReceived;
      const a = await client.unaryCall({ responseCompressed: { value: true }, responseSize: 314159, payload: zeros(10) });
      const compressedBytes = stats.bytesReceived - before;
      const mid = stats.bytesReceived;
      const b = await client.unaryCall({ responseCompressed: { value: false }, responseSize: 314159, payload: zeros(10) });
      const plainBytes = stats.bytesReceived - mid;
      expect(a.payload?.body.length).to.equal(314159);
      expect(b.payload?.body.length).to.equal(314159);
      expect(compressedBytes).to.be.lessThan(2000);
      expect(plainBytes).to.be.greaterThan(314159);
    });

    it("client_compressed_streaming: 27182 (compressed, checked) + 45904 = 73086", async () => {
      const res = await client.streamingInputCall([{ expectCompressed: { value: true }, payload: zeros(27182) }, { expectCompressed: { value: false }, payload: zeros(45904) }], { compress: true });
      expect(res.aggregatedPayloadSize).to.equal(73086);
    });

    it("server_compressed_streaming: 31415 compressed, then 92653 not", async () => {
      const sizes: number[] = [];
      for await (const r of client.streamingOutputCall({ responseParameters: [{ compressed: { value: true }, size: 31415 }, { compressed: { value: false }, size: 92653 }] })) {
        sizes.push(r.payload?.body.length ?? -1);
      }
      expect(sizes).to.deep.equal([31415, 92653]);
    });
  });

  it("100 concurrent large_unary calls on one channel", async () => {
    const payload = random(271828);
    const results = await Promise.all(Array.from({ length: 100 }, () => client.unaryCall({ responseSize: 314159, responseCompressed: { value: false }, payload })));
    expect(results.every((r) => r.payload?.body.length === 314159)).to.equal(true);
    expect(server.stats.connections).to.equal(1); // all on this one channel's connection
  });
});
