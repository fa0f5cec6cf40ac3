// The multiplexer alone: flow control and backpressure, limits, protocol violations, fuzzed frames.
import { expect } from "chai";
import fc from "fast-check";
import { Code } from "../../src/status/code.js";
import { XtmpError } from "../../src/status/error.js";
import { DATA_FRAME_CHARGE, decodeWindowUpdate, DEFAULT_SETTINGS } from "../../src/mux/control.js";
import { MuxSession } from "../../src/mux/session.js";
import type { MuxStream, StreamHandler } from "../../src/mux/stream.js";
import { FrameFlags, FrameType } from "../../src/wire/frame-types.js";
import { framePair } from "../helpers/frame-pair.js";

const tick = () => new Promise<void>((r) => setImmediate(r));

function recorder(overrides: Partial<StreamHandler> = {}) {
  const messages: Uint8Array[] = [];
  const events: string[] = [];
  const handler: StreamHandler = {
    onHeaders: () => events.push("headers"),
    onMessage: (d) => messages.push(d),
    onEnd: () => events.push("end"),
    onTrailers: () => events.push("trailers"),
    onReset: (e) => events.push(`reset:${e.code}`),
    onDrain: () => events.push("drain"),
    ...overrides,
  };
  return { handler, messages, events };
}

function pair(serverOpts: Partial<ConstructorParameters<typeof MuxSession>[1]> = {}, clientOpts: Partial<ConstructorParameters<typeof MuxSession>[1]> = {}) {
  const [a, b] = framePair();
  const opened: Array<{ stream: MuxStream; rec: ReturnType<typeof recorder> }> = [];
  let serverClose: XtmpError | undefined | "open" = "open";
  const server = new MuxSession(b, {
    isClient: false,
    onStream: (stream) => {
      const rec = recorder();
      stream.setHandler(rec.handler);
      opened.push({ stream, rec });
    },
    onClose: (e) => (serverClose = e),
    ...serverOpts,
  });
  const client = new MuxSession(a, { isClient: true, ...clientOpts });
  return { a, b, server, client, opened, serverClosed: () => serverClose };
}

