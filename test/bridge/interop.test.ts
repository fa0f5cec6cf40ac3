// The 14 gRPC interop cases through the gRPC bridge, called by an unmodified @grpc/grpc-js client.
import { expect } from "chai";
import * as grpc from "@grpc/grpc-js";
import { randomBytes } from "node:crypto";
import { TestServiceDefinition, UnimplementedServiceDefinition } from "../../generated/grpc/testing/test_xtmp.js";
import type { SimpleResponse, StreamingInputCallResponse, StreamingOutputCallResponse } from "../../generated/grpc/testing/messages.js";
import { testServiceImpl } from "../../services/test-service.js";
import { Code, createServer, type ServerContext } from "../../src/index.js";
import { until, within } from "../helpers/calls.js";
import { drain, grpcClient, grpcFailure, unary, type GenericClient } from "./grpc-client.js";

const random = (n: number) => ({ type: 0, body: new Uint8Array(randomBytes(n)) });
const SPECIAL = "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n";

describe("gRPC interop cases through the gRPC bridge (grpc-js client)", function () {
  this.timeout(30_000);
  /** What handlers saw: transport per call, and each aborted call's abort reason code. */
  const seen: { transports: string[]; deadlines: Array<number | undefined>; aborts: Array<{ method: string; code: number | undefined }> } = { transports: [], deadlines: [], aborts: [] };
  const server = createServer({
    insecure: true,
    interceptors: [
      (next) => (req) => {
        const ctx: ServerContext = req.ctx;
        seen.transports.push(ctx.transport);
        seen.deadlines.push(ctx.deadline);
        ctx.signal.addEventListener("abort", () => seen.aborts.push({ method: ctx.method, code: (ctx.signal.reason as { code?: number }).code }));
        return next(req);
      },
    ],
  });
  server.add(TestServiceDefinition, testServiceImpl);
  let client: GenericClient;
  let target = "";

  before(async () => {
    const { port } = await server.listen("grpc://127.0.0.1:0");
    target = `127.0.0.1:${port}`;
    client = grpcClient(TestServiceDefinition, target);
  });
  after(() => {
    client.close();
    server.forceShutdown();
  });

  it("empty_unary (the handler sees transport grpc)", async () => {
    seen.transports.length = 0;
    expect(await unary(client, "EmptyCall", {})).to.deep.equal({});
    expect(seen.transports).to.deep.equal(["grpc"]);
  });

  it("large_unary: 314159-byte response to a 271828-byte request", async () => {
    const res = await unary<SimpleResponse>(client, "UnaryCall", { responseSize: 314159, payload: random(271828) });
    expect(res.payload?.body.length).to.equal(314159);
  });

  it("client_streaming: 27182 + 8 + 1828 + 45904 = 74922", async () => {
    const res = await new Promise<StreamingInputCallResponse>((resolve, reject) => {
      const call = (client.StreamingInputCall as (cb: (e: grpc.ServiceError | null, v: StreamingInputCallResponse) => void) => grpc.ClientWritableStream<unknown>).call(client, (e, v) => (e ? reject(e) : resolve(v)));
      for (const n of [27182, 8, 1828, 45904]) call.write({ payload: random(n) });
      call.end();
    });
    expect(res.aggregatedPayloadSize).to.equal(74922);
  });

  it("server_streaming: 31415, 9, 2653, 58979 in order", async () => {
    const call = (client.StreamingOutputCall as (r: unknown) => grpc.ClientReadableStream<StreamingOutputCallResponse>).call(client, {
      responseParameters: [31415, 9, 2653, 58979].map((size) => ({ size })),
    });
    const { messages, status } = await drain(call);
    expect(status.code).to.equal(grpc.status.OK);
    expect(messages.map((m) => m.payload?.body.length)).to.deep.equal([31415, 9, 2653, 58979]);
  });

  const duplex = (md = new grpc.Metadata(), options: grpc.CallOptions = {}) =>
    (client.FullDuplexCall as (md: grpc.Metadata, o: grpc.CallOptions) => grpc.ClientDuplexStream<unknown, StreamingOutputCallResponse>).call(client, md, options);
  const next = (call: grpc.ClientDuplexStream<unknown, StreamingOutputCallResponse>) => new Promise<StreamingOutputCallResponse>((resolve) => call.once("data", resolve));

  it("ping_pong", async () => {
    const call = duplex();
    const statusP = new Promise<grpc.StatusObject>((resolve) => call.on("status", resolve));
    for (const [resp, req] of [
      [31415, 27182],
      [9, 8],
      [2653, 1828],
      [58979, 45904],
    ] as const) {
      const reply = next(call);
      call.write({ responseParameters: [{ size: resp }], payload: random(req) });
      expect((await reply).payload?.body.length).to.equal(resp);
    }
    call.end();
    expect((await statusP).code).to.equal(grpc.status.OK);
  });

  it("empty_stream", async () => {
    const call = duplex();
    call.end();
    const { messages, status } = await drain(call);
    expect([messages.length, status.code]).to.deep.equal([0, grpc.status.OK]);
  });

  it("custom_metadata: initial echoed in headers, trailing binary echoed in trailers (unary and bidi)", async () => {
    const md = () => {
      const m = new grpc.Metadata();
      m.set("x-grpc-test-echo-initial", "test_initial_metadata_value");
      m.set("x-grpc-test-echo-trailing-bin", Buffer.from([0xab, 0xab, 0xab]));
      return m;
    };
    const headers = new Promise<grpc.Metadata>((resolve, reject) => {
      const call = (client.UnaryCall as (r: unknown, m: grpc.Metadata, cb: (e: grpc.ServiceError | null) => void) => grpc.ClientUnaryCall).call(client, { responseSize: 314159, payload: random(271828) }, md(), (e) => e && reject(e));
      call.on("metadata", resolve);
      call.on("status", (s: grpc.StatusObject) => expect(s.metadata.get("x-grpc-test-echo-trailing-bin")).to.deep.equal([Buffer.from([0xab, 0xab, 0xab])]));
    });
    expect((await headers).get("x-grpc-test-echo-initial")).to.deep.equal(["test_initial_metadata_value"]);
    const call = duplex(md());
    const h = new Promise<grpc.Metadata>((resolve) => call.on("metadata", resolve));
    call.write({ responseParameters: [{ size: 314159 }], payload: random(271828) });
    call.end();
    const { status } = await drain(call);
    expect((await h).get("x-grpc-test-echo-initial")).to.deep.equal(["test_initial_metadata_value"]);
    expect(status.metadata.get("x-grpc-test-echo-trailing-bin")).to.deep.equal([Buffer.from([0xab, 0xab, 0xab])]);
  });

  it("status_code_and_message (unary and bidi)", async () => {
    const status = { code: 2, message: "test status message" };
    const e1 = await grpcFailure(unary(client, "UnaryCall", { responseStatus: status }));
    expect([e1.code, e1.details]).to.deep.equal([grpc.status.UNKNOWN, "test status message"]);
    const call = duplex();
    call.write({ responseStatus: status });
    call.end();
    const { status: s2 } = await drain(call);
    expect([s2.code, s2.details]).to.deep.equal([grpc.status.UNKNOWN, "test status message"]);
  });

  it("special_status_message: whitespace and Unicode returned exactly", async () => {
    const e = await grpcFailure(unary(client, "UnaryCall", { responseStatus: { code: 2, message: SPECIAL } }));
    expect(e.code).to.equal(grpc.status.UNKNOWN);
    expect(e.details).to.equal(SPECIAL);
  });

  it("unimplemented_method", async () => {
    expect((await grpcFailure(unary(client, "UnimplementedCall", {}))).code).to.equal(grpc.status.UNIMPLEMENTED);
  });

  it("unimplemented_service", async () => {
    const other = grpcClient(UnimplementedServiceDefinition, target);
    const e = await grpcFailure(unary(other, "UnimplementedCall", {}));
    other.close();
    expect(e.code).to.equal(grpc.status.UNIMPLEMENTED);
  });

  it("cancel_after_begin", async () => {
    const result = new Promise<grpc.ServiceError | null>((resolve) => {
      const call = (client.StreamingInputCall as (cb: (e: grpc.ServiceError | null) => void) => grpc.ClientWritableStream<unknown>).call(client, (e) => resolve(e));
      void until(() => server.stats.activeCalls === 1).then((began) => {
        expect(began, "the call began on the server").to.equal(true);
        call.cancel();
      });
    });
    expect((await result)?.code).to.equal(grpc.status.CANCELLED);
    expect(await until(() => server.stats.activeCalls === 0), "the server side was cancelled").to.equal(true);
  });

  it("a client's cancel fires the handler's ctx.signal with CANCELLED", async () => {
    seen.aborts.length = 0;
    // the handler sleeps 30 s before its first response: only the cancel can end it
    const call = (client.StreamingOutputCall as (r: unknown) => grpc.ClientReadableStream<StreamingOutputCallResponse>).call(client, { responseParameters: [{ size: 1, intervalUs: 30_000_000 }] });
    const done = drain(call);
    expect(await until(() => server.stats.activeCalls === 1), "the call began on the server").to.equal(true);
    call.cancel();
    expect((await done).status.code).to.equal(grpc.status.CANCELLED);
    expect(await until(() => seen.aborts.length === 1), "the handler's signal fired").to.equal(true);
    expect(seen.aborts).to.deep.equal([{ method: TestServiceDefinition.methods.streamingOutputCall.path, code: Code.CANCELLED }]);
    expect(await until(() => server.stats.activeCalls === 0), "the server forgot the call").to.equal(true);
  });

  it("cancel_after_first_response", async () => {
    const call = duplex();
    const first = next(call);
    const statusP = new Promise<grpc.StatusObject>((resolve) => call.on("status", resolve));
    call.on("error", () => undefined);
    call.write({ responseParameters: [{ size: 31415 }], payload: random(27182) });
    expect((await first).payload?.body.length).to.equal(31415);
    call.cancel();
    expect((await statusP).code).to.equal(grpc.status.CANCELLED);
    expect(await until(() => server.stats.activeCalls === 0), "the server side was cancelled").to.equal(true);
  });

  it("timeout_on_sleeping_server (grpc-timeout becomes ctx.deadline; the handler's signal fires)", async () => {
    seen.aborts.length = 0;
    seen.deadlines.length = 0;
    const t0 = Date.now();
    const call = duplex(new grpc.Metadata(), { deadline: t0 + 300 });
    call.write({ responseParameters: [{ size: 31415, intervalUs: 30_000_000 }], payload: random(27182) });
    const { status } = await within(drain(call), "the deadline ending the call", 20_000);
    expect(status.code).to.equal(grpc.status.DEADLINE_EXCEEDED);
    expect(await until(() => server.stats.activeCalls === 0)).to.equal(true);
    expect(seen.aborts.map((a) => a.code)).to.deep.equal([Code.DEADLINE_EXCEEDED]);
    // grpc-timeout became the handler's ctx.deadline (absolute, about 300 ms after the call began)
    expect(seen.deadlines.length).to.equal(1);
    expect(seen.deadlines[0]).to.be.within(t0, Date.now() + 300);
  });
});
