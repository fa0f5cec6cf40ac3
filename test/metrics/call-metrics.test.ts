// Metrics through @opentelemetry/api: call durations per method and status, and the runtime instruments, read by an in-memory reader.
import { expect } from "chai";
import { TestServiceDefinition, UnimplementedServiceDefinition } from "../../generated/grpc/testing/test_xtmp.js";
import { testServiceImpl } from "../../services/test-service.js";
import { Code, createChannel, createClient, createServer, generateIdentity } from "../../src/index.js";
import { failure } from "../helpers/calls.js";
import { grpcClient, unary } from "../bridge/grpc-client.js";
import { histogramCounts, points, sumEventually, sumWhere, testMeterProvider } from "../helpers/otel.js";

const byMethodAndCode = (a: Record<string, unknown>) => `${String(a["rpc.method"])} ${String(a["rpc.status_code"])}`;

describe("metrics", function () {
  this.timeout(20_000);
  const identity = generateIdentity();

  it("after 3 OK EmptyCalls, 2 UnaryCalls failing NOT_FOUND and 1 unimplemented call, both durations histograms count exactly those, and runtime instruments agree", async () => {
    const serverMetrics = testMeterProvider();
    const clientMetrics = testMeterProvider();
    const server = createServer({ identity, meterProvider: serverMetrics.provider });
    server.add(TestServiceDefinition, testServiceImpl);
    const { port } = await server.listen("xtmp://127.0.0.1:0");
    const channel = createChannel(`xtmp://127.0.0.1:${port}`, { serverKey: identity.publicKey, datagram: false, meterProvider: clientMetrics.provider });
    try {
      const client = createClient(TestServiceDefinition, channel);
      for (let i = 0; i < 3; i++) await client.emptyCall({});
      for (let i = 0; i < 2; i++) expect((await failure(client.unaryCall({ responseStatus: { code: Code.NOT_FOUND, message: "no" } }))).code).to.equal(Code.NOT_FOUND);
      expect((await failure(createClient(UnimplementedServiceDefinition, channel).unimplementedCall({}))).code).to.equal(Code.UNIMPLEMENTED);

      const served = await points(serverMetrics.reader, "rpc.server.call.duration");
      expect(histogramCounts(served, byMethodAndCode)).to.deep.equal({
        "grpc.testing.TestService/EmptyCall OK": 3,
        "grpc.testing.TestService/UnaryCall NOT_FOUND": 2,
        "_OTHER UNIMPLEMENTED": 1,
      });
      expect(new Set(served.map((p) => p.attributes["rpc.system.name"]))).to.deep.equal(new Set(["xtmp"]));
      const made = await points(clientMetrics.reader, "rpc.client.call.duration");
      expect(histogramCounts(made, byMethodAndCode)).to.deep.equal({
        "grpc.testing.TestService/EmptyCall OK": 3,
        "grpc.testing.TestService/UnaryCall NOT_FOUND": 2,
        "grpc.testing.UnimplementedService/UnimplementedCall UNIMPLEMENTED": 1,
      });

      expect(sumWhere(await points(serverMetrics.reader, "xtmp.server.sessions"))).to.equal(1);
      expect(sumWhere(await points(serverMetrics.reader, "xtmp.server.handshakes"), { "xtmp.handshake.result": "ok" })).to.equal(1);
      expect(sumWhere(await points(clientMetrics.reader, "xtmp.client.handshakes"), { "xtmp.handshake.result": "ok" })).to.equal(1);
      // what one side sent, the other received (both sessions are open and idle)
      const serverIo = await points(serverMetrics.reader, "xtmp.server.io");
      const clientIo = await points(clientMetrics.reader, "xtmp.client.io");
      expect(sumWhere(serverIo, { "network.io.direction": "receive" })).to.be.greaterThan(0);
      expect(sumWhere(serverIo, { "network.io.direction": "receive" })).to.equal(sumWhere(clientIo, { "network.io.direction": "transmit" }));
      expect(sumWhere(await points(serverMetrics.reader, "xtmp.server.records"), { "network.io.direction": "transmit" })).to.equal(
        sumWhere(await points(clientMetrics.reader, "xtmp.client.records"), { "network.io.direction": "receive" }),
      );
    } finally {
      channel.close();
      await server.shutdown({ graceMs: 0 });
    }
  });

  it("a failed handshake is counted by reason on both sides, and a shutdown's GOAWAY as sent by the server and received by the client", async () => {
    const serverMetrics = testMeterProvider();
    const clientMetrics = testMeterProvider();
    const server = createServer({ identity, meterProvider: serverMetrics.provider });
    server.add(TestServiceDefinition, testServiceImpl);
    const { port } = await server.listen("xtmp://127.0.0.1:0");
    const wrongKey = createChannel(`xtmp://127.0.0.1:${port}`, { serverKey: generateIdentity().publicKey, datagram: false, meterProvider: clientMetrics.provider });
    const channel = createChannel(`xtmp://127.0.0.1:${port}`, { serverKey: identity.publicKey, datagram: false, meterProvider: clientMetrics.provider });
    try {
      expect((await failure(createClient(TestServiceDefinition, wrongKey).emptyCall({}))).code).to.equal(Code.UNAUTHENTICATED);
      const failed = (await points(clientMetrics.reader, "xtmp.client.handshakes")).filter((p) => p.attributes["xtmp.handshake.result"] === "failed");
      expect(failed.map((p) => [p.attributes["error.type"], p.value])).to.deep.equal([["auth", 1]]);
      // the server learns it when the client hangs up with the CLOSE reason
      expect(await sumEventually(serverMetrics.reader, "xtmp.server.handshakes", { "xtmp.handshake.result": "failed", "error.type": "auth" }, 1)).to.equal(1);
      await createClient(TestServiceDefinition, channel).emptyCall({});
      await server.shutdown({ graceMs: 1_000 });
      expect(sumWhere(await points(serverMetrics.reader, "xtmp.server.goaways"), { "xtmp.direction": "sent" })).to.equal(1);
      // the client reads the GOAWAY after the server is done with it
      expect(await sumEventually(clientMetrics.reader, "xtmp.client.goaways", { "xtmp.direction": "received" }, 1)).to.equal(1);
      expect(sumWhere(await points(serverMetrics.reader, "xtmp.server.sessions"))).to.equal(0);
    } finally {
      wrongKey.close();
      channel.close();
      server.forceShutdown();
    }
  });

  it("calls through the gRPC bridge are recorded with rpc.system.name grpc", async () => {
    const serverMetrics = testMeterProvider();
    const server = createServer({ identity, meterProvider: serverMetrics.provider });
    server.add(TestServiceDefinition, testServiceImpl);
    const { port } = await server.listen("grpc://127.0.0.1:0");
    const c = grpcClient(TestServiceDefinition, `127.0.0.1:${port}`);
    try {
      await unary(c, "EmptyCall", {});
      await unary(c, "EmptyCall", {});
      const served = await points(serverMetrics.reader, "rpc.server.call.duration");
      expect(histogramCounts(served, (a) => `${byMethodAndCode(a)} ${String(a["rpc.system.name"])}`)).to.deep.equal({ "grpc.testing.TestService/EmptyCall OK grpc": 2 });
    } finally {
      c.close();
      await server.shutdown({ graceMs: 0 });
    }
  });
});
