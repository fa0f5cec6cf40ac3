// Hostile peers against a real server's multiplexer: rapid reset, control-frame floods, free messages, idle limits, hooks.
import { expect } from "chai";
import { createConnection } from "node:net";
import { TestServiceDefinition } from "../../generated/grpc/testing/test_xtmp.js";
import { Code, createChannel, createClient, createServer, generateIdentity, XtmpError, type Server, type ServerOptions } from "../../src/index.js";
import { decodeGoAway } from "../../src/mux/control.js";
import { encodeReset } from "../../src/mux/control.js";
import { FrameFlags, FrameType } from "../../src/wire/frame-types.js";
import { rawSession } from "../helpers/raw-session.js";
import { nodeCrypto } from "../../src/secure/crypto-node.js";
import { failure, until } from "../helpers/calls.js";

const DUPLEX = "/grpc.testing.TestService/FullDuplexCall";

/** A TestService whose FullDuplexCall counts invocations and waits for `gate` before ending. */
function gatedService() {
  const state = { invocations: 0, running: 0, open: undefined as (() => void) | undefined };
  let gate = new Promise<void>((r) => (state.open = r));
  const impl = {
    async *fullDuplexCall(): AsyncGenerator<never> {
      state.invocations++;
      state.running++;
      try {
        await gate;
      } finally {
        state.running--;
      }
    },
    async unaryCall() {
      return { payload: { type: 0, body: new Uint8Array(4) }, username: "", oauthScope: "", hostname: "" };
    },
  };
  return { state, impl, reopen: () => (gate = new Promise<void>((r) => (state.open = r))) };
}

async function start(opts: Partial<ServerOptions> = {}) {
  const identity = generateIdentity();
  const svc = gatedService();
  const server = createServer({ identity, ...opts });
  server.add(TestServiceDefinition, svc.impl as never);
  const { port } = await server.listen("xtmp://127.0.0.1:0");
  return { server, port, key: identity.publicKey, svc };
}

async function legitimateCallWorks(port: number, key: Uint8Array): Promise<void> {
  const channel = createChannel(`xtmp://127.0.0.1:${port}`, { serverKey: key, datagram: false });
  try {
    const r = await createClient(TestServiceDefinition, channel).unaryCall({ responseSize: 4 }, { deadline: 5_000 });
    expect(r.payload?.body.length).to.equal(4);
  } finally {
    channel.close();
  }
}

