// Header blocks larger than one frame (CONTINUATION), the header-block size limit, and the header rules of §11.1 (key case, bad entries, :path).
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { TestServiceDefinition } from "../../generated/grpc/testing/test_xtmp.js";
import { Code, createChannel, createClient, createServer, generateIdentity, Metadata, XtmpError, type ChannelOptions, type ClientInterceptor, type Server } from "../../src/index.js";
import { decodeReset } from "../../src/mux/control.js";
import { MuxSession } from "../../src/mux/session.js";
import type { MuxStream, StreamHandler } from "../../src/mux/stream.js";
import { encodeHeaderBlock, decodeHeaderBlock, pseudoText } from "../../src/rpc/header-block.js";
import { FrameFlags, FrameType } from "../../src/wire/frame-types.js";
import { failure, until } from "../helpers/calls.js";
import { framePair } from "../helpers/frame-pair.js";
import { rawSession, type RawSession } from "../helpers/raw-session.js";

const UNARY = "/grpc.testing.TestService/UnaryCall";
const noop: StreamHandler = { onHeaders() {}, onMessage() {}, onEnd() {}, onTrailers() {}, onReset() {}, onDrain() {} };

/** Random printable ASCII (metadata values; random so that no encoding can shrink them). */
function text(n: number): string {
  const b = randomBytes(n);
  let s = "";
  for (const x of b) s += String.fromCharCode(0x21 + (x % 94));
  return s;
}

/** UnaryCall: reports the total size of the request metadata in `username`; sets the headers/trailers the request asks for. */
const impl = {
  unaryCall(_req: unknown, ctx: { requestMetadata: Metadata; responseHeaders: Metadata; responseTrailers: Metadata }) {
    let size = 0;
    for (const [k, v] of ctx.requestMetadata) size += k.length + v.length;
    const big = String(ctx.requestMetadata.get("x-want") ?? "");
    if (big.startsWith("trailers:")) ctx.responseTrailers.set("x-big", text(Number(big.slice(9))));
    if (big.startsWith("headers:")) ctx.responseHeaders.set("x-big", text(Number(big.slice(8))));
    return { payload: { type: 0, body: new Uint8Array(0) }, username: String(size), oauthScope: [...ctx.requestMetadata].map(([k]) => k).join(","), hostname: "" };
  },
};

async function start() {
  const identity = generateIdentity();
  const server = createServer({ identity, datagram: false });
  server.add(TestServiceDefinition, impl as never);
  const { port } = await server.listen("xtmp://127.0.0.1:0");
  return { server, port, key: identity.publicKey, url: `xtmp://127.0.0.1:${port}` };
}

async function resetOf(raw: RawSession, id: number) {
  expect(await until(() => raw.frames.some((f) => f.streamId === id && (f.type === FrameType.RESET || f.type === FrameType.TRAILERS)))).to.equal(true);
  const f = raw.frames.find((x) => x.streamId === id && (x.type === FrameType.RESET || x.type === FrameType.TRAILERS));
  expect(f?.type, "a RESET, not TRAILERS").to.equal(FrameType.RESET);
  return decodeReset(f?.payload ?? new Uint8Array(0));
}

/** A raw unary call on stream `id` that succeeds: proves the session is still usable. */
async function rawUnaryWorks(raw: RawSession, id: number): Promise<void> {
  raw.open(id, UNARY);
  raw.send(FrameType.DATA, FrameFlags.END_MESSAGE | FrameFlags.END_STREAM, id, new Uint8Array(0));
  expect(await until(() => raw.frames.some((f) => f.type === FrameType.TRAILERS && f.streamId === id))).to.equal(true);
  const t = raw.frames.find((f) => f.type === FrameType.TRAILERS && f.streamId === id);
  expect(pseudoText(decodeHeaderBlock(t?.payload ?? new Uint8Array(0)), ":status")).to.equal("0");
}

