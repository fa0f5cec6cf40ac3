// Faults over real TCP: disconnects, a killed server, bad handlers, deadlines, limits, shutdown, interceptors.
import { expect } from "chai";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import * as net from "node:net";
import { SimpleRequest } from "../../generated/grpc/testing/messages.js";
import { TestServiceDefinition } from "../../generated/grpc/testing/test_xtmp.js";
import { BpciServiceDefinition } from "../../generated/bpci/v1/bpci_xtmp.js";
import { testServiceImpl } from "../../services/test-service.js";
import { FrameFlags } from "../../src/wire/frame-types.js";
import { Code, createChannel, createClient, createServer, generateIdentity, XtmpError, type Channel, type ServerContext } from "../../src/index.js";
import { failure, until, within } from "../helpers/calls.js";
import { rawCall } from "../helpers/raw-call.js";

const zeros = (n: number) => ({ type: 0, body: new Uint8Array(n) });
const random = (n: number) => ({ type: 0, body: new Uint8Array(randomBytes(n)) });

/** One UnaryCall request on a raw stream (no client deadline timer, no encoder). */
const rawUnary = (channel: Channel, message: Uint8Array, flags: number, headers: Array<[string, string]> = []) =>
  rawCall(channel, TestServiceDefinition.methods.unaryCall.path, message, flags, headers);


