// Liveness of ordinary calls at the mux's limits: calls queued for the peer's MAX_CONCURRENT_STREAMS, the bounded queue, a peer without SETTINGS.
import { expect } from "chai";
import { TestServiceDefinition } from "../../generated/grpc/testing/test_xtmp.js";
import { Code, createChannel, createClient, createServer, generateIdentity, type Server, type ServerOptions } from "../../src/index.js";
import { MuxSession } from "../../src/mux/session.js";
import type { StreamHandler } from "../../src/mux/stream.js";
import { decodeHeaderBlock, encodeHeaderBlock, pseudoText } from "../../src/rpc/header-block.js";
import { FrameFlags, FrameType } from "../../src/wire/frame-types.js";
import { failure, until } from "../helpers/calls.js";
import { framePair } from "../helpers/frame-pair.js";
import { rawSession } from "../helpers/raw-session.js";
import { randomBytes } from "node:crypto";

/** A TestService whose UnaryCall echoes the request payload after `gate` opens; counts running handlers. */
function gated() {
  const state = { running: 0, open: () => {} };
  const gate = new Promise<void>((r) => (state.open = r));
  const impl = {
    async unaryCall(req: { payload?: { body: Uint8Array } }) {
      state.running++;
      try {
        await gate;
        return { payload: { type: 0, body: req.payload?.body ?? new Uint8Array(0) }, username: "", oauthScope: "", hostname: "" };
      } finally {
        state.running--;
      }
    },
  };
  return { state, impl };
}

async function start(opts: Partial<ServerOptions>, impl: object) {
  const identity = generateIdentity();
  const server = createServer({ identity, datagram: false, ...opts });
  server.add(TestServiceDefinition, impl as never);
  const { port } = await server.listen("xtmp://127.0.0.1:0");
  return { server, url: `xtmp://127.0.0.1:${port}`, port, key: identity.publicKey };
}

const noop: StreamHandler = { onHeaders() {}, onMessage() {}, onEnd() {}, onTrailers() {}, onReset() {}, onDrain() {} };