describe("header blocks larger than a frame", function () {
  this.timeout(20_000);
  let s: Awaited<ReturnType<typeof start>>;
  let server: Server;
  before(async () => {
    s = await start();
    server = s.server;
  });
  after(() => server.forceShutdown());

  function client(opts: ChannelOptions = {}) {
    const trailers: Metadata[] = [];
    const capture: ClientInterceptor = (next) => (req) => {
      const r = next(req);
      void r.trailer.then((t) => trailers.push(t), () => undefined);
      return r;
    };
    const channel = createChannel(s.url, { serverKey: s.key, datagram: false, interceptors: [capture], ...opts });
    return { channel, trailers, stub: createClient(TestServiceDefinition, channel) };
  }

  it("request metadata of 40 KB (several frames) reaches the handler intact", async () => {
    const c = client();
    try {
      const md = new Metadata({ "x-a": text(20_000), "x-b": text(20_000), "x-c-bin": randomBytes(500) });
      let size = 0;
      for (const [k, v] of md) size += k.length + v.length;
      const r = await c.stub.unaryCall({}, { metadata: md, deadline: 10_000 });
      expect(r.username).to.equal(String(size));
      expect((await c.channel.session()).mux.stats.activeStreams).to.equal(0);
    } finally {
      c.channel.close();
    }
  });

  it("request metadata over the server's 64 KiB limit fails RESOURCE_EXHAUSTED, leaks no slot, and the channel keeps working", async () => {
    const c = client();
    try {
      const err = await failure(c.stub.unaryCall({}, { metadata: { "x-a": text(70_000) }, deadline: 10_000 }));
      expect(err.code).to.equal(Code.RESOURCE_EXHAUSTED);
      expect(err.rawMessage).to.match(/header block limit of 65536/);
      const mux = (await c.channel.session()).mux;
      expect(mux.stats.activeStreams).to.equal(0);
      expect((await c.stub.unaryCall({}, { deadline: 10_000 })).username).to.equal("0");
      expect(await until(() => server.stats.activeCalls === 0)).to.equal(true);
    } finally {
      c.channel.close();
    }
  });

  it("trailers of 40 KB reach the client, and the call ends on the server", async () => {
    const c = client();
    try {
      await c.stub.unaryCall({}, { metadata: { "x-want": "trailers:40000" }, deadline: 10_000 });
      expect(c.trailers).to.have.length(1);
      expect((c.trailers[0]?.get("x-big") as string).length).to.equal(40_000);
      expect(await until(() => server.stats.activeCalls === 0)).to.equal(true);
    } finally {
      c.channel.close();
    }
  });

  it("trailers over the client's maxHeaderBytes fail the call RESOURCE_EXHAUSTED; headers over it too, and the server's call ends", async () => {
    const c = client({ maxHeaderBytes: 16_384 });
    try {
      const t = await failure(c.stub.unaryCall({}, { metadata: { "x-want": "trailers:20000" }, deadline: 10_000 }));
      expect(t.code).to.equal(Code.RESOURCE_EXHAUSTED);
      expect(t.rawMessage).to.match(/trailers larger than the header block limit of 16384/);
      const h = await failure(c.stub.unaryCall({}, { metadata: { "x-want": "headers:20000" }, deadline: 10_000 }));
      expect(h.code).to.equal(Code.RESOURCE_EXHAUSTED);
      expect(h.rawMessage).to.match(/response headers larger/);
      expect((await c.channel.session()).mux.stats.activeStreams).to.equal(0);
      expect(await until(() => server.stats.activeCalls === 0)).to.equal(true);
    } finally {
      c.channel.close();
    }
  });

  it("the sender fragments into OPEN/HEADERS/TRAILERS + CONTINUATION frames that fit, with MORE_HEADERS on all but the last", async () => {
    const [a, b] = framePair(1000);
    const got: { open?: Uint8Array; trailers?: Uint8Array } = {};
    let served: MuxStream | undefined;
    const srv = new MuxSession(b, { isClient: false, onStream: (st, h) => ((got.open = h), (served = st), st.setHandler(noop)) });
    const cli = new MuxSession(a, { isClient: true });
    const block = encodeHeaderBlock([[":path", UNARY]], [["x-a", text(4500)]]);
    cli.openStream(block, { ...noop, onTrailers: (t) => (got.trailers = t) });
    expect(await until(() => served !== undefined)).to.equal(true);
    const trailerBlock = encodeHeaderBlock([[":status", "0"]], [["x-t", text(2500)]]);
    served?.sendTrailers(trailerBlock);
    expect(await until(() => got.trailers !== undefined)).to.equal(true);
    expect(Buffer.from(got.open ?? []).equals(block)).to.equal(true);
    expect(Buffer.from(got.trailers ?? []).equals(trailerBlock)).to.equal(true);
    for (const [side, first] of [[a, FrameType.OPEN], [b, FrameType.TRAILERS]] as const) {
      const frames = side.sent.filter((f) => f.streamId === 1 && (f.type === first || f.type === FrameType.CONTINUATION));
      expect(frames.length).to.be.greaterThan(2);
      expect(frames[0]?.type).to.equal(first);
      frames.forEach((f, i) => {
        expect(f.payload.length).to.be.at.most(1000);
        if (i > 0) expect(f.type).to.equal(FrameType.CONTINUATION);
        expect((f.flags & FrameFlags.MORE_HEADERS) !== 0).to.equal(i < frames.length - 1);
      });
    }
    cli.close();
    srv.close();
  });

  it("a hostile oversize block is never held beyond the limit: discarded, answered RESET RESOURCE_EXHAUSTED, the session survives", async () => {
    const [a, b] = framePair();
    const opened: number[] = [];
    const srv = new MuxSession(b, { isClient: false, maxHeaderBytes: 4096, onStream: (st) => (opened.push(st.id), st.setHandler(noop)) });
    a.setReceiver({ onFrame() {}, onClose() {} });
    const max: number[] = [];
    b.inject({ type: FrameType.OPEN, flags: FrameFlags.MORE_HEADERS, streamId: 1, payload: randomBytes(1000) });
    for (let i = 0; i < 40; i++) {
      b.inject({ type: FrameType.CONTINUATION, flags: FrameFlags.MORE_HEADERS, streamId: 1, payload: randomBytes(1000) });
      max.push(srv.stats.headerBlockBytes);
    }
    expect(Math.max(...max)).to.be.at.most(4096);
    expect(Math.max(...max)).to.be.greaterThan(0);
    expect(b.sent.filter((f) => f.type === FrameType.RESET)).to.deep.equal([]); // answered when the block ends
    b.inject({ type: FrameType.CONTINUATION, flags: 0, streamId: 1, payload: randomBytes(10) });
    const reset = b.sent.find((f) => f.type === FrameType.RESET && f.streamId === 1);
    expect(reset && decodeReset(reset.payload).code).to.equal(Code.RESOURCE_EXHAUSTED);
    expect(srv.stats).to.include({ headerBlockBytes: 0, busySlots: 0 });
    expect(opened).to.deep.equal([]);
    b.inject({ type: FrameType.OPEN, flags: 0, streamId: 3, payload: encodeHeaderBlock([[":path", UNARY]]) });
    expect(opened).to.deep.equal([3]);
    expect(srv.isClosed).to.equal(false);
    srv.close();
  });

  for (const [title, frames, pattern] of [
    ["another stream's frame inside a header block", [{ type: FrameType.OPEN, flags: FrameFlags.MORE_HEADERS, streamId: 1 }, { type: FrameType.OPEN, flags: 0, streamId: 3 }], /inside the header block of stream 1/],
    ["a session frame inside a header block", [{ type: FrameType.OPEN, flags: FrameFlags.MORE_HEADERS, streamId: 1 }, { type: FrameType.PING, flags: 0, streamId: 0 }], /inside the header block/],
    ["a CONTINUATION for another stream", [{ type: FrameType.OPEN, flags: FrameFlags.MORE_HEADERS, streamId: 1 }, { type: FrameType.CONTINUATION, flags: 0, streamId: 3 }], /inside the header block/],
    ["a CONTINUATION without a block in progress", [{ type: FrameType.CONTINUATION, flags: 0, streamId: 1 }], /without a header block in progress/],
  ] as const) {
    it(`${title} closes the session with a protocol error`, async () => {
      const [a, b] = framePair();
      let closed: XtmpError | undefined;
      const srv = new MuxSession(b, { isClient: false, onStream: (st) => st.setHandler(noop), onClose: (e) => (closed = e) });
      a.setReceiver({ onFrame() {}, onClose() {} });
      for (const f of frames) b.inject({ ...f, payload: encodeHeaderBlock([[":path", UNARY]]).subarray(0, 5) });
      expect(srv.isClosed).to.equal(true);
      expect(closed?.code).to.equal(Code.INTERNAL);
      expect(closed?.rawMessage).to.match(pattern);
    });
  }
});

