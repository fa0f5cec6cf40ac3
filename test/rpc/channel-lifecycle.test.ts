// Session turnover and orderly ends: stream-id exhaustion, graceful channel close, graceful server shutdown (CLOSE NO_ERROR).
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { TestServiceDefinition } from "../../generated/grpc/testing/test_xtmp.js";
import { Code, createChannel, createClient, createServer, generateIdentity, type Server } from "../../src/index.js";
import { MuxSession, STREAM_ID_RESERVE } from "../../src/mux/session.js";
import type { StreamHandler } from "../../src/mux/stream.js";
import { encodeHeaderBlock } from "../../src/rpc/header-block.js";
import { MAX_STREAM_ID } from "../../src/wire/frame.js";
import { FrameType } from "../../src/wire/frame-types.js";
import { failure, until } from "../helpers/calls.js";
import { framePair } from "../helpers/frame-pair.js";
import { rawSession } from "../helpers/raw-session.js";

const noop: StreamHandler = { onHeaders() {}, onMessage() {}, onEnd() {}, onTrailers() {}, onReset() {}, onDrain() {} };

/** UnaryCall echoing the request body; with `held`, each call waits until `release()`. */
function service() {
  const state = { running: 0, release: () => {}, held: false };
  let gate = Promise.resolve();
  const impl = {
    async unaryCall(req: { payload?: { body: Uint8Array } }) {
      state.running++;
      try {
        if (state.held) await gate;
        return { payload: { type: 0, body: req.payload?.body ?? new Uint8Array(0) }, username: "", oauthScope: "", hostname: "" };
      } finally {
        state.running--;
      }
    },
  };
  const hold = () => {
    state.held = true;
    gate = new Promise<void>((r) => (state.release = r));
  };
  return { state, impl, hold };
}

async function start() {
  const identity = generateIdentity();
  const svc = service();
  const server = createServer({ identity, datagram: false });
  server.add(TestServiceDefinition, svc.impl as never);
  const { port } = await server.listen("xtmp://127.0.0.1:0");
  return { server, svc, port, key: identity.publicKey, url: `xtmp://127.0.0.1:${port}` };
}

