// A long server stream with per-message intervals must not pile abort listeners on the call's signal.
import { expect } from "chai";
import { getEventListeners } from "node:events";
import { TestServiceDefinition } from "../../generated/grpc/testing/test_xtmp.js";
import { testServiceImpl } from "../../services/test-service.js";
import { createChannel, createClient, createServer, generateIdentity, type Channel } from "../../src/index.js";
import { within } from "../helpers/calls.js";

describe("abort listeners", function () {
  this.timeout(20_000);
  const id = generateIdentity();
  let signal: AbortSignal | undefined;
  const server = createServer({ identity: id });
  server.add(TestServiceDefinition, {
    ...testServiceImpl,
    streamingOutputCall(req, ctx) {
      signal = ctx.signal;
      return testServiceImpl.streamingOutputCall(req, ctx);
    },
  });
  let channel: Channel;
  const warnings: Error[] = [];
  const onWarning = (w: Error) => void warnings.push(w);
  before(async () => {
    const { port } = await server.listen("xtmp://127.0.0.1:0");
    channel = createChannel(`xtmp://127.0.0.1:${port}`, { serverKey: id.publicKey });
    process.on("warning", onWarning);
  });
  after(() => {
    process.off("warning", onWarning);
    channel.close();
    server.forceShutdown();
  });

  it("a 100-message StreamingOutputCall with intervals keeps the signal's abort listeners bounded and warns nothing", async () => {
    const client = createClient(TestServiceDefinition, channel);
    const params = Array.from({ length: 100 }, () => ({ size: 8, intervalUs: 100 }));
    let n = 0;
    let most = 0;
    await within(
      (async () => {
        for await (const _ of client.streamingOutputCall({ responseParameters: params })) {
          n++;
          if (signal) most = Math.max(most, getEventListeners(signal, "abort").length);
        }
      })(),
      "100-message stream",
    );
    expect(n).to.equal(100);
    expect(signal, "the handler ran").to.not.equal(undefined);
    expect(most).to.be.at.most(1); // at most the one sleep in progress
    // process warnings are emitted on the next tick: let them arrive before looking
    await new Promise((r) => setImmediate(r));
    expect(warnings.filter((w) => w.name === "MaxListenersExceededWarning").map((w) => w.message)).to.deep.equal([]);
  });
});
