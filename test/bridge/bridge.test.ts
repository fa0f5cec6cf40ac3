// The gRPC bridge beyond the interop cases: signed methods refused, health, status details, transports in ctx, TLS, shutdown.
import { expect } from "chai";
import * as grpc from "@grpc/grpc-js";
import { BinaryReader } from "@bufbuild/protobuf/wire";
import { BpciServiceDefinition } from "../../generated/bpci/v1/bpci_xtmp.js";
import { HealthDefinition } from "../../generated/grpc/health/v1/health_xtmp.js";
import { HealthCheckResponse_ServingStatus as Serving, type HealthCheckResponse } from "../../generated/grpc/health/v1/health.js";
import { TestServiceDefinition } from "../../generated/grpc/testing/test_xtmp.js";
import type { StreamingOutputCallResponse } from "../../generated/grpc/testing/messages.js";
import { bpciDemoImpl } from "../../services/bpci-demo.js";
import { HealthRegistry } from "../../services/health.js";
import { testServiceImpl } from "../../services/test-service.js";
import { Code, createChannel, createClient, createServer, XtmpError, type Channel, type Server } from "../../src/index.js";
import { until } from "../helpers/calls.js";
import { drain, grpcClient, grpcFailure, unary, type GenericClient } from "./grpc-client.js";

const SIGNED_MESSAGE = "signed methods need an XTMP session: their messages carry Ed25519 signatures by the caller's identity; call it over xtmp://";

/** Decodes a google.rpc.Status (code 1, message 2, details 3). */
function decodeStatus(bytes: Uint8Array): { code: number; message: string; details: Uint8Array[] } {
  const r = new BinaryReader(bytes);
  const out = { code: 0, message: "", details: [] as Uint8Array[] };
  while (r.pos < r.len) {
    const [field, wire] = r.tag();
    if (field === 1) out.code = r.int32();
    else if (field === 2) out.message = r.string();
    else if (field === 3) out.details.push(r.bytes());
    else r.skip(wire);
  }
  return out;
}

