// The in-memory transport: `memory://name` listeners and targets run the conformance subset, with real handshakes, and no ports.
import { expect } from "chai";
import { TestServiceDefinition } from "../../generated/grpc/testing/test_xtmp.js";
import { testServiceImpl } from "../../services/test-service.js";
import { Code, createChannel, createClient, createServer, generateIdentity, type Channel, type Server } from "../../src/index.js";
import { failure } from "../helpers/calls.js";
import { conformance } from "./conformance.js";

describe("in-memory transport", function () {
  this.timeout(20_000);
  const identity = generateIdentity();
  let server: Server;
  let channel: Channel;
  const seen: Array<{ transport: string; peerAddress: string | undefined }> = [];
  before(async () => {
    server = createServer({ identity });
    server.add(TestServiceDefinition, {
      ...testServiceImpl,
      emptyCall: (_req, ctx) => {
        seen.push({ transport: ctx.transport, peerAddress: ctx.peerAddress });
        return {};
      },
    });
    expect(await server.listen("memory://conformance")).to.deep.equal({ host: "conformance", port: 0 });
    channel = createChannel("memory://conformance", { serverKey: identity.publicKey });
  });
  after(async () => {
    channel.close();
    await server.shutdown({ graceMs: 0 });
  });

  describe("conformance subset in memory", () => conformance(() => channel));

  it('a handler sees transport "memory" and no network address; the session is still authenticated', async () => {
    await createClient(TestServiceDefinition, channel).emptyCall({});
    expect(seen).to.deep.equal([{ transport: "memory", peerAddress: undefined }]);
    expect(channel.sessionInfo?.peerIdentity).to.deep.equal(identity.publicKey);
  });

  it("a name nobody listens on fails fast with UNAVAILABLE; a taken name cannot be listened on twice", async () => {
    const ch = createChannel("memory://nobody", { serverKey: identity.publicKey });
    try {
      expect((await failure(createClient(TestServiceDefinition, ch).emptyCall({}))).code).to.equal(Code.UNAVAILABLE);
    } finally {
      ch.close();
    }
    const other = createServer({ identity });
    expect((await failure(other.listen("memory://conformance"))).code).to.equal(Code.ALREADY_EXISTS);
  });

  it("a server that shuts down frees its name", async () => {
    const s = createServer({ identity });
    s.add(TestServiceDefinition, testServiceImpl);
    await s.listen("memory://short-lived");
    await s.shutdown({ graceMs: 0 });
    const again = createServer({ identity });
    again.add(TestServiceDefinition, testServiceImpl);
    await again.listen("memory://short-lived");
    const ch = createChannel("memory://short-lived", { serverKey: identity.publicKey });
    try {
      await createClient(TestServiceDefinition, ch).emptyCall({});
    } finally {
      ch.close();
      await again.shutdown({ graceMs: 0 });
    }
  });
});