describe("mux liveness at the limits", function () {
  this.timeout(20_000);
  let server: Server | undefined;
  afterEach(() => server?.forceShutdown());

  it("calls beyond the server's MAX_CONCURRENT_STREAMS wait for a slot, then deliver their (non-empty) requests and complete", async () => {
    const g = gated();
    const s = await start({ maxConcurrentStreams: 2 }, g.impl);
    server = s.server;
    const channel = createChannel(s.url, { serverKey: s.key, datagram: false });
    try {
      // the server's SETTINGS (limit 2) are known once a PING round trip has completed
      await (await channel.session()).mux.ping();
      const client = createClient(TestServiceDefinition, channel);
      const bodies = Array.from({ length: 5 }, () => randomBytes(3000));
      const calls = bodies.map((body) => client.unaryCall({ payload: { type: 0, body } }, { deadline: 15_000 }));
      const mux = (await channel.session()).mux;
      expect(await until(() => g.state.running === 2 && mux.stats.queuedStreams === 3)).to.equal(true);
      g.state.open();
      const results = await Promise.all(calls);
      results.forEach((r, i) => expect(Buffer.from(r.payload?.body ?? []).equals(bodies[i] as Buffer), `call ${i}`).to.equal(true));
      expect(mux.stats).to.include({ activeStreams: 0, queuedStreams: 0 });
      expect(s.server.stats.activeCalls).to.equal(0);
    } finally {
      channel.close();
    }
  });

  it("a queued stream is activated in order and its sender is woken (onDrain) once its queued message went out", async () => {
    const [a, b] = framePair();
    const opened: number[] = [];
    const srv = new MuxSession(b, { isClient: false, settings: { maxConcurrentStreams: 1 }, onStream: (st) => (opened.push(st.id), st.setHandler(noop)) });
    const cli = new MuxSession(a, { isClient: true });
    await cli.ping(); // the server's SETTINGS (limit 1) arrived
    const first = cli.openStream(encodeHeaderBlock([[":path", "/s/m"]]), noop);
    let drained = 0;
    const second = cli.openStream(encodeHeaderBlock([[":path", "/s/m"]]), { ...noop, onDrain: () => drained++ });
    expect(second.id).to.equal(0);
    expect(second.sendMessage(randomBytes(100), 0)).to.equal(false); // queued: the sender must wait for onDrain
    first.reset(Code.CANCELLED, "done");
    expect(second.id).to.equal(3);
    expect(drained).to.equal(1);
    expect(a.sent.filter((f) => f.type === FrameType.DATA && f.streamId === 3 && f.flags & FrameFlags.END_MESSAGE)).to.have.length(1);
    expect(await until(() => opened.length === 2)).to.equal(true);
    cli.close();
    srv.close();
  });

  it("bounds the calls queued for a peer that allows no streams (MAX_CONCURRENT_STREAMS 0): more fail RESOURCE_EXHAUSTED at once", async () => {
    const s = await start({ maxConcurrentStreams: 0 }, gated().impl);
    server = s.server;
    const channel = createChannel(s.url, { serverKey: s.key, datagram: false, maxQueuedStreams: 2 });
    try {
      const mux = (await channel.session()).mux;
      await mux.ping();
      const client = createClient(TestServiceDefinition, channel);
      const queued = [0, 1].map(() => failure(client.unaryCall({ payload: { type: 0, body: randomBytes(10) } }, { deadline: 15_000 })));
      expect(await until(() => mux.stats.queuedStreams === 2)).to.equal(true);
      const refused = await failure(client.unaryCall({ payload: { type: 0, body: randomBytes(10) } }, { deadline: 15_000 }));
      expect(refused.code).to.equal(Code.RESOURCE_EXHAUSTED);
      expect(refused.rawMessage).to.match(/maxQueuedStreams/);
      expect(mux.stats).to.include({ queuedStreams: 2, queueRefusals: 1, activeStreams: 0 });
      channel.close();
      for (const e of await Promise.all(queued)) expect(e.code).to.equal(Code.UNAVAILABLE);
    } finally {
      channel.close();
    }
  });

  it("the mux refuses the stream beyond maxQueuedStreams without creating it", async () => {
    const [a, b] = framePair();
    const srv = new MuxSession(b, { isClient: false, settings: { maxConcurrentStreams: 0 }, onStream: (st) => st.setHandler(noop) });
    const cli = new MuxSession(a, { isClient: true, maxQueuedStreams: 3 });
    await cli.ping();
    for (let i = 0; i < 3; i++) cli.openStream(encodeHeaderBlock([[":path", "/s/m"]]), noop);
    expect(() => cli.openStream(encodeHeaderBlock([[":path", "/s/m"]]), noop)).to.throw(/maxQueuedStreams/).with.property("code", Code.RESOURCE_EXHAUSTED);
    expect(cli.stats).to.include({ queuedStreams: 3, queueRefusals: 1, activeStreams: 0 });
    expect(a.sent.filter((f) => f.type === FrameType.OPEN)).to.have.length(0);
    cli.close();
    srv.close();
  });

  it("a client that never sends SETTINGS is served under the default settings", async () => {
    const s = await start({}, { unaryCall: () => ({ payload: { type: 0, body: new Uint8Array(7) }, username: "", oauthScope: "", hostname: "" }) });
    server = s.server;
    const raw = await rawSession(s.port, s.key, false);
    raw.send(FrameType.OPEN, 0, 1, encodeHeaderBlock([[":path", "/grpc.testing.TestService/UnaryCall"]]));
    raw.send(FrameType.DATA, FrameFlags.END_MESSAGE, 1, new Uint8Array(0));
    raw.send(FrameType.DATA, FrameFlags.END_STREAM, 1, new Uint8Array(0));
    expect(await until(() => raw.frames.some((f) => f.type === FrameType.TRAILERS && f.streamId === 1))).to.equal(true);
    const trailers = raw.frames.find((f) => f.type === FrameType.TRAILERS) as { payload: Uint8Array };
    expect(pseudoText(decodeHeaderBlock(trailers.payload), ":status")).to.equal("0");
    expect(raw.frames.some((f) => f.type === FrameType.DATA && f.streamId === 1 && f.payload.length > 0)).to.equal(true);
    expect(raw.isClosed()).to.equal(false);
    raw.session.close();
  });
});