describe("gRPC bridge", function () {
  this.timeout(30_000);
  const servers: Server[] = [];
  const clients: GenericClient[] = [];
  const channels: Channel[] = [];
  after(() => {
    for (const c of clients) c.close();
    for (const c of channels) c.close();
    for (const s of servers) s.forceShutdown();
  });
  const track = <T extends GenericClient>(c: T) => (clients.push(c), c);

  describe("one server on XTMP (TCP and WebSocket) and gRPC", () => {
    let signedRuns = 0;
    const transports: string[] = [];
    const health = new HealthRegistry();
    const detail = new Uint8Array([0x0a, 0x03, 0x61, 0x62, 0x63]); // a serialized google.protobuf.Any (type_url "abc")
    const server = createServer({
      insecure: true,
      interceptors: [
        (next) => (req) => {
          transports.push(req.ctx.transport);
          if (req.ctx.requestMetadata.has("x-fail-with-details")) throw new XtmpError(Code.ABORTED, "aborted with details", { details: [detail], metadata: [["x-why", "test"]] });
          return next(req);
        },
      ],
    });
    servers.push(server);
    const bpci = bpciDemoImpl();
    server.add(BpciServiceDefinition, { ...bpci, registerWallet: (req, ctx) => (signedRuns++, bpci.registerWallet(req, ctx)) });
    server.add(TestServiceDefinition, testServiceImpl).add(HealthDefinition, health.impl);
    let target = "";
    let xtmpPort = 0;
    let wsPort = 0;
    before(async () => {
      target = `127.0.0.1:${(await server.listen("grpc://127.0.0.1:0")).port}`;
      xtmpPort = (await server.listen("xtmp://127.0.0.1:0")).port;
      wsPort = (await server.listen("ws://127.0.0.1:0/xtmp")).port;
    });

    it("refuses a signed method with FAILED_PRECONDITION saying why, without running the handler", async () => {
      const c = track(grpcClient(BpciServiceDefinition, target));
      const e = await grpcFailure(unary(c, "RegisterWallet", { walletId: "w1", publicKey: new Uint8Array(32) }));
      expect([e.code, e.details]).to.deep.equal([grpc.status.FAILED_PRECONDITION, SIGNED_MESSAGE]);
      expect(signedRuns).to.equal(0);
    });

    it("serves the registered health service: Check, and Watch streaming a change", async () => {
      const c = track(grpcClient(HealthDefinition, target));
      expect((await unary<HealthCheckResponse>(c, "Check", { service: "" })).status).to.equal(Serving.SERVING);
      expect((await grpcFailure(unary(c, "Check", { service: "nope" }))).code).to.equal(grpc.status.NOT_FOUND);
      health.set("svc", Serving.SERVING);
      const watch = (c.Watch as (r: unknown) => grpc.ClientReadableStream<HealthCheckResponse>).call(c, { service: "svc" });
      const statuses: Serving[] = [];
      watch.on("data", (m: HealthCheckResponse) => statuses.push(m.status));
      watch.on("error", () => undefined);
      expect(await until(() => statuses.length === 1)).to.equal(true);
      health.set("svc", Serving.NOT_SERVING);
      expect(await until(() => statuses.length === 2)).to.equal(true);
      watch.cancel();
      expect(statuses).to.deep.equal([Serving.SERVING, Serving.NOT_SERVING]);
    });

    it("sends an XtmpError's details as grpc-status-details-bin (google.rpc.Status) and its metadata as trailers", async () => {
      const c = track(grpcClient(TestServiceDefinition, target));
      const md = new grpc.Metadata();
      md.set("x-fail-with-details", "1");
      const e = await grpcFailure(unary(c, "EmptyCall", {}, md));
      expect([e.code, e.details]).to.deep.equal([grpc.status.ABORTED, "aborted with details"]);
      expect(e.metadata.get("x-why")).to.deep.equal(["test"]);
      const bin = e.metadata.get("grpc-status-details-bin")[0] as Buffer;
      expect(decodeStatus(bin)).to.deep.equal({ code: Code.ABORTED, message: "aborted with details", details: [Buffer.from(detail)] });
    });

    it("tells handlers the transport: grpc, tcp, ws", async () => {
      transports.length = 0;
      await unary(track(grpcClient(TestServiceDefinition, target)), "EmptyCall", {});
      for (const url of [`xtmp://127.0.0.1:${xtmpPort}`, `ws://127.0.0.1:${wsPort}/xtmp`]) {
        const ch = createChannel(url, { insecure: true });
        channels.push(ch);
        await createClient(TestServiceDefinition, ch).emptyCall({});
      }
      expect(transports).to.deep.equal(["grpc", "tcp", "ws"]);
    });
  });

  describe("grpcs:// (TLS)", () => {
    it("serves a TLS client with the configured certificate", async () => {
      const selfsigned = await import("selfsigned");
      const pems = await selfsigned.generate([{ name: "commonName", value: "localhost" }], { keyType: "ec" });
      const server = createServer({ insecure: true, grpcTls: { cert: pems.cert, key: pems.private } }).add(TestServiceDefinition, testServiceImpl);
      servers.push(server);
      const { port } = await server.listen("grpcs://127.0.0.1:0");
      const c = track(grpcClient(TestServiceDefinition, `127.0.0.1:${port}`, grpc.credentials.createSsl(Buffer.from(pems.cert)), { "grpc.ssl_target_name_override": "localhost" }));
      expect(await unary(c, "EmptyCall", {})).to.deep.equal({});
      const plain = track(grpcClient(TestServiceDefinition, `127.0.0.1:${port}`));
      expect((await grpcFailure(unary(plain, "EmptyCall", {}, new grpc.Metadata(), { deadline: Date.now() + 5000 }))).code).to.be.oneOf([grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED]);
    });

    it("refuses grpcs:// without a certificate (INVALID_ARGUMENT)", async () => {
      const server = createServer({ insecure: true });
      servers.push(server);
      const e = await server.listen("grpcs://127.0.0.1:0").then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(e).to.be.instanceOf(XtmpError);
      expect((e as XtmpError).code).to.equal(Code.INVALID_ARGUMENT);
    });
  });

  describe("lifecycle", () => {
    it("serves services added after listen; shutdown() drains a bridged call, then refuses new ones", async () => {
      const server = createServer({ insecure: true });
      servers.push(server);
      const { port } = await server.listen("grpc://127.0.0.1:0");
      server.add(TestServiceDefinition, testServiceImpl);
      const c = track(grpcClient(TestServiceDefinition, `127.0.0.1:${port}`));
      expect(await unary(c, "EmptyCall", {})).to.deep.equal({});
      // a call in flight (its response comes after 200 ms) finishes during the graceful shutdown
      const call = (c.StreamingOutputCall as (r: unknown) => grpc.ClientReadableStream<StreamingOutputCallResponse>).call(c, { responseParameters: [{ size: 7, intervalUs: 200_000 }] });
      const done = drain(call);
      expect(await until(() => server.stats.activeCalls === 1)).to.equal(true);
      await server.shutdown();
      const { messages, status } = await done;
      expect([status.code, messages.map((m) => m.payload?.body.length)]).to.deep.equal([grpc.status.OK, [7]]);
      expect((await grpcFailure(unary(c, "EmptyCall", {}, new grpc.Metadata(), { deadline: Date.now() + 5000 }))).code).to.be.oneOf([grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED]);
    });

    it("forceShutdown() ends bridged calls in flight (their handlers' signals fire)", async () => {
      let aborted = 0;
      const server = createServer({ insecure: true, interceptors: [(next) => (req) => (req.ctx.signal.addEventListener("abort", () => aborted++), next(req))] });
      servers.push(server);
      server.add(TestServiceDefinition, testServiceImpl);
      const { port } = await server.listen("grpc://127.0.0.1:0");
      const c = track(grpcClient(TestServiceDefinition, `127.0.0.1:${port}`));
      const call = (c.StreamingOutputCall as (r: unknown) => grpc.ClientReadableStream<StreamingOutputCallResponse>).call(c, { responseParameters: [{ size: 1, intervalUs: 30_000_000 }] });
      const done = drain(call);
      expect(await until(() => server.stats.activeCalls === 1)).to.equal(true);
      server.forceShutdown();
      expect((await done).status.code).to.not.equal(grpc.status.OK);
      expect(await until(() => aborted === 1), "the handler's signal fired").to.equal(true);
      expect(await until(() => server.stats.activeCalls === 0)).to.equal(true);
    });
  });
});
