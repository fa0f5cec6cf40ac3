// zstd decompression bombs: one frame only, hard output cap, bounded window, per-session budget, end to end.
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { SimpleRequest } from "../../generated/grpc/testing/messages.js";
import { TestServiceDefinition } from "../../generated/grpc/testing/test_xtmp.js";
import { testServiceImpl } from "../../services/test-service.js";
import { Code, createChannel, createClient, createServer, generateIdentity, XtmpError, type Channel } from "../../src/index.js";
import { compressMessage, decompressMessage } from "../../src/rpc/compression.js";
import { DecompressionBudget } from "../../src/rpc/decompression-budget.js";
import { decodeHeaderBlock, encodeHeaderBlock, pseudoText } from "../../src/rpc/header-block.js";
import { FrameFlags } from "../../src/wire/frame-types.js";

// ---- zstd frames built by hand (RFC 8878), independently of the code under test ----

const KiB = 1024;
const MiB = 1024 * KiB;
const BLOCK = 128 * KiB; // Block_Maximum_Size for windows of at least 128 KiB

type Part = { raw: Uint8Array } | { rle: number; size: number };

interface FrameSpec {
  /** Frame_Content_Size to declare (8-byte field), or none. */
  declared?: number | undefined;
  /** Window_Descriptor byte (default 0x38: 128 KiB); ignored when singleSegment. */
  window?: number;
  singleSegment?: boolean;
  dictionaryId?: number;
  parts: Part[];
}

function u32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

function blockHeader(last: boolean, type: number, size: number): number[] {
  const v = (last ? 1 : 0) | (type << 1) | (size << 3);
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff];
}

/** A zstd frame of raw and RLE blocks (no checksum). */
function zstdFrame(spec: FrameSpec): Uint8Array {
  const out: number[] = [0x28, 0xb5, 0x2f, 0xfd];
  const single = spec.singleSegment === true;
  const fcsFlag = spec.declared === undefined ? 0 : 3;
  const didFlag = spec.dictionaryId === undefined ? 0 : 3;
  out.push((fcsFlag << 6) | ((single ? 1 : 0) << 5) | didFlag);
  if (!single) out.push(spec.window ?? 0x38);
  if (spec.dictionaryId !== undefined) out.push(...u32(spec.dictionaryId));
  if (spec.declared !== undefined) out.push(...u32(spec.declared % 2 ** 32), ...u32(Math.floor(spec.declared / 2 ** 32)));
  const blocks: Array<[number, number, Uint8Array | number]> = []; // type, size, content
  for (const p of spec.parts) {
    if ("raw" in p) for (let o = 0; o < p.raw.length || o === 0; o += BLOCK) blocks.push([0, Math.min(BLOCK, p.raw.length - o), p.raw.subarray(o, o + BLOCK)]);
    else for (let left = p.size; left > 0; left -= BLOCK) blocks.push([1, Math.min(BLOCK, left), p.rle]);
  }
  const bytes: Uint8Array[] = [Uint8Array.from(out)];
  blocks.forEach(([type, size, content], i) => {
    const h = blockHeader(i === blocks.length - 1, type, size);
    bytes.push(type === 0 ? Uint8Array.from([...h, ...(content as Uint8Array)]) : Uint8Array.from([...h, content as number]));
  });
  return Buffer.concat(bytes);
}

/** A skippable frame carrying `data`. */
function skippableFrame(data: Uint8Array): Uint8Array {
  return Buffer.concat([Uint8Array.from([0x50, 0x2a, 0x4d, 0x18, ...u32(data.length)]), data]);
}

/** The XtmpError `f` throws (fails the test on success or on any other exception). */
function refusal(f: () => unknown): XtmpError {
  try {
    f();
  } catch (err) {
    if (err instanceof XtmpError) return err;
    throw err;
  }
  throw new Error("expected the message to be refused");
}

/** Memory growth (bytes) while `f` runs synchronously (no GC turn can release what it allocated). */
function growth(f: () => void): { rss: number; arrayBuffers: number } {
  const before = process.memoryUsage();
  f();
  const after = process.memoryUsage();
  return { rss: after.rss - before.rss, arrayBuffers: after.arrayBuffers - before.arrayBuffers };
}

const LIMIT = 4 * MiB;