describe("channel and session lifecycle", function () {
  this.timeout(20_000);
  let server: Server | undefined;
  afterEach(() => server?.forceShutdown());

  it("crossing the end of the stream-id space: the channel moves to a new session, every call succeeds, used-up sessions close NO_ERROR", async () => {
    const s = await start();
    server = s.server;
    // every session of this channel starts 40 ids before the reserve: it stops being offered after
    // 40 calls (and must never run out); 120 calls use up three sessions
    const channel = createChannel(s.url, { serverKey: s.key, datagram: false, firstStreamId: MAX_STREAM_ID - 2 * (STREAM_ID_RESERVE + 40 - 1) });
    try {
      const client = createClient(TestServiceDefinition, channel);
      const first = (await channel.session()).mux;
      for (let round = 0; round < 6; round++) {
        const bodies = Array.from({ length: 20 }, () => randomBytes(64));
        const results = await Promise.all(bodies.map((body) => client.unaryCall({ payload: { type: 0, body } }, { deadline: 10_000 })));
        results.forEach((r, i) => expect(Buffer.from(r.payload?.body ?? []).equals(bodies[i] as Buffer)).to.equal(true));
        expect(channel.state).to.be.oneOf(["ready", "idle"]);
      }
      expect(first.isClosed).to.equal(true);
      expect(first.stats.streamsOpened).to.be.within(40, 40 + STREAM_ID_RESERVE);
      const current = (await channel.session()).mux;
      expect(current).to.not.equal(first);
      expect(current.stats.activeStreams).to.equal(0);
      expect(channel.state).to.equal("ready");
      expect(await until(() => s.server.stats.connections === 1)).to.equal(true);
      expect(await until(() => s.server.stats.sessionsClosed.OK === 3)).to.equal(true);
      expect(s.server.stats.sessionsClosed).to.deep.equal({ OK: 3 });
      expect(s.server.stats.activeCalls).to.equal(0);
    } finally {
      channel.close();
    }
  });

  it("the mux never assigns an id beyond 2^31-1: the last ids go to streams already promised them, then it refuses UNAVAILABLE and closes when done", async () => {
    const [a, b] = framePair();
    const srv = new MuxSession(b, { isClient: false, onStream: (st) => st.setHandler(noop) });
    const cli = new MuxSession(a, { isClient: true, firstStreamId: MAX_STREAM_ID - 4 });
    expect(cli.isAvailable).to.equal(false); // fewer ids than the reserve: owners should open a new session
    const streams = [0, 1, 2].map(() => cli.openStream(encodeHeaderBlock([[":path", "/s/m"]]), noop));
    expect(streams.map((s) => s.id)).to.deep.equal([MAX_STREAM_ID - 4, MAX_STREAM_ID - 2, MAX_STREAM_ID]);
    expect(() => cli.openStream(encodeHeaderBlock([[":path", "/s/m"]]), noop)).to.throw(/no stream ids left/).with.property("code", Code.UNAVAILABLE);
    expect(cli.isClosed).to.equal(false);
    for (const s of streams) s.reset(Code.CANCELLED, "done");
    expect(cli.isClosed).to.equal(true);
    expect(a.closedWith).to.equal(undefined); // orderly: CLOSE NO_ERROR
    srv.close();
  });

  it("close({ graceMs }) lets calls in flight finish, fails new calls UNAVAILABLE at once, then closes with NO_ERROR", async () => {
    const s = await start();
    server = s.server;
    s.svc.hold();
    const channel = createChannel(s.url, { serverKey: s.key, datagram: false });
    const client = createClient(TestServiceDefinition, channel);
    const bodies = [randomBytes(100), randomBytes(100)];
    const inFlight = bodies.map((body) => client.unaryCall({ payload: { type: 0, body } }, { deadline: 10_000 }));
    expect(await until(() => s.svc.state.running === 2)).to.equal(true);
    const closing = channel.close({ graceMs: 10_000 });
    expect(channel.state).to.equal("closed");
    const late = await failure(client.unaryCall({}, { deadline: 10_000 }));
    expect(late.code).to.equal(Code.UNAVAILABLE);
    expect(s.svc.state.running).to.equal(2);
    s.svc.state.release();
    const results = await Promise.all(inFlight);
    results.forEach((r, i) => expect(Buffer.from(r.payload?.body ?? []).equals(bodies[i] as Buffer)).to.equal(true));
    await closing;
    expect(await until(() => s.server.stats.connections === 0)).to.equal(true);
    expect(s.server.stats.sessionsClosed).to.deep.equal({ OK: 1 });
  });

  it("close({ graceMs }) fails the calls still running when the grace period ends with UNAVAILABLE", async () => {
    const s = await start();
    server = s.server;
    s.svc.hold();
    const channel = createChannel(s.url, { serverKey: s.key, datagram: false });
    const client = createClient(TestServiceDefinition, channel);
    const call = failure(client.unaryCall({}, { deadline: 15_000 }));
    expect(await until(() => s.svc.state.running === 1)).to.equal(true);
    await channel.close({ graceMs: 50 });
    const err = await call;
    expect(err.code).to.equal(Code.UNAVAILABLE);
    expect(err.rawMessage).to.match(/grace period/);
    s.svc.state.release();
  });

  it("close() without options still fails calls in flight at once", async () => {
    const s = await start();
    server = s.server;
    s.svc.hold();
    const channel = createChannel(s.url, { serverKey: s.key, datagram: false });
    const call = failure(createClient(TestServiceDefinition, channel).unaryCall({}, { deadline: 15_000 }));
    expect(await until(() => s.svc.state.running === 1)).to.equal(true);
    channel.close();
    expect((await call).code).to.equal(Code.UNAVAILABLE);
    s.svc.state.release();
  });

  it("a gracefully shutting-down server lets the open call finish, then closes its sessions with CLOSE NO_ERROR", async () => {
    const s = await start();
    server = s.server;
    s.svc.hold();
    const channel = createChannel(s.url, { serverKey: s.key, datagram: false });
    const raw = await rawSession(s.port, s.key);
    try {
      const body = randomBytes(100);
      const call = createClient(TestServiceDefinition, channel).unaryCall({ payload: { type: 0, body } }, { deadline: 10_000 });
      expect(await until(() => s.svc.state.running === 1 && s.server.stats.connections === 2)).to.equal(true);
      const done = s.server.shutdown({ graceMs: 10_000 });
      // the raw session has no stream: GOAWAY, then an orderly CLOSE (no error) right away
      expect(await raw.closed).to.equal(undefined);
      expect(raw.frames.some((f) => f.type === FrameType.GOAWAY)).to.equal(true);
      s.svc.state.release();
      expect(Buffer.from((await call).payload?.body ?? []).equals(body)).to.equal(true);
      await done;
      expect(s.server.stats.sessionsClosed).to.deep.equal({ OK: 2 });
    } finally {
      channel.close();
    }
  });
});
