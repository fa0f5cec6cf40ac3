// Message batches (PROTOCOL.md §11.7): the codec, batches on the wire only to peers that accept them, and hostile batches.
import { expect } from "chai";
import fc from "fast-check";
import { randomBytes } from "node:crypto";
import { StreamingInputCallRequest, StreamingOutputCallRequest, StreamingOutputCallResponse } from "../../generated/grpc/testing/messages.js";
import { TestServiceDefinition } from "../../generated/grpc/testing/test_xtmp.js";
import { batch, Code, createChannel, createClient, createServer, generateIdentity, XtmpError } from "../../src/index.js";
import { joinBatch, splitBatch } from "../../src/rpc/batch.js";
import { decodeHeaderBlock, encodeHeaderBlock, pseudoText } from "../../src/rpc/header-block.js";
import { FrameFlags, FrameType } from "../../src/wire/frame-types.js";
import { varintSize } from "../../src/wire/varint.js";
import { until } from "../helpers/calls.js";
import { rawCall } from "../helpers/raw-call.js";
import { rawSession } from "../helpers/raw-session.js";

const OUTPUT = "/grpc.testing.TestService/StreamingOutputCall";
const INPUT = "/grpc.testing.TestService/StreamingInputCall";

// the response sizes a StreamingOutputCall asks for, all yielded as one batch
const impl = {
  async *streamingOutputCall(req: StreamingOutputCallRequest) {
    yield batch(req.responseParameters.map((p, i) => ({ payload: { body: bodyOf(i, p.size) } })));
  },
  async streamingInputCall(reqs: AsyncIterable<StreamingInputCallRequest>) {
    let n = 0;
    for await (const r of reqs) n += r.payload?.body.length ?? 0;
    return { aggregatedPayloadSize: n };
  },
};

// deterministic pseudo-random bodies, so the receiver can check every byte
function bodyOf(i: number, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = (i + 1) * 2654435761;
  for (let k = 0; k < size; k++) out[k] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  return out;
}

async function start() {
  const identity = generateIdentity();
  const server = createServer({ identity, datagram: false });
  server.add(TestServiceDefinition, impl as never);
  const { port } = await server.listen("xtmp://127.0.0.1:0");
  return { server, port, key: identity.publicKey };
}

const requestFor = (sizes: number[]) => StreamingOutputCallRequest.encode(StreamingOutputCallRequest.fromPartial({ responseParameters: sizes.map((size) => ({ size })) })).finish();

