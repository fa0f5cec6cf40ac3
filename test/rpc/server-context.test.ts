// ServerContext on every transport: method, transport, peer address and identity, deadline, request metadata, and per-call values set by an interceptor.
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { BpciServiceDefinition } from "../../generated/bpci/v1/bpci_xtmp.js";
import { TestServiceDefinition } from "../../generated/grpc/testing/test_xtmp.js";
import { bpciDemoImpl } from "../../services/bpci-demo.js";
import { testServiceImpl } from "../../services/test-service.js";
import { createChannel, createClient, createContextKey, createServer, generateIdentity, Metadata, type Channel, type ServerContext, type ServerInterceptor } from "../../src/index.js";
import { grpcClient, unary } from "../bridge/grpc-client.js";
import { until } from "../helpers/calls.js";

interface Seen {
  method: string;
  transport: string;
  peerAddress: string | undefined;
  peerIdentity: Uint8Array | undefined;
  hasDeadline: boolean;
  tenant: string | undefined;
  caller: string;
}

describe("ServerContext on each transport", function () {
  this.timeout(20_000);
  const identity = generateIdentity();
  const clientIdentity = generateIdentity();
  const CALLER = createContextKey("anonymous", { description: "caller" });
  const seen: Seen[] = [];
  // an interceptor passes data to the handler through ctx.values
  const tagCaller: ServerInterceptor = (next) => (req) => {
    req.ctx.values.set(CALLER, `caller-of-${req.ctx.transport}`);
    return next(req);
  };
  const record = (ctx: ServerContext) =>
    seen.push({
      method: ctx.method,
      transport: ctx.transport,
      peerAddress: ctx.peerAddress,
      peerIdentity: ctx.peerIdentity,
      hasDeadline: ctx.deadline !== undefined,
      tenant: ctx.requestMetadata.get("tenant") as string | undefined,
      caller: ctx.values.get(CALLER),
    });
  const server = createServer({ identity, interceptors: [tagCaller] });
  server.add(TestServiceDefinition, { ...testServiceImpl, emptyCall: (_req, ctx) => (record(ctx), {}) });
  server.add(BpciServiceDefinition, {
    ...bpciDemoImpl(),
    async *priceTicks(_req, ctx) {
      record(ctx);
      yield { symbol: "X", priceE8: 1n, seq: 1n };
    },
  });
  const dir = mkdtempSync(join(tmpdir(), "xtmp-ctx-"));
  const channels: Channel[] = [];
  let grpcTarget = "";
  const targets: Record<string, string> = {};
  before(async () => {
    targets.tcp = `xtmp://127.0.0.1:${(await server.listen("xtmp://127.0.0.1:0")).port}`;
    targets.ws = `ws://127.0.0.1:${(await server.listen("ws://127.0.0.1:0/xtmp")).port}/xtmp`;
    await server.listen(`unix://${join(dir, "s.sock")}`);
    targets.unix = `unix://${join(dir, "s.sock")}`;
    await server.listen("memory://ctx-test");
    targets.memory = "memory://ctx-test";
    grpcTarget = `127.0.0.1:${(await server.listen("grpc://127.0.0.1:0")).port}`;
  });
  after(async () => {
    for (const c of channels) c.close();
    await server.shutdown({ graceMs: 0 });
    rmSync(dir, { recursive: true, force: true });
  });
  const channel = (target: string, datagram = false) => {
    const c = createChannel(target, { identity: clientIdentity, serverKey: identity.publicKey, datagram });
    channels.push(c);
    return c;
  };
  const call = { metadata: new Metadata({ tenant: "acme" }), deadline: 10_000 };

  for (const transport of ["tcp", "ws", "unix", "memory"] as const) {
    it(`${transport}: the handler sees the method, transport, the client's identity, its address, deadline, metadata and the interceptor's value`, async () => {
      seen.length = 0;
      await createClient(TestServiceDefinition, channel(targets[transport] as string)).emptyCall({}, call);
      const s = seen[0] as Seen;
      expect(s).to.include({ method: "/grpc.testing.TestService/EmptyCall", transport, hasDeadline: true, tenant: "acme", caller: `caller-of-${transport}` });
      expect(s.peerIdentity).to.deep.equal(clientIdentity.publicKey);
      if (transport === "tcp" || transport === "ws") expect(s.peerAddress).to.match(/^127\.0\.0\.1:\d+$/);
      else expect(s.peerAddress).to.equal(undefined);
    });
  }

  it("udp: a DATAGRAM call's context says udp", async () => {
    seen.length = 0;
    const c = channel(targets.tcp as string, true);
    await c.connect();
    expect(await until(() => c.datagramPath === "udp")).to.equal(true);
    const stats = { udp: false, received: 0, lost: 0, reordered: 0 };
    for await (const _ of createClient(BpciServiceDefinition, c).priceTicks({ symbols: ["X"] }, { ...call, datagramStats: stats })) void _;
    expect(stats.udp).to.equal(true);
    expect(seen[0]).to.include({ method: "/bpci.v1.BpciService/PriceTicks", transport: "udp", hasDeadline: true, tenant: "acme", caller: "caller-of-udp" });
    expect(seen[0]?.peerIdentity).to.deep.equal(clientIdentity.publicKey);
  });

  it("grpc: a call through the bridge has no identity, the caller's address, the grpc-timeout deadline and the interceptor's value", async () => {
    seen.length = 0;
    const c = grpcClient(TestServiceDefinition, grpcTarget);
    try {
      const md = new grpc.Metadata();
      md.set("tenant", "acme");
      await unary(c, "EmptyCall", {}, md, { deadline: Date.now() + 10_000 });
    } finally {
      c.close();
    }
    expect(seen[0]).to.include({ method: "/grpc.testing.TestService/EmptyCall", transport: "grpc", hasDeadline: true, tenant: "acme", caller: "caller-of-grpc", peerIdentity: undefined });
    expect(seen[0]?.peerAddress).to.match(/^127\.0\.0\.1:\d+$/);
  });

  it("values are per call: a key nobody set reads its default, and one call's value never leaks into the next", async () => {
    const OTHER = createContextKey<number>(7);
    const results: Array<[number, string]> = [];
    const s = createServer({ identity });
    s.add(TestServiceDefinition, {
      ...testServiceImpl,
      emptyCall: (_req, ctx) => {
        results.push([ctx.values.get(OTHER), ctx.values.get(CALLER)]);
        ctx.values.set(OTHER, 99).set(CALLER, "set by the handler");
        return {};
      },
    });
    await s.listen("memory://ctx-values");
    try {
      const client = createClient(TestServiceDefinition, channel("memory://ctx-values"));
      await client.emptyCall({});
      await client.emptyCall({});
      expect(results).to.deep.equal([[7, "anonymous"], [7, "anonymous"]]);
    } finally {
      await s.shutdown({ graceMs: 0 });
    }
  });
});
