// The onHeader / onTrailer call options of typed clients: when they run, what they get, and a callback that throws.
import { expect } from "chai";
import { TestServiceDefinition } from "../../generated/grpc/testing/test_xtmp.js";
import { testServiceImpl } from "../../services/test-service.js";
import { Code, createChannel, createClient, createServer, generateIdentity, Metadata, XtmpError, type Server, type Channel } from "../../src/index.js";
import { failure } from "../helpers/calls.js";

const ECHO = { "x-grpc-test-echo-initial": "hello", "x-grpc-test-echo-trailing-bin": new Uint8Array([1, 2, 3]) };

describe("onHeader / onTrailer call options", () => {
  let server: Server;
  let channel: Channel;
  before(async () => {
    const identity = generateIdentity();
    server = createServer({ identity });
    server.add(TestServiceDefinition, testServiceImpl);
    const { port } = await server.listen("xtmp://127.0.0.1:0");
    channel = createChannel(`xtmp://127.0.0.1:${port}`, { serverKey: identity.publicKey, datagram: false });
  });
  after(async () => {
    channel.close();
    await server.shutdown({ graceMs: 0 });
  });

  it("unary: both run, headers then trailers, before the result is delivered", async () => {
    const events: string[] = [];
    const client = createClient(TestServiceDefinition, channel);
    await client.unaryCall(
      { responseSize: 1 },
      {
        metadata: ECHO,
        onHeader: (h) => events.push(`header ${String(h.get("x-grpc-test-echo-initial"))}`),
        onTrailer: (t) => events.push(`trailer ${Array.from(t.get("x-grpc-test-echo-trailing-bin") as Uint8Array).join(",")}`),
      },
    );
    events.push("result");
    expect(events).to.deep.equal(["header hello", "trailer 1,2,3", "result"]);
  });

  it("server stream: headers before the first message, trailers after the last", async () => {
    const events: string[] = [];
    const client = createClient(TestServiceDefinition, channel);
    const stream = client.streamingOutputCall(
      { responseParameters: [{ size: 1, intervalUs: 0, compressed: undefined }, { size: 2, intervalUs: 0, compressed: undefined }] },
      { metadata: ECHO, onHeader: () => events.push("header"), onTrailer: () => events.push("trailer") },
    );
    for await (const m of stream) events.push(`message ${m.payload?.body.length}`);
    expect(events).to.deep.equal(["header", "message 1", "message 2", "trailer"]);
  });

  it("a failed call still reports its trailing metadata to onTrailer", async () => {
    const seen: Metadata[] = [];
    const client = createClient(TestServiceDefinition, channel);
    const e = await failure(client.unaryCall({ responseStatus: { code: Code.NOT_FOUND, message: "gone" } }, { metadata: ECHO, onTrailer: (t) => seen.push(t) }));
    expect(e.code).to.equal(Code.NOT_FOUND);
    expect(seen.length).to.equal(1);
    expect(Array.from(seen[0]?.get("x-grpc-test-echo-trailing-bin") as Uint8Array)).to.deep.equal([1, 2, 3]);
  });

  it("a callback that throws ends the call with its exception", async () => {
    const client = createClient(TestServiceDefinition, channel);
    const boom = new XtmpError(Code.ABORTED, "refused by the caller's header check");
    const e = await failure(
      client.unaryCall({}, {
        onHeader: () => {
          throw boom;
        },
      }),
    );
    expect(e).to.equal(boom);
  });
});