describe("rpc faults", function () {
  this.timeout(30_000);
  const serverId = generateIdentity();
  let observed: { signalFired: boolean; ctx?: ServerContext } = { signalFired: false };
  const server = createServer({ identity: serverId, maxRecvMessage: 1 << 20, onError: () => undefined });
  server.add(TestServiceDefinition, {
    ...testServiceImpl,
    emptyCall: () => {
      throw new Error("database password is hunter2");
    },
    async *streamingOutputCall(_req, ctx) {
      observed = { signalFired: false, ctx };
      ctx.signal.addEventListener("abort", () => (observed.signalFired = true));
      for (let i = 0; i < 1_000_000 && !ctx.signal.aborted; i++) {
        yield { payload: zeros(100) };
        await new Promise((r) => setTimeout(r, 1));
      }
    },
    unaryCall: async (req, ctx) => {
      if (req.responseSize === -1) {
        // never answers on its own: only the deadline ends it
        await new Promise<void>((r) => ctx.signal.addEventListener("abort", () => r(), { once: true }));
        observed = { signalFired: ctx.signal.aborted, ctx };
        return {};
      }
      return testServiceImpl.unaryCall(req, ctx);
    },
  });
  let address = "";
  before(async () => {
    address = `xtmp://127.0.0.1:${(await server.listen("xtmp://127.0.0.1:0")).port}`;
  });
  after(() => server.forceShutdown());

  it("a handler throwing a plain Error gives UNKNOWN without leaking its message or stack", async () => {
    const ch = createChannel(address);
    const e = await failure(createClient(TestServiceDefinition, ch).emptyCall({}));
    expect(e.code).to.equal(Code.UNKNOWN);
    expect(e.rawMessage).to.equal("unknown error");
    expect(e.message).to.not.match(/hunter2|at /);
    ch.close();
  });

  it("a handler that never answers is ended by the deadline on both sides", async () => {
    const ch = createChannel(address);
    const e = await within(failure(createClient(TestServiceDefinition, ch).unaryCall({ responseSize: -1 }, { deadline: 200 })), "the deadline ending the call");
    expect(e.code).to.equal(Code.DEADLINE_EXCEEDED);
    expect(await until(() => observed.signalFired && server.stats.activeCalls === 0)).to.equal(true);
    expect(observed.ctx?.signal.reason).to.be.instanceOf(XtmpError).with.property("code", Code.DEADLINE_EXCEEDED);
    // the server side alone: a stream carrying `:timeout` whose client never cancels it
    observed = { signalFired: false };
    const never = SimpleRequest.encode(SimpleRequest.fromPartial({ responseSize: -1 })).finish();
    const status = await within(rawUnary(ch, never, 0, [[":timeout", "200"]]), "the server's own deadline ending the call");
    expect(status.code).to.equal(Code.DEADLINE_EXCEEDED);
    expect(observed.signalFired).to.equal(true);
    ch.close();
    // the client side alone: a peer that accepts the connection and never says anything
    const silent = net.createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const mute = createChannel(`xtmp://127.0.0.1:${(silent.address() as net.AddressInfo).port}`);
    try {
      const e2 = await within(failure(createClient(TestServiceDefinition, mute).emptyCall({}, { deadline: 200 })), "the client's own deadline ending the call");
      expect(e2.code).to.equal(Code.DEADLINE_EXCEEDED);
    } finally {
      mute.close();
      silent.close();
    }
  });

  it("deadlines propagate to calls made from a handler that passes its context", async () => {
    const inner = createServer({ identity: generateIdentity() });
    let innerDeadline: number | undefined;
    inner.add(TestServiceDefinition, { emptyCall: (_r, ctx) => ((innerDeadline = ctx.deadline), {}) });
    const innerAddr = `xtmp://127.0.0.1:${(await inner.listen("127.0.0.1:0")).port}`;
    const innerChannel = createChannel(innerAddr);
    const innerClient = createClient(TestServiceDefinition, innerChannel);
    const outer = createServer({ identity: generateIdentity() });
    let outerDeadline: number | undefined;
    outer.add(TestServiceDefinition, {
      emptyCall: async (_r, ctx) => {
        outerDeadline = ctx.deadline;
        return innerClient.emptyCall({}, { parent: ctx, deadline: 60_000 });
      },
    });
    const outerAddr = `xtmp://127.0.0.1:${(await outer.listen("127.0.0.1:0")).port}`;
    const outerChannel = createChannel(outerAddr);
    try {
      const start = Date.now();
      await createClient(TestServiceDefinition, outerChannel).emptyCall({}, { deadline: 3000 });
      expect(outerDeadline).to.be.a("number");
      expect(innerDeadline).to.be.a("number");
      // the inner call carries the parent's deadline (3 s), not the 60 s it asked for: it is nearer
      // the outer deadline than any deadline 60 s after the call began
      const toParent = Math.abs((innerDeadline as number) - (outerDeadline as number));
      const toOwn = Math.abs((innerDeadline as number) - (start + 60_000));
      expect(toParent, `inner deadline ${innerDeadline}, outer ${outerDeadline}`).to.be.lessThan(toOwn);
    } finally {
      outerChannel.close();
      innerChannel.close();
      inner.forceShutdown();
      outer.forceShutdown();
    }
  });

  it("a client that disconnects mid-stream fires the handler's signal; no streams or calls leak", async () => {
    const ch = createChannel(address);
    const it = createClient(TestServiceDefinition, ch).streamingOutputCall({})[Symbol.asyncIterator]();
    await it.next();
    await it.next();
    expect(server.stats.activeCalls).to.equal(1);
    ch.close(); // drops the connection
    expect(await until(() => observed.signalFired)).to.equal(true);
    expect(await until(() => server.stats.activeCalls === 0 && server.stats.connections === 0)).to.equal(true);
    expect((await it.next().catch((e: XtmpError) => e)) as XtmpError).to.have.property("code", Code.UNAVAILABLE);
  });

  it("a client that stops reading (break) cancels the server side", async () => {
    const ch = createChannel(address);
    let n = 0;
    for await (const _ of createClient(TestServiceDefinition, ch).streamingOutputCall({})) if (++n === 3) break;
    expect(await until(() => observed.signalFired && server.stats.activeCalls === 0)).to.equal(true);
    const session = await ch.session();
    expect(await until(() => session.mux.stats.activeStreams === 0)).to.equal(true);
    ch.close();
  });

  it("messages over the receive limit fail with RESOURCE_EXHAUSTED; the session survives", async () => {
    const ch = createChannel(address, { compression: false });
    const c = createClient(TestServiceDefinition, ch);
    const e = await failure(c.unaryCall({ payload: random(2 << 20) }));
    expect(e.code).to.equal(Code.RESOURCE_EXHAUSTED);
    const small = createChannel(address, { maxRecvMessage: 1000 });
    const e2 = await failure(createClient(TestServiceDefinition, small).unaryCall({ responseSize: 5000 }));
    expect(e2.code).to.equal(Code.RESOURCE_EXHAUSTED);
    expect(await c.emptyCall({}).catch((x: XtmpError) => x.code)).to.equal(Code.UNKNOWN); // same session still serves
    ch.close();
    small.close();
  });

  it("a zstd bomb is refused before decompressing (declared size over the limit)", async () => {
    const ch = createChannel(address);
    // 3 MiB of zeros compress to a few hundred bytes: a bomb against the 1 MiB limit
    const e = await failure(createClient(TestServiceDefinition, ch).unaryCall({ payload: zeros(3 << 20) }, { compress: true }));
    expect(e.code).to.equal(Code.RESOURCE_EXHAUSTED);
    // A frame whose header declares 3 MiB and whose body is garbage: refused for its declared size
    // (RESOURCE_EXHAUSTED) only if the limit is checked before any decoding; decoding it first fails INTERNAL.
    const declared = 3 << 20;
    const header = [0x28, 0xb5, 0x2f, 0xfd, 0xc0, 0x38, declared & 0xff, (declared >>> 8) & 0xff, (declared >>> 16) & 0xff, declared >>> 24, 0, 0, 0, 0];
    const bomb = new Uint8Array([...header, ...randomBytes(64)]);
    const status = await within(rawUnary(ch, bomb, FrameFlags.COMPRESSED), "the server answering a declared-size bomb");
    expect(status.code, status.message).to.equal(Code.RESOURCE_EXHAUSTED);
    ch.close();
  });

  it("the wrong pinned server key fails calls with UNAUTHENTICATED", async () => {
    const ch = createChannel(address, { serverKey: generateIdentity().publicKey });
    const e = await failure(createClient(TestServiceDefinition, ch).emptyCall({}));
    expect(e.code).to.equal(Code.UNAUTHENTICATED);
    ch.close();
  });

  it("nothing listening: UNAVAILABLE at once", async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const ch = createChannel(`xtmp://127.0.0.1:${port}`);
    expect((await failure(createClient(TestServiceDefinition, ch).emptyCall({}))).code).to.equal(Code.UNAVAILABLE);
    ch.close();
  });

  it("client and server interceptors: auth header, rejection, and a metrics counter", async () => {
    const calls: string[] = [];
    const guarded = createServer({
      identity: generateIdentity(),
      interceptors: [
        (next) => (req) => {
          if (req.ctx.requestMetadata.get("authorization") !== "Bearer s3cret") throw new XtmpError(Code.UNAUTHENTICATED, "bad token");
          calls.push(req.method.path);
          return next(req);
        },
      ],
    });
    guarded.add(TestServiceDefinition, testServiceImpl);
    const addr = `xtmp://127.0.0.1:${(await guarded.listen("127.0.0.1:0")).port}`;
    const withToken = createChannel(addr, { interceptors: [(next) => (req) => (req.header.set("authorization", "Bearer s3cret"), next(req))] });
    expect(await createClient(TestServiceDefinition, withToken).emptyCall({})).to.deep.equal({});
    const e = await failure(createClient(TestServiceDefinition, createChannel(addr)).emptyCall({}));
    expect([e.code, e.rawMessage]).to.deep.equal([Code.UNAUTHENTICATED, "bad token"]);
    expect(calls).to.deep.equal(["/grpc.testing.TestService/EmptyCall"]);
    guarded.forceShutdown();
  });

  it("graceful shutdown: GOAWAY, in-flight calls finish, new calls are refused", async () => {
    const s = createServer({ identity: generateIdentity() });
    s.add(TestServiceDefinition, testServiceImpl);
    const addr = `xtmp://127.0.0.1:${(await s.listen("127.0.0.1:0")).port}`;
    const ch = createChannel(addr);
    const c = createClient(TestServiceDefinition, ch);
    await c.emptyCall({});
    const { mux } = await ch.session();
    const slow = (async () => {
      const sizes: number[] = [];
      for await (const r of c.streamingOutputCall({ responseParameters: [{ size: 10, intervalUs: 100_000 }, { size: 20, intervalUs: 100_000 }] })) sizes.push(r.payload?.body.length ?? 0);
      return sizes;
    })();
    expect(await until(() => s.stats.activeCalls === 1), "the streaming call reached the server").to.equal(true);
    const done = s.shutdown({ graceMs: 5000 });
    expect(await until(() => !mux.isAvailable), "the client received GOAWAY").to.equal(true);
    expect(mux.isClosed, "the session stays open for the call in flight").to.equal(false);
    const refused = await failure(c.emptyCall({}));
    expect(refused.code).to.equal(Code.UNAVAILABLE);
    expect(await slow).to.deep.equal([10, 20]);
    await done;
    expect(s.stats.connections).to.equal(0);
    ch.close();
  });

  it("a server killed mid-stream gives the client UNAVAILABLE when its connection closes", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "test/helpers/server-process.ts"], { stdio: ["pipe", "pipe", "inherit"] });
    try {
      const [line] = (await once(child.stdout, "data")) as [Buffer];
      const [, port] = /PORT (\d+)/.exec(line.toString()) ?? [];
      const ch = createChannel(`xtmp://127.0.0.1:${port}`);
      const bpci = createClient(BpciServiceDefinition, ch);
      const it = bpci.priceTicks({ symbols: ["A"] })[Symbol.asyncIterator]();
      await it.next();
      child.kill("SIGKILL");
      // no keepalive is configured: only the closed connection can end the stream
      const drain = (async () => {
        for (;;) if ((await it.next()).done) return;
      })();
      const err = await within(drain.then(() => undefined, (e: unknown) => e), "the stream ending after the kill");
      expect(err).to.be.instanceOf(XtmpError);
      expect((err as XtmpError).code).to.equal(Code.UNAVAILABLE);
      expect(ch.state).to.not.equal("ready");
      ch.close();
    } finally {
      child.kill("SIGKILL");
    }
  });
});