describe("header block rules (§11.1)", function () {
  this.timeout(20_000);
  let s: Awaited<ReturnType<typeof start>>;
  before(async () => (s = await start()));
  after(() => s.server.forceShutdown());

  it("an upper-case metadata key on the wire gets RESET INTERNAL for that stream; the session stays open", async () => {
    const raw = await rawSession(s.port, s.key);
    raw.send(FrameType.OPEN, 0, 1, encodeHeaderBlock([[":path", UNARY], ["X-Trace", "abc"]]));
    raw.send(FrameType.DATA, FrameFlags.END_MESSAGE | FrameFlags.END_STREAM, 1, new Uint8Array(0));
    const r = await resetOf(raw, 1);
    expect(r.code).to.equal(Code.INTERNAL);
    expect(r.message).to.match(/not lower-case/);
    await rawUnaryWorks(raw, 3);
    raw.session.close();
  });

  it("the sending API lower-cases keys, so mixed-case keys given by the application arrive lower-case", async () => {
    const channel = createChannel(s.url, { serverKey: s.key, datagram: false });
    try {
      const r = await createClient(TestServiceDefinition, channel).unaryCall({}, { metadata: { "X-Trace": "abc" }, deadline: 10_000 });
      expect(r.oauthScope).to.equal("x-trace");
    } finally {
      channel.close();
    }
  });

  for (const [what, entry] of [
    ["a key with a space", ["x trace", "v"]],
    ["a value with a control character", ["x-trace", "a\u0001b"]],
  ] as const) {
    it(`${what} gets RESET INTERNAL for that stream (a stream error, not a session close)`, async () => {
      const raw = await rawSession(s.port, s.key);
      raw.send(FrameType.OPEN, 0, 1, encodeHeaderBlock([[":path", UNARY], entry]));
      const r = await resetOf(raw, 1);
      expect(r.code).to.equal(Code.INTERNAL);
      expect(r.message).to.match(/malformed header block/);
      await rawUnaryWorks(raw, 3);
      raw.session.close();
    });
  }

  it("an OPEN without :path gets RESET INTERNAL", async () => {
    const raw = await rawSession(s.port, s.key);
    raw.send(FrameType.OPEN, 0, 1, encodeHeaderBlock([[":timeout", "1000"]]));
    const r = await resetOf(raw, 1);
    expect(r.code).to.equal(Code.INTERNAL);
    expect(r.message).to.match(/without a UTF-8 :path/);
    await rawUnaryWorks(raw, 3);
    raw.session.close();
  });
});
