// RESET with REFUSED: the committed vectors, what a server sends when it refuses, and what a client reports.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { Code } from "../../src/status/code.js";
import type { XtmpError } from "../../src/status/error.js";
import { encodeReset } from "../../src/mux/control.js";
import { MuxSession } from "../../src/mux/session.js";
import type { StreamHandler } from "../../src/mux/stream.js";
import { encodeFrames, parseFrame } from "../../src/wire/frame.js";
import { FrameFlags, FrameType } from "../../src/wire/frame-types.js";
import { framePair } from "../helpers/frame-pair.js";

interface ResetCase {
  name: string;
  stream_id: number;
  flags: number;
  code: number;
  message: string;
  refused: boolean;
  frame: string;
}
const vectors = (JSON.parse(readFileSync("test/vectors/xtmp/reset-refused.json", "utf8")) as { cases: ResetCase[] }).cases;

function resetRecorder() {
  const seen: Array<{ error: XtmpError; refused: boolean }> = [];
  const handler: StreamHandler = { onHeaders() {}, onMessage() {}, onEnd() {}, onTrailers() {}, onReset: (error, refused) => void seen.push({ error, refused: refused === true }), onDrain() {} };
  return { seen, handler };
}

describe("RESET REFUSED (§7.1, §10)", () => {
  it("the committed vectors parse as RESET frames with the flags, code and message they state", () => {
    expect(vectors.length).to.equal(4);
    for (const v of vectors) {
      const bytes = Buffer.from(v.frame, "hex");
      const [f, used] = parseFrame(bytes, 0, 1 << 14) ?? [];
      expect(used, v.name).to.equal(bytes.length);
      expect(f?.type, v.name).to.equal(FrameType.RESET);
      expect(f?.flags, v.name).to.equal(v.flags);
      expect(f?.streamId, v.name).to.equal(v.stream_id);
      expect((f?.flags ?? 0) & FrameFlags.REFUSED, v.name).to.equal(v.refused ? 1 : 0);
      // our encoder writes the same bytes for the same frame
      expect(Buffer.from(encodeFrames([{ type: FrameType.RESET, flags: v.flags, streamId: v.stream_id, payload: encodeReset(v.code, v.message) }])).toString("hex"), v.name).to.equal(v.frame);
    }
  });

  it("a client reports refused exactly for the vectors with REFUSED set", () => {
    for (const v of vectors) {
      const [a, b] = framePair();
      const client = new MuxSession(a, { isClient: true, firstStreamId: v.stream_id });
      const { seen, handler } = resetRecorder();
      const stream = client.openStream(new Uint8Array([0]), handler);
      expect(stream.id, v.name).to.equal(v.stream_id);
      const [f] = parseFrame(Buffer.from(v.frame, "hex"), 0, 1 << 14) ?? [];
      if (!f) throw new Error("vector did not parse");
      a.inject(f);
      expect(seen.length, v.name).to.equal(1);
      expect(seen[0]?.refused, v.name).to.equal(v.refused);
      expect(seen[0]?.error.code, v.name).to.equal(v.code);
      client.close();
      void b;
    }
  });

  it("a server that has sent GOAWAY answers a later OPEN with RESET UNAVAILABLE and REFUSED", () => {
    const [a, b] = framePair();
    const server = new MuxSession(b, { isClient: false, onStream: () => expect.fail("no stream may reach the application") });
    server.goAway("draining");
    a.send({ type: FrameType.OPEN, flags: 0, streamId: 1, payload: new Uint8Array([0]) });
    return Promise.resolve().then(() => {
      const reset = b.sent.find((f) => f.type === FrameType.RESET);
      expect(reset?.flags).to.equal(FrameFlags.REFUSED);
      expect(reset?.payload[0]).to.equal(Code.UNAVAILABLE);
      server.close();
    });
  });

  it("a server at its stream limit answers RESET RESOURCE_EXHAUSTED with REFUSED on the stream beyond it only", async () => {
    const [a, b] = framePair();
    const server = new MuxSession(b, { isClient: false, settings: { maxConcurrentStreams: 1 }, onStream: (s) => s.setHandler(resetRecorder().handler) });
    a.send({ type: FrameType.OPEN, flags: 0, streamId: 1, payload: new Uint8Array([0]) });
    a.send({ type: FrameType.OPEN, flags: 0, streamId: 3, payload: new Uint8Array([0]) });
    await Promise.resolve();
    const resets = b.sent.filter((f) => f.type === FrameType.RESET);
    expect(resets.map((f) => [f.streamId, f.flags, f.payload[0]])).to.deep.equal([[3, FrameFlags.REFUSED, Code.RESOURCE_EXHAUSTED]]);
    server.close();
  });

  it("streams above a GOAWAY's last stream id, and streams still queued, fail UNAVAILABLE as refused; those below are not", async () => {
    const [a, b] = framePair();
    const client = new MuxSession(a, { isClient: true });
    const first = resetRecorder();
    const second = resetRecorder();
    client.openStream(new Uint8Array([0]), first.handler);
    client.openStream(new Uint8Array([0]), second.handler);
    const goAway = new Uint8Array([1, 6]); // last_stream_id 1, GOING_AWAY, no reason
    a.inject({ type: FrameType.GOAWAY, flags: 0, streamId: 0, payload: goAway });
    expect(second.seen.map((s) => [s.error.code, s.refused])).to.deep.equal([[Code.UNAVAILABLE, true]]);
    expect(first.seen).to.deep.equal([]);
    client.close();
    expect(first.seen.map((s) => s.refused)).to.deep.equal([false]);
    void b;
  });
});
