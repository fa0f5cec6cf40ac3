// XTMP over WebSocket: the conformance subset, attaching to a user's HTTP server, TCP fallback, cuts.
import { expect } from "chai";
import { createServer as createHttpServer } from "node:http";
import * as net from "node:net";
import { TestServiceDefinition } from "../../generated/grpc/testing/test_xtmp.js";
import { BpciServiceDefinition } from "../../generated/bpci/v1/bpci_xtmp.js";
import { bpciDemoImpl } from "../../services/bpci-demo.js";
import { testServiceImpl } from "../../services/test-service.js";
import { Code, createChannel, createClient, createServer, generateIdentity, XtmpError, type Channel } from "../../src/index.js";
import { conformance } from "./conformance.js";
import { within } from "../helpers/calls.js";

describe("XTMP over WebSocket", function () {
  this.timeout(20_000);
  const id = generateIdentity();
  const server = createServer({ identity: id });
  server.add(TestServiceDefinition, testServiceImpl).add(BpciServiceDefinition, bpciDemoImpl());
  let url = "";
  const channels: Channel[] = [];
  const channel = (u = url, opts = {}) => {
    const ch = createChannel(u, { serverKey: id.publicKey, ...opts });
    channels.push(ch);
    return ch;
  };
  before(async () => {
    const { port } = await server.listen("ws://127.0.0.1:0/xtmp");
    url = `ws://127.0.0.1:${port}/xtmp`;
  });
  after(() => {
    for (const c of channels) c.close();
    server.forceShutdown();
  });

  describe("conformance subset", () => conformance(() => channel()));

  it("runs the same encrypted session inside the WebSocket (IK, peer identity proven)", async () => {
    const ch = channel();
    await createClient(TestServiceDefinition, ch).emptyCall({});
    expect(ch.sessionInfo?.mode).to.equal("IK");
    expect(ch.sessionInfo?.peerIdentity).to.deep.equal(id.publicKey);
  });

  it("attaches to an HTTP server the user owns, leaving its other routes alone", async () => {
    const http = createHttpServer((_req, res) => res.end("hello"));
    const s = createServer({ identity: id }).add(TestServiceDefinition, testServiceImpl).attach(http, { path: "/rpc" });
    await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
    const port = (http.address() as net.AddressInfo).port;
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).to.equal("hello");
    expect(await createClient(TestServiceDefinition, channel(`ws://127.0.0.1:${port}/rpc`)).emptyCall({})).to.deep.equal({});
    s.forceShutdown();
    http.close();
    http.closeAllConnections();
  });

  it("falls back to WebSocket when the TCP port cannot be reached", async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const dead = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const ch = channel(`xtmp://127.0.0.1:${dead}`, { fallback: url });
    expect(await createClient(TestServiceDefinition, ch).emptyCall({})).to.deep.equal({});
    expect(ch.onFallback).to.equal(true);
  });

  it("a connection cut mid-stream gives UNAVAILABLE when the WebSocket closes", async () => {
    const s = createServer({ identity: id }).add(BpciServiceDefinition, bpciDemoImpl());
    const { port } = await s.listen("ws://127.0.0.1:0/x");
    // a TCP proxy whose sockets the test destroys: the connection dies without any CLOSE from the server
    const sockets = new Set<net.Socket>();
    const proxy = net.createServer((down) => {
      const up = net.connect(port, "127.0.0.1");
      for (const [a, b] of [[down, up], [up, down]] as const) {
        sockets.add(a);
        a.on("data", (d) => b.write(d));
        a.on("error", () => b.destroy());
        a.on("close", () => b.destroy());
      }
    });
    await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
    const ch = channel(`ws://127.0.0.1:${(proxy.address() as net.AddressInfo).port}/x`);
    const it = createClient(BpciServiceDefinition, ch).priceTicks({ symbols: ["A"] })[Symbol.asyncIterator]();
    await it.next();
    proxy.close();
    for (const sock of sockets) sock.destroy();
    // no keepalive is configured: only the closed connection can end the stream
    const drain = (async () => {
      for (;;) if ((await it.next()).done) return;
    })();
    const err = await within(drain.then(() => undefined, (e: unknown) => e), "the stream ending after the cut");
    expect(err).to.be.instanceOf(XtmpError);
    expect((err as XtmpError).code).to.equal(Code.UNAVAILABLE);
    s.forceShutdown();
  });
});