describe("hostile peers against the multiplexer", function () {
  this.timeout(20_000);
  let server: Server | undefined;
  afterEach(() => server?.forceShutdown());

  it("rapid reset: OPEN immediately followed by RESET never reaches a handler, and the session is closed once it exceeds its reset budget", async () => {
    const s = await start({ maxResetsPerSecond: 100 });
    server = s.server;
    const raw = await rawSession(s.port, s.key);
    for (let i = 0; i < 2000; i++) {
      const id = 2 * i + 1;
      raw.open(id, DUPLEX);
      raw.send(FrameType.RESET, 0, id, encodeReset(Code.CANCELLED, ""));
    }
    const err = await raw.closed;
    expect(err?.code).to.equal(Code.RESOURCE_EXHAUSTED);
    expect(err?.rawMessage).to.match(/too many stream resets/);
    expect(s.svc.state.invocations).to.equal(0);
    await legitimateCallWorks(s.port, s.key);
    expect(s.server.stats.sessionsClosed.RESOURCE_EXHAUSTED).to.equal(1);
  });

  it("a reset stream keeps its concurrency slot until its handler has finished", async () => {
    const s = await start({ maxConcurrentStreams: 4 });
    server = s.server;
    const raw = await rawSession(s.port, s.key);
    for (let i = 0; i < 4; i++) raw.open(2 * i + 1, DUPLEX);
    expect(await until(() => s.svc.state.running === 4)).to.equal(true);
    for (let i = 0; i < 4; i++) raw.send(FrameType.RESET, 0, 2 * i + 1, encodeReset(Code.CANCELLED, ""));
    // the handlers are still running (they ignore cancellation until the gate opens): no new slot
    for (let i = 4; i < 8; i++) raw.open(2 * i + 1, DUPLEX);
    const refused = () => raw.frames.filter((f) => f.type === FrameType.RESET && f.streamId > 8).length;
    expect(await until(() => refused() === 4)).to.equal(true);
    expect(s.svc.state.invocations).to.equal(4);
    // once they finish, the slots are free again
    s.svc.state.open?.();
    expect(await until(() => s.svc.state.running === 0 && s.server.stats.activeCalls === 0)).to.equal(true);
    s.svc.reopen();
    raw.open(17, DUPLEX);
    expect(await until(() => s.svc.state.invocations === 5)).to.equal(true);
    s.svc.state.open?.();
  });

  for (const kind of ["PING", "SETTINGS"] as const) {
    it(`a ${kind} flood closes the session with a clear reason, and the server keeps serving`, async () => {
      const s = await start({ maxControlFramesPerSecond: 20 });
      server = s.server;
      const raw = await rawSession(s.port, s.key);
      for (let i = 0; i < 500; i++) {
        if (kind === "PING") raw.send(FrameType.PING, 0, 0, new Uint8Array(8));
        else raw.send(FrameType.SETTINGS, 0, 0, new Uint8Array(0));
      }
      const err = await raw.closed;
      expect(err?.code).to.equal(Code.RESOURCE_EXHAUSTED);
      expect(err?.rawMessage).to.include(`too many ${kind} frames`);
      const answers = raw.frames.filter((f) => f.type === FrameType[kind] && f.flags & FrameFlags.ACK).length;
      expect(answers).to.be.at.most(20 * 4 + 2);
      await legitimateCallWorks(s.port, s.key);
    });
  }

  it("empty messages cost flow-control credit: a peer ignoring the window is closed, not buffered", async () => {
    const s = await start();
    server = s.server;
    const raw = await rawSession(s.port, s.key);
    raw.open(1, DUPLEX);
    // 1 MiB stream window / 256 bytes per DATA frame: 4096 empty messages at most
    for (let i = 0; i < 20_000; i++) raw.send(FrameType.DATA, FrameFlags.END_MESSAGE, 1);
    const err = await raw.closed;
    expect(err?.code).to.equal(Code.INTERNAL);
    expect(err?.rawMessage).to.match(/flow-control window overrun/);
    await legitimateCallWorks(s.port, s.key);
  });

  it("idle sessions are closed after idleTimeoutMs with GOAWAY, busy ones are not", async () => {
    const s = await start({ idleTimeoutMs: 150 });
    server = s.server;
    const idle = await rawSession(s.port, s.key);
    const busy = await rawSession(s.port, s.key);
    busy.open(1, DUPLEX);
    expect(await idle.closed).to.equal(undefined);
    const goaway = idle.frames.find((f) => f.type === FrameType.GOAWAY);
    expect(goaway && decodeGoAway(goaway.payload).reason).to.equal("idle timeout");
    // a second idle session opened only now: when it is closed, the busy one has been open for more
    // than two idle timeouts, and must still be open
    const later = await rawSession(s.port, s.key);
    expect(await later.closed).to.equal(undefined);
    expect(busy.isClosed()).to.equal(false);
    s.svc.state.open?.();
  });

  it("maxConnectionAgeMs sends GOAWAY, then closes after the grace period", async () => {
    const s = await start({ maxConnectionAgeMs: 100, maxConnectionAgeGraceMs: 100 });
    server = s.server;
    const raw = await rawSession(s.port, s.key);
    raw.open(1, DUPLEX); // a call that never ends: the grace period has to cut it
    const err = await raw.closed;
    const goaway = raw.frames.find((f) => f.type === FrameType.GOAWAY);
    expect(goaway && decodeGoAway(goaway.payload).reason).to.equal("max connection age reached");
    expect(err?.code).to.equal(Code.UNAVAILABLE);
    s.svc.state.open?.();
  });

  it("connections beyond maxConnections are closed at once and counted", async () => {
    const s = await start({ maxConnections: 3 });
    server = s.server;
    const sockets = await Promise.all(
      [0, 1, 2].map(
        () =>
          new Promise<ReturnType<typeof createConnection>>((resolve) => {
            const c = createConnection({ host: "127.0.0.1", port: s.port }, () => resolve(c));
          }),
      ),
    );
    expect(await until(() => s.server.stats.connections === 3)).to.equal(true);
    const extra = createConnection({ host: "127.0.0.1", port: s.port });
    await new Promise((r) => extra.once("close", r));
    expect(s.server.stats.refusedConnections).to.equal(1);
    for (const c of sockets) c.destroy();
  });

  it("calls beyond maxConcurrentCalls are refused with RESOURCE_EXHAUSTED", async () => {
    const s = await start({ maxConcurrentCalls: 2 });
    server = s.server;
    const channel = createChannel(`xtmp://127.0.0.1:${s.port}`, { serverKey: s.key, datagram: false });
    const client = createClient(TestServiceDefinition, channel);
    const held = [client.fullDuplexCall([]), client.fullDuplexCall([])];
    const drains = held.map(async (it) => {
      for await (const _ of it);
    });
    expect(await until(() => s.svc.state.running === 2)).to.equal(true);
    const err = await failure(client.unaryCall({ responseSize: 1 }));
    expect(err.code).to.equal(Code.RESOURCE_EXHAUSTED);
    // RESET with REFUSED: the client retries such a stream once, transparently, then reports it
    expect(s.server.stats.refusedCalls).to.equal(2);
    s.svc.state.open?.();
    await Promise.all(drains);
    channel.close();
  });

  it("an onError hook that throws (or rejects) is counted and never takes the server down", async () => {
    const identity = generateIdentity();
    server = createServer({
      identity,
      onError: () => {
        throw new TypeError("the application's hook is broken");
      },
    });
    server.add(TestServiceDefinition, {
      unaryCall: async () => {
        throw new TypeError("handler bug");
      },
    } as never);
    const { port } = await server.listen("xtmp://127.0.0.1:0");
    const channel = createChannel(`xtmp://127.0.0.1:${port}`, { serverKey: identity.publicKey, datagram: false });
    const err = await failure(createClient(TestServiceDefinition, channel).unaryCall({}));
    expect(err.code).to.equal(Code.UNKNOWN);
    expect(server.stats.hookErrors).to.equal(1);
    channel.close();
  });

  it("an unexpected exception in frame handling is counted, reported to onUnexpectedError, and closes only that session", async () => {
    const seen: unknown[] = [];
    const s = await start({ onUnexpectedError: (e) => seen.push(e) });
    server = s.server;
    // a handler registry that throws a non-protocol error while a frame is handled
    const raw = await rawSession(s.port, s.key);
    const routes = (s.server as unknown as { routes: Map<string, unknown> }).routes;
    const original = routes.get;
    routes.get = () => {
      throw new TypeError("boom");
    };
    raw.open(1, DUPLEX);
    const err = await raw.closed;
    routes.get = original;
    expect(err?.code).to.equal(Code.INTERNAL);
    expect(seen).to.have.length(1);
    expect(seen[0]).to.be.instanceOf(TypeError);
    expect(s.server.stats.unexpectedErrors.frame).to.equal(1);
    await legitimateCallWorks(s.port, s.key);
  });

  it("a bug during a handshake is counted as reason internal and reported to onUnexpectedError; the server keeps accepting", async () => {
    const seen: Array<[unknown, string]> = [];
    let broken = true;
    const crypto = {
      ...nodeCrypto,
      x25519: (k: Uint8Array, p: Uint8Array) => {
        if (broken) throw new TypeError("a bug in a crypto backend");
        return nodeCrypto.x25519(k, p);
      },
    };
    const identity = generateIdentity();
    server = createServer({ identity, crypto, onUnexpectedError: (e, site) => seen.push([e, site]) });
    server.add(TestServiceDefinition, gatedService().impl as never);
    const { port } = await server.listen("xtmp://127.0.0.1:0");
    const channel = createChannel(`xtmp://127.0.0.1:${port}`, { serverKey: identity.publicKey, datagram: false });
    const err = await failure(createClient(TestServiceDefinition, channel).unaryCall({}));
    expect(err.code).to.not.equal(Code.OK);
    channel.close();
    expect(server.stats.handshakeFailures.internal).to.equal(1);
    expect(seen).to.have.length(1);
    expect(seen[0]?.[0]).to.be.instanceOf(TypeError);
    expect(seen[0]?.[1]).to.equal("session");
    broken = false;
    await legitimateCallWorks(port, identity.publicKey);
  });
});

void XtmpError;
