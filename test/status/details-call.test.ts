// Typed status details across real calls: XTMP client and server over loopback, and a grpc-js client over the gRPC bridge.
import { expect } from "chai";
import * as grpc from "@grpc/grpc-js";
import { TestServiceDefinition } from "../../generated/grpc/testing/test_xtmp.js";
import { testServiceImpl } from "../../services/test-service.js";
import { Code, createChannel, createClient, createServer, XtmpError, type Channel } from "../../src/index.js";
import { BadRequest, ErrorInfo, listDetails, packDetail, RetryInfo, retryInfoDelayMs, statusDetail } from "../../src/status/details.js";
import { Status } from "../../src/status/gen/google/rpc/status.js";
import { failure } from "../helpers/calls.js";
import { grpcClient, grpcFailure, unary, type GenericClient } from "../bridge/grpc-client.js";

const errorInfo = { reason: "STOCKOUT", domain: "example.com", metadata: new Map([["zone", "eu-west1"]]) };
const badRequest = { fieldViolations: [{ field: "payload.body", description: "too big", reason: "TOO_BIG", localizedMessage: { locale: "de", message: "zu groß" } }] };
const opaque = packDetail("acme.v1.Opaque", new Uint8Array([0, 1, 2, 255])); // a type this side has no codec for

/** What the handler throws: three typed details and one detail of an unknown type. */
function detailed(): XtmpError {
  return new XtmpError(Code.UNAVAILABLE, "busy", {
    details: [statusDetail(ErrorInfo, errorInfo), statusDetail(RetryInfo, { retryDelay: { seconds: 2n, nanos: 250_000_000 } }), statusDetail(BadRequest, badRequest), opaque],
  });
}

describe("status details over calls", function () {
  this.timeout(30_000);
  const server = createServer({ insecure: true });
  server.add(TestServiceDefinition, {
    ...testServiceImpl,
    emptyCall: () => {
      throw detailed();
    },
  });
  let xtmpPort = 0;
  let grpcPort = 0;
  let channel: Channel | undefined;
  let grpcJs: GenericClient | undefined;
  before(async () => {
    xtmpPort = (await server.listen("xtmp://127.0.0.1:0")).port;
    grpcPort = (await server.listen("grpc://127.0.0.1:0")).port;
  });
  after(() => {
    grpcJs?.close();
    channel?.close();
    server.forceShutdown();
  });

  it("an XTMP client reads every typed detail the handler threw, in order, with the unknown one listed", async () => {
    channel = createChannel(`xtmp://127.0.0.1:${xtmpPort}`, { insecure: true });
    const err = await failure(createClient(TestServiceDefinition, channel).emptyCall({}));
    expect([err.code, err.rawMessage]).to.deep.equal([Code.UNAVAILABLE, "busy"]);
    expect(err.findDetails(ErrorInfo)).to.deep.equal([errorInfo]);
    expect(err.findDetails(BadRequest)).to.deep.equal([badRequest]);
    expect(retryInfoDelayMs(err)).to.equal(2250);
    expect(err.listDetails().map((d) => d.typeUrl)).to.deep.equal([
      "type.googleapis.com/google.rpc.ErrorInfo",
      "type.googleapis.com/google.rpc.RetryInfo",
      "type.googleapis.com/google.rpc.BadRequest",
      "type.googleapis.com/acme.v1.Opaque",
    ]);
    expect(err.details.map((d) => Buffer.from(d).toString("hex"))).to.deep.equal(detailed().details.map((d) => Buffer.from(d).toString("hex")));
  });

  it("a grpc-js client gets them as grpc-status-details-bin, a google.rpc.Status of the same Any details", async () => {
    grpcJs = grpcClient(TestServiceDefinition, `127.0.0.1:${grpcPort}`, grpc.credentials.createInsecure());
    const e = await grpcFailure(unary(grpcJs, "EmptyCall", {}));
    expect([e.code, e.details]).to.deep.equal([grpc.status.UNAVAILABLE, "busy"]);
    const bins = e.metadata.get("grpc-status-details-bin");
    expect(bins).to.have.length(1);
    const status = Status.decode(bins[0] as Buffer);
    expect([status.code, status.message]).to.deep.equal([Code.UNAVAILABLE, "busy"]);
    expect(status.details.map((a) => a.typeUrl)).to.deep.equal(listDetails(detailed().details).map((d) => d.typeUrl));
    const received = new XtmpError(status.code, status.message, { details: status.details.map((a) => packDetail(a.typeUrl.slice(a.typeUrl.lastIndexOf("/") + 1), a.value)) });
    expect(received.findDetails(ErrorInfo)).to.deep.equal([errorInfo]);
    expect(received.findDetails(BadRequest)).to.deep.equal([badRequest]);
    expect(retryInfoDelayMs(received)).to.equal(2250);
  });
});