describe("message batches", function () {
  this.timeout(20_000);
  let s: Awaited<ReturnType<typeof start>>;
  before(async () => (s = await start()));
  after(() => s.server.forceShutdown());

  it("join∘split is the identity for any messages within the limit; the join stops at the limit", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 50 }), fc.integer({ min: 1, max: 4000 }), (msgs, limit) => {
        const [bytes, next] = joinBatch(msgs, 0, limit);
        expect(bytes.length).to.be.at.most(limit);
        if (next > 0) expect(splitBatch(bytes, 1 << 20).map((m) => [...m])).to.deep.equal(msgs.slice(0, next).map((m) => [...m]));
        const n = (msgs[next] as Uint8Array | undefined)?.length;
        if (n !== undefined) expect(bytes.length + varintSize(n) + n, "the next message would not have fit").to.be.greaterThan(limit);
      }),
    );
  });

  it("a malformed batch (empty, truncated, a length past the end or over the message limit, an overlong varint) is an XtmpError, never a crash", () => {
    const cases = [new Uint8Array(0), new Uint8Array([0x80]), new Uint8Array([5, 1, 2]), new Uint8Array([3, 1, 2, 3, 9]), new Uint8Array([0x80, 0x00]), new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0x01])];
    for (const c of cases) expect(() => splitBatch(c, 1 << 20), `case ${Buffer.from(c).toString("hex")}`).to.throw(XtmpError);
    expect(() => splitBatch(new Uint8Array([4, 1, 2, 3, 4]), 3), "a message over the limit").to.throw(XtmpError, /malformed message batch/);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        try {
          splitBatch(b, 16);
        } catch (err) {
          expect(err).to.be.instanceOf(XtmpError);
        }
      }),
    );
  });

  it("a batch of 2,000 messages (sizes 0..2 KiB and two over 64 KiB) reaches a channel complete and in order", async () => {
    const sizes = Array.from({ length: 2000 }, (_, i) => (i === 700 || i === 1500 ? 70_000 + i : (i * 37) % 2049));
    const ch = createChannel(`xtmp://127.0.0.1:${s.port}`, { serverKey: s.key, datagram: false });
    try {
      const c = createClient(TestServiceDefinition, ch);
      let i = 0;
      for await (const m of c.streamingOutputCall({ responseParameters: sizes.map((size) => ({ size })) })) {
        expect(Buffer.from(m.payload?.body ?? new Uint8Array(0)).equals(Buffer.from(bodyOf(i, sizes[i] as number))), `message ${i}`).to.equal(true);
        i++;
      }
      expect(i).to.equal(sizes.length);
    } finally {
      ch.close();
    }
  });

  async function dataFrames(announceBatches: boolean, sizes: number[]) {
    const raw = await rawSession(s.port, s.key, false);
    // SETTINGS: the defaults, with or without BATCH_MESSAGES = 1
    raw.send(FrameType.SETTINGS, 0, 0, new Uint8Array(announceBatches ? [4, 1] : [2, 100]));
    raw.send(FrameType.OPEN, 0, 1, encodeHeaderBlock([[":path", OUTPUT]]));
    raw.send(FrameType.DATA, FrameFlags.END_MESSAGE | FrameFlags.END_STREAM, 1, requestFor(sizes));
    expect(await until(() => raw.frames.some((f) => f.type === FrameType.TRAILERS && f.streamId === 1))).to.equal(true);
    const trailers = raw.frames.find((f) => f.type === FrameType.TRAILERS) as { payload: Uint8Array };
    expect(pseudoText(decodeHeaderBlock(trailers.payload), ":status")).to.equal("0");
    raw.session.close();
    return raw.frames.filter((f) => f.type === FrameType.DATA && f.streamId === 1);
  }

  it("to a peer whose SETTINGS accept batches, a yielded batch goes out as BATCH DATA frames of many messages each", async () => {
    const sizes = Array.from({ length: 500 }, (_, i) => i % 200);
    const frames = await dataFrames(true, sizes);
    expect(frames.length, "far fewer frames than messages").to.be.lessThan(10);
    const messages = frames.flatMap((f) => (f.flags & FrameFlags.BATCH ? splitBatch(f.payload, 1 << 20) : [f.payload]));
    expect(messages.map((m) => StreamingOutputCallResponse.decode(m).payload?.body.length)).to.deep.equal(sizes);
  });

  it("to a peer that did not announce BATCH_MESSAGES, the same batch goes out one message per DATA frame, no BATCH flag", async () => {
    const sizes = Array.from({ length: 50 }, (_, i) => i * 3);
    const frames = await dataFrames(false, sizes);
    expect(frames.every((f) => (f.flags & FrameFlags.BATCH) === 0)).to.equal(true);
    expect(frames.map((f) => StreamingOutputCallResponse.decode(f.payload).payload?.body.length)).to.deep.equal(sizes);
  });

  it("a client's BATCH request is split into messages; malformed, compressed or signed batches fail the call with INTERNAL and the session lives on", async () => {
    const ch = createChannel(`xtmp://127.0.0.1:${s.port}`, { serverKey: s.key, datagram: false });
    try {
      const msgs = [10, 0, 300].map((n) => StreamingInputCallRequest.encode({ payload: { type: 0, body: randomBytes(n) } }).finish());
      const [good] = joinBatch(msgs, 0, 1 << 16);
      const ok = await rawCall(ch, INPUT, good, FrameFlags.BATCH);
      expect(ok.code).to.equal(Code.OK);
      for (const [payload, flags] of [
        [new Uint8Array([9, 1, 2]), FrameFlags.BATCH],
        [new Uint8Array(0), FrameFlags.BATCH],
        [good, FrameFlags.BATCH | FrameFlags.COMPRESSED],
        [good, FrameFlags.BATCH | FrameFlags.SIGNED],
      ] as const) {
        const r = await rawCall(ch, INPUT, payload, flags);
        expect(r.code, `flags ${flags}`).to.equal(Code.INTERNAL);
        expect(r.message).to.match(/malformed message batch/);
      }
      expect((await createClient(TestServiceDefinition, ch).streamingInputCall([{ payload: { body: new Uint8Array(7) } }])).aggregatedPayloadSize).to.equal(7);
    } finally {
      ch.close();
    }
  });
});