describe("zstd decompression bombs", function () {
  this.timeout(60_000);

  describe("a compressed message is one zstd frame, decoded under a hard cap", () => {
    it("hand-built frames of raw and RLE blocks decode to their content (the builder is sound)", () => {
      const head = randomBytes(300);
      const out = decompressMessage(zstdFrame({ declared: 300 + 200 * KiB, parts: [{ raw: head }, { rle: 7, size: 200 * KiB }] }), LIMIT);
      expect(out.length).to.equal(300 + 200 * KiB);
      expect(Buffer.compare(out.subarray(0, 300), head)).to.equal(0);
      expect(out.subarray(300).every((b) => b === 7)).to.equal(true);
    });

    it("random payloads up to the limit round-trip; one byte over the limit is RESOURCE_EXHAUSTED", () => {
      for (const n of [0, 1, 255, 256, 70_000, 300 * KiB]) {
        const data = randomBytes(n);
        expect(Buffer.compare(decompressMessage(compressMessage(data), n), data)).to.equal(0);
      }
      const data = randomBytes(100 * KiB);
      expect(refusal(() => decompressMessage(compressMessage(data), data.length - 1)).code).to.equal(Code.RESOURCE_EXHAUSTED);
    });

    it("two concatenated frames, the second expanding to 1 GiB, are refused without allocating their output", () => {
      const first = zstdFrame({ declared: 16, parts: [{ raw: randomBytes(16) }] });
      const second = zstdFrame({ declared: 1024 * MiB, parts: [{ rle: 0, size: 1024 * MiB }] });
      const bomb = Buffer.concat([first, second]);
      expect(bomb.length).to.be.below(40 * KiB);
      let err: XtmpError | undefined;
      const g = growth(() => (err = refusal(() => decompressMessage(bomb, LIMIT))));
      expect(err?.code).to.equal(Code.INTERNAL);
      expect(g.arrayBuffers).to.be.below(LIMIT + MiB);
      expect(g.rss).to.be.below(200 * MiB);
    });

    it("a frame followed by a 1 GiB frame that declares no size is refused without allocating its output", () => {
      const bomb = Buffer.concat([zstdFrame({ declared: 16, parts: [{ raw: randomBytes(16) }] }), zstdFrame({ parts: [{ rle: 0, size: 1024 * MiB }] })]);
      let err: XtmpError | undefined;
      const g = growth(() => (err = refusal(() => decompressMessage(bomb, LIMIT))));
      expect(err?.code).to.equal(Code.INTERNAL);
      expect(g.arrayBuffers).to.be.below(LIMIT + MiB);
      expect(g.rss).to.be.below(200 * MiB);
    });

    it("a frame declaring 1000 bytes that holds 1 GiB is refused at the declared size", () => {
      const bomb = zstdFrame({ declared: 1000, parts: [{ rle: 0, size: 1024 * MiB }] });
      let err: XtmpError | undefined;
      const g = growth(() => (err = refusal(() => decompressMessage(bomb, LIMIT))));
      expect(err?.code).to.equal(Code.INTERNAL);
      expect(g.arrayBuffers).to.be.below(LIMIT + MiB);
      expect(g.rss).to.be.below(200 * MiB);
    });

    it("a frame declaring more than the limit is RESOURCE_EXHAUSTED before any decoding", () => {
      const bomb = zstdFrame({ declared: 1024 * MiB, parts: [{ rle: 0, size: 1024 * MiB }] });
      expect(refusal(() => decompressMessage(bomb, LIMIT)).code).to.equal(Code.RESOURCE_EXHAUSTED);
    });

    it("a frame without a declared content size is INTERNAL", () => {
      const e = refusal(() => decompressMessage(zstdFrame({ parts: [{ raw: randomBytes(100) }] }), LIMIT));
      expect(e.code).to.equal(Code.INTERNAL);
      expect(e.rawMessage).to.match(/declare/);
    });

    it("a frame followed by trailing garbage is INTERNAL", () => {
      const frame = compressMessage(randomBytes(2000));
      for (const tail of [Uint8Array.of(0), randomBytes(1), randomBytes(64)]) {
        expect(refusal(() => decompressMessage(Buffer.concat([frame, tail]), LIMIT)).code).to.equal(Code.INTERNAL);
      }
    });

    it("skippable frames (alone, before or after the frame) are INTERNAL", () => {
      const frame = compressMessage(randomBytes(2000));
      const skip = skippableFrame(randomBytes(32));
      for (const m of [skip, Buffer.concat([skip, frame]), Buffer.concat([frame, skip])]) {
        expect(refusal(() => decompressMessage(m, LIMIT)).code).to.equal(Code.INTERNAL);
      }
    });

    it("a frame declaring a window above 8 MiB is INTERNAL; exactly 8 MiB is accepted", () => {
      const body = randomBytes(1000);
      // Window_Descriptor: exponent (windowLog - 10) in the high 5 bits, mantissa (eighths) in the low 3
      for (const wd of [(21 << 3) | 7, 21 << 3, (13 << 3) | 1]) {
        const e = refusal(() => decompressMessage(zstdFrame({ declared: 1000, window: wd, parts: [{ raw: body }] }), LIMIT));
        expect(e.code).to.equal(Code.INTERNAL);
        expect(e.rawMessage).to.match(/window/);
      }
      const ok = decompressMessage(zstdFrame({ declared: 1000, window: 13 << 3, parts: [{ raw: body }] }), LIMIT);
      expect(Buffer.compare(ok, body)).to.equal(0);
    });

    it("a frame that references a dictionary is INTERNAL", () => {
      const e = refusal(() => decompressMessage(zstdFrame({ declared: 100, dictionaryId: 12345, parts: [{ raw: randomBytes(100) }] }), LIMIT));
      expect(e.code).to.equal(Code.INTERNAL);
    });

    it("mutated and truncated frames fail with a clean XtmpError and never exceed the cap", () => {
      const base = compressMessage(randomBytes(3000));
      const bomb = zstdFrame({ declared: 3000, parts: [{ raw: randomBytes(1000) }, { rle: 9, size: 2000 }] });
      fc.assert(
        fc.property(fc.constantFrom(base, bomb), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.nat(), (frame, edits, cut) => {
          const m = Uint8Array.from(frame);
          for (const [at, v] of edits) m[at % m.length] = v;
          try {
            const out = decompressMessage(m.subarray(0, m.length - (cut % 8)), 4096);
            expect(out.length).to.be.at.most(4096);
          } catch (err) {
            expect(err).to.be.instanceOf(XtmpError);
            expect((err as XtmpError).code).to.be.oneOf([Code.INTERNAL, Code.RESOURCE_EXHAUSTED]);
          }
        }),
        { numRuns: 500 },
      );
    });
  });

  describe("per-session decompression budget", () => {
    it("admits while not in debt, refuses when spent, refills at its rate", () => {
      let now = 0;
      const b = new DecompressionBudget({ bytesPerSecond: 1000, burstBytes: 3000, now: () => now });
      expect(b.charge(2000)).to.equal(true);
      expect(b.charge(2000)).to.equal(true); // into debt: -1000
      expect(b.charge(1)).to.equal(false);
      now += 1000; // +1000 -> 0: still nothing left
      expect(b.charge(1)).to.equal(false);
      now += 1;
      expect(b.charge(500)).to.equal(true);
      now += 1_000_000; // refills to the burst, not beyond
      expect(b.charge(3000)).to.equal(true);
      expect(b.charge(1)).to.equal(false);
      expect(b.admittedBytes).to.equal(7500);
      expect(b.refusedMessages).to.equal(3);
    });

    it("many small bombs are refused once the session's budget is spent (RESOURCE_EXHAUSTED, nothing decoded)", () => {
      const now = 0; // the clock does not move: only the burst is available
      const budget = new DecompressionBudget({ bytesPerSecond: 8 * MiB, now: () => now });
      const bomb = zstdFrame({ declared: LIMIT, parts: [{ rle: 0, size: LIMIT }] });
      expect(bomb.length).to.be.below(200);
      let decoded = 0;
      let refused = 0;
      for (let i = 0; i < 1000; i++) {
        try {
          decoded += decompressMessage(bomb, LIMIT, budget).length;
        } catch (err) {
          expect(err).to.be.instanceOf(XtmpError);
          expect((err as XtmpError).code).to.equal(Code.RESOURCE_EXHAUSTED);
          refused++;
        }
      }
      // the documented bound: burst + one message + 8x the compressed bytes received
      expect(decoded).to.be.at.most(8 * MiB + LIMIT + 8 * bomb.length * 1000);
      expect(refused).to.be.at.least(997);
      expect(budget.refusedMessages).to.equal(refused);
    });

    it("charges only the output beyond 8x the compressed size: ordinary data costs nothing", () => {
      const now = 0;
      const b = new DecompressionBudget({ bytesPerSecond: 1000, now: () => now });
      for (let i = 0; i < 10_000; i++) expect(b.charge(8000, 1000)).to.equal(true); // 80 MB at 8x, free
      expect(b.charge(9000, 1000)).to.equal(true); // costs 1000: the whole burst
      expect(b.charge(8001, 1000)).to.equal(false); // costs 1: refused
      expect(b.charge(8000, 1000)).to.equal(true); // still free
      const all = new DecompressionBudget({ bytesPerSecond: 1000, freeRatio: 0, now: () => now });
      expect(all.charge(1000, 1000)).to.equal(true);
      expect(all.charge(1, 1000)).to.equal(false);
    });

    it("compressed random payloads are never refused by the budget", () => {
      const budget = new DecompressionBudget({ bytesPerSecond: 1, burstBytes: 1 });
      for (let i = 0; i < 50; i++) {
        const data = randomBytes(64 * KiB);
        expect(Buffer.compare(decompressMessage(compressMessage(data), LIMIT, budget), data)).to.equal(0);
      }
      expect(budget.refusedMessages).to.equal(0);
    });

    it("rejects a non-positive rate", () => {
      expect(() => new DecompressionBudget({ bytesPerSecond: 0 })).to.throw(RangeError);
      expect(() => new DecompressionBudget({ bytesPerSecond: -1 })).to.throw(RangeError);
    });
  });

  describe("end to end: a server receiving bombs as request messages", () => {
    const serverId = generateIdentity();
    const server = createServer({ identity: serverId });
    server.add(TestServiceDefinition, testServiceImpl);
    let address = "";
    const channels: Channel[] = [];
    const open = () => {
      const c = createChannel(address, { serverKey: serverId.publicKey });
      channels.push(c);
      return c;
    };
    before(async () => {
      address = `xtmp://127.0.0.1:${(await server.listen("xtmp://127.0.0.1:0")).port}`;
    });
    after(() => {
      for (const c of channels) c.close();
      server.forceShutdown();
    });

    /** Sends `bytes` flagged COMPRESSED as the one request of UnaryCall, bypassing the client's encoder. */
    async function rawUnary(channel: Channel, bytes: Uint8Array): Promise<Code> {
      const { mux } = await channel.session();
      return new Promise<Code>((resolve) => {
        const stream = mux.openStream(encodeHeaderBlock([[":path", TestServiceDefinition.methods.unaryCall.path]]), {
          onHeaders() {},
          onMessage: () => stream.messageConsumed(),
          onEnd() {},
          onTrailers: (block) => resolve(Number(pseudoText(decodeHeaderBlock(block), ":status")) as Code),
          onReset: (e) => resolve(e.code),
          onDrain() {},
        });
        stream.sendMessage(bytes, FrameFlags.COMPRESSED);
        stream.end();
      });
    }

    /** A valid SimpleRequest of exactly `size` bytes (its body is zeros, encoded last) in one hand-built frame. */
    function requestBomb(size: number): Uint8Array {
      for (let head = 1; head < 16; head++) {
        const full = SimpleRequest.encode(SimpleRequest.fromPartial({ payload: { type: 0, body: new Uint8Array(size - head) } })).finish();
        if (full.length === size) return zstdFrame({ declared: size, parts: [{ raw: full.slice(0, head) }, { rle: 0, size: size - head }] });
      }
      throw new Error(`no SimpleRequest of exactly ${size} bytes`);
    }

    async function legitimateCall(channel: Channel): Promise<void> {
      const client = createClient(TestServiceDefinition, channel);
      const body = randomBytes(64 * KiB);
      const res = await client.unaryCall({ responseSize: 1000, payload: { type: 0, body }, expectCompressed: { value: true } }, { compress: true, deadline: 20_000 });
      expect(res.payload?.body.length).to.equal(1000);
    }

    it("the hand-built request bomb is a valid message (the server accepts one)", async () => {
      expect(await rawUnary(open(), requestBomb(LIMIT))).to.equal(Code.OK);
    });

    it("a message of two frames whose second expands to 1 GiB fails INTERNAL and the server keeps serving", async () => {
      const channel = open();
      const bomb = Buffer.concat([requestBomb(1000), zstdFrame({ declared: 1024 * MiB, parts: [{ rle: 0, size: 1024 * MiB }] })]);
      expect(await rawUnary(channel, bomb)).to.equal(Code.INTERNAL);
      await legitimateCall(channel);
      await legitimateCall(open());
    });

    it("a frame followed by a skippable frame fails INTERNAL", async () => {
      expect(await rawUnary(open(), Buffer.concat([requestBomb(1000), skippableFrame(randomBytes(16))]))).to.equal(Code.INTERNAL);
    });

    it("a flood of small messages each expanding to the size limit hits the session budget: RESOURCE_EXHAUSTED, and the server keeps serving", async () => {
      const channel = open();
      const bomb = requestBomb(LIMIT);
      expect(bomb.length).to.be.below(200);
      const codes = new Map<Code, number>();
      // 40 waves of 50 calls demand 8 GiB of decompression; the default budget (64 MiB/s) stops it
      // within the first waves unless the server took minutes over them
      for (let wave = 0; wave < 40 && !codes.has(Code.RESOURCE_EXHAUSTED); wave++) {
        const results = await Promise.all(Array.from({ length: 50 }, () => rawUnary(channel, bomb)));
        for (const c of results) codes.set(c, (codes.get(c) ?? 0) + 1);
      }
      expect(codes.get(Code.RESOURCE_EXHAUSTED) ?? 0).to.be.above(0);
      expect([...codes.keys()].every((c) => c === Code.OK || c === Code.RESOURCE_EXHAUSTED), `statuses ${JSON.stringify([...codes])}`).to.equal(true);
      // uncompressed calls on the same session and compressed ones on a new session are served
      const client = createClient(TestServiceDefinition, channel);
      expect((await client.unaryCall({ responseSize: 10, payload: { type: 0, body: randomBytes(100) } }, { compress: false })).payload?.body.length).to.equal(10);
      await legitimateCall(open());
    });
  });
});