describe("mux", function () {
  this.timeout(20_000);

  it("messages larger than a frame are split and reassembled", async () => {
    const { client, opened } = pair();
    const s = client.openStream(new Uint8Array([1]), recorder().handler);
    const big = new Uint8Array(100_000).map((_, i) => i & 0xff);
    s.sendMessage(big, 0);
    s.end();
    await tick();
    expect(opened[0]?.rec.messages[0]).to.deep.equal(big);
    expect(opened[0]?.rec.events).to.deep.equal(["end"]);
  });

  it("a slow consumer stops the sender: memory stays within the window", async () => {
    const { client, opened } = pair({ settings: { initialStreamWindow: 65536, sessionWindow: 1 << 20 } });
    await tick(); // SETTINGS exchanged: the client now uses the server's 64 KiB window
    const rec = recorder();
    const s = client.openStream(new Uint8Array(), rec.handler);
    const chunk = new Uint8Array(10_000);
    let accepted = 0;
    for (let i = 0; i < 100; i++) if (s.sendMessage(chunk, 0)) accepted++;
    await tick();
    const received = opened[0]?.rec.messages.length ?? 0;
    expect(received).to.be.at.most(7); // 65536 / 10000
    expect(s.pendingBytes).to.be.greaterThan(900_000);
    expect(accepted).to.be.lessThan(10);
    // consuming returns credit; the sender resumes and drains
    for (let round = 0; round < 50 && (opened[0]?.rec.messages.length ?? 0) < 100; round++) {
      const st = opened[0]?.stream as MuxStream;
      for (let k = 0; k < 7; k++) st.messageConsumed();
      await tick();
    }
    expect(opened[0]?.rec.messages.length).to.equal(100);
    expect(rec.events).to.include("drain");
  });

  it("empty messages cost credit: a receiver that stops consuming holds at most window/256 of them", async () => {
    const { client, opened } = pair({ settings: { initialStreamWindow: 65536, sessionWindow: 1 << 20 } });
    await tick();
    const rec = recorder();
    const s = client.openStream(new Uint8Array(), rec.handler);
    let accepted = 0;
    for (let i = 0; i < 10_000; i++) if (s.sendMessage(new Uint8Array(0), 0)) accepted++;
    await tick();
    expect(opened[0]?.rec.messages.length).to.equal(65536 / 256);
    expect(accepted).to.equal(65536 / 256);
    expect(s.backlogged).to.equal(true);
    // consuming returns the credit and the rest flows
    for (let round = 0; round < 200 && (opened[0]?.rec.messages.length ?? 0) < 10_000; round++) {
      const st = opened[0]?.stream as MuxStream;
      const have = opened[0]?.rec.messages.length ?? 0;
      for (let k = 0; k < have; k++) st.messageConsumed();
      await tick();
    }
    expect(opened[0]?.rec.messages.length).to.equal(10_000);
    expect(s.backlogged).to.equal(false);
  });

  it("streams past MAX_CONCURRENT_STREAMS wait on the client; a peer that ignores the limit is refused", async () => {
    const { client, server, opened, a } = pair({ settings: { maxConcurrentStreams: 2 } });
    await tick(); // SETTINGS exchanged
    const streams = [0, 1, 2].map(() => client.openStream(new Uint8Array(), recorder().handler));
    await tick();
    expect(opened.length).to.equal(2);
    expect(client.stats.queuedStreams).to.equal(1);
    opened[0]?.stream.sendTrailers(new Uint8Array([0]));
    await tick();
    expect(opened.length).to.equal(3);
    expect(streams[2]?.id).to.equal(5);
    // a misbehaving client opens stream 7 and 9 directly
    a.send({ type: FrameType.OPEN, flags: 0, streamId: 7, payload: new Uint8Array() });
    await tick();
    const resets = (server as unknown as { duplex: { sent: Array<{ type: number; streamId: number; payload: Uint8Array }> } }).duplex.sent.filter((f) => f.type === FrameType.RESET);
    expect(resets.map((r) => r.streamId)).to.deep.equal([7]);
    expect(resets[0]?.payload[0]).to.equal(Code.RESOURCE_EXHAUSTED);
  });

  for (const [name, frames, pattern] of [
    ["a reused stream id", [{ type: FrameType.OPEN, streamId: 1 }, { type: FrameType.OPEN, streamId: 1 }], /reused/],
    ["an even (server-side) stream id from a client", [{ type: FrameType.OPEN, streamId: 2 }], /reused or out of order/],
    ["DATA on a stream never opened", [{ type: FrameType.DATA, streamId: 9 }], /never opened/],
    ["a window overrun", [{ type: FrameType.OPEN, streamId: 1 }, { type: FrameType.DATA, streamId: 1, size: 70_000 }], /window overrun/],
    ["TRAILERS from a client", [{ type: FrameType.OPEN, streamId: 1 }, { type: FrameType.TRAILERS, streamId: 1 }], /TRAILERS from a client/],
    ["a malformed WINDOW_UPDATE", [{ type: FrameType.WINDOW_UPDATE, streamId: 0, payload: [0] }], /WINDOW_UPDATE/],
  ] as const) {
    it(`${name} is a protocol error that closes the session`, async () => {
      const { a, serverClosed } = pair({ settings: { initialStreamWindow: 65536 } });
      await tick();
      for (const f of frames) {
        const payload = "payload" in f ? new Uint8Array(f.payload as readonly number[]) : new Uint8Array("size" in f ? (f.size as number) : 0);
        a.send({ type: f.type, flags: 0, streamId: f.streamId, payload });
      }
      await tick();
      const err = serverClosed();
      expect(err).to.be.instanceOf(XtmpError);
      expect((err as XtmpError).code).to.equal(Code.INTERNAL);
      expect((err as XtmpError).message).to.match(pattern);
    });
  }

  it("data arriving on a stream that was already closed is ignored and its credit returned", async () => {
    const { client, opened, serverClosed, a, b } = pair();
    const s = client.openStream(new Uint8Array(), recorder().handler);
    await tick();
    const rec = opened[0]?.rec as ReturnType<typeof recorder>;
    opened[0]?.stream.reset(Code.CANCELLED, "bye");
    s.sendMessage(new Uint8Array(1000), 0); // crosses the RESET in flight
    a.send({ type: FrameType.DATA, flags: FrameFlags.END_MESSAGE, streamId: 1, payload: new Uint8Array(10) });
    await tick();
    expect(serverClosed()).to.equal("open");
    // twice the session window of late data: without its credit back, the session would be overrun
    const payload = new Uint8Array(16_000);
    const frames = Math.ceil((2 * DEFAULT_SETTINGS.sessionWindow) / (payload.length + DATA_FRAME_CHARGE));
    for (let i = 0; i < frames; i++) b.inject({ type: FrameType.DATA, flags: FrameFlags.END_MESSAGE, streamId: 1, payload });
    await tick();
    expect(serverClosed(), "late data overran the session window: its credit was not returned").to.equal("open");
    expect(rec.messages, "late data was delivered").to.deep.equal([]);
    const credited = b.sent.filter((f) => f.type === FrameType.WINDOW_UPDATE && f.streamId === 0).reduce((n, f) => n + decodeWindowUpdate(f.payload), 0);
    const charged = (1000 + 10 + 2 * DATA_FRAME_CHARGE) + frames * (payload.length + DATA_FRAME_CHARGE);
    // the session returns credit in WINDOW_UPDATEs of at least a quarter window; less than that may be owed
    expect(credited).to.be.at.most(charged);
    expect(credited).to.be.greaterThan(charged - DEFAULT_SETTINGS.sessionWindow / 4);
  });

  it("PING measures the round trip", async () => {
    const { client } = pair();
    const rtt = await client.ping();
    expect(rtt).to.be.a("number").and.at.least(0);
  });

  it("random frames never crash the session or escape as non-protocol errors", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            type: fc.constantFrom(0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19),
            flags: fc.integer({ min: 0, max: 7 }),
            streamId: fc.integer({ min: 0, max: 9 }),
            payload: fc.uint8Array({ maxLength: 64 }),
          }),
          { maxLength: 25 },
        ),
        async (frames) => {
          const unexpected: unknown[] = [];
          const { b, serverClosed } = pair({ onUnexpectedError: (e) => unexpected.push(e) });
          for (const f of frames) b.inject(f);
          await tick();
          expect(unexpected, "a frame made the session throw something other than a protocol error").to.deep.equal([]);
          const state = serverClosed();
          if (state !== "open") {
            expect(state).to.be.instanceOf(XtmpError);
            const cause = (state as XtmpError).cause;
            expect(cause instanceof TypeError || cause instanceof RangeError || cause instanceof ReferenceError, `a bug surfaced as ${String(state)}: ${String(cause)}`).to.equal(false);
            expect((state as XtmpError).code, String(state)).to.be.oneOf([Code.INTERNAL, Code.RESOURCE_EXHAUSTED]);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
