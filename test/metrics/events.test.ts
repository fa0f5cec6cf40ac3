// The structured event hook: sessions opened and closed, handshakes failed (with reason), GOAWAY sent and received, on both ends.
import { expect } from "chai";
import { TestServiceDefinition } from "../../generated/grpc/testing/test_xtmp.js";
import { testServiceImpl } from "../../services/test-service.js";
import { Code, createChannel, createClient, createServer, generateIdentity, type XtmpEvent } from "../../src/index.js";
import { failure, until } from "../helpers/calls.js";

describe("events", function () {
  this.timeout(20_000);
  const identity = generateIdentity();

  it("a session's life is reported to both hooks: opened (peer, transport, identity, cipher), GOAWAY sent/received on shutdown, closed", async () => {
    const serverEvents: XtmpEvent[] = [];
    const clientEvents: XtmpEvent[] = [];
    const server = createServer({ identity, onEvent: (e) => serverEvents.push(e) });
    server.add(TestServiceDefinition, testServiceImpl);
    const { port } = await server.listen("xtmp://127.0.0.1:0");
    const clientIdentity = generateIdentity();
    const channel = createChannel(`xtmp://127.0.0.1:${port}`, { identity: clientIdentity, serverKey: identity.publicKey, datagram: false, onEvent: (e) => clientEvents.push(e) });
    try {
      await createClient(TestServiceDefinition, channel).emptyCall({});
      await server.shutdown({ graceMs: 1_000 });
      expect(await until(() => clientEvents.some((e) => e.type === "session_closed"))).to.equal(true);

      expect(serverEvents.map((e) => e.type)).to.deep.equal(["session_opened", "goaway_sent", "session_closed"]);
      const opened = serverEvents[0];
      expect(opened).to.include({ side: "server", transport: "tcp", cipher: "AESGCM" });
      expect(opened?.type === "session_opened" && opened.peerIdentity).to.deep.equal(clientIdentity.publicKey);
      expect(opened?.peerAddress).to.match(/^127\.0\.0\.1:\d+$/);
      expect(serverEvents[1]).to.include({ reason: "server is shutting down" });
      expect(serverEvents[2]).to.include({ code: "OK" });

      expect(clientEvents.map((e) => e.type)).to.deep.equal(["session_opened", "goaway_received", "session_closed"]);
      expect(clientEvents[0]).to.include({ side: "client", transport: "tcp", peerAddress: `xtmp://127.0.0.1:${port}` });
      expect(clientEvents[0]?.type === "session_opened" && clientEvents[0].peerIdentity).to.deep.equal(identity.publicKey);
      expect(clientEvents[1]).to.include({ reason: "server is shutting down" });
    } finally {
      channel.close();
      server.forceShutdown();
    }
  });

  it("a handshake with the wrong server key is reported as handshake_failed with reason auth on both ends; a throwing hook is counted, not propagated", async () => {
    const serverEvents: XtmpEvent[] = [];
    const server = createServer({ identity, onEvent: (e) => serverEvents.push(e) });
    server.add(TestServiceDefinition, testServiceImpl);
    const { port } = await server.listen("xtmp://127.0.0.1:0");
    const clientEvents: XtmpEvent[] = [];
    const channel = createChannel(`xtmp://127.0.0.1:${port}`, {
      serverKey: generateIdentity().publicKey,
      datagram: false,
      onEvent: (e) => {
        clientEvents.push(e);
        throw new Error("a broken logger");
      },
    });
    try {
      expect((await failure(createClient(TestServiceDefinition, channel).emptyCall({}))).code).to.equal(Code.UNAUTHENTICATED);
      expect(clientEvents.map((e) => [e.type, e.type === "handshake_failed" ? e.reason : ""])).to.deep.equal([["handshake_failed", "auth"]]);
      expect(channel.hookErrors).to.equal(1);
      expect(await until(() => serverEvents.length > 0)).to.equal(true);
      expect(serverEvents.map((e) => [e.type, e.type === "handshake_failed" ? e.reason : ""])).to.deep.equal([["handshake_failed", "auth"]]);
    } finally {
      channel.close();
      await server.shutdown({ graceMs: 0 });
    }
  });
});
