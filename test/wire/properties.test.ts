// Property tests for every wire parser: any input parses or is a protocol error; encode∘decode is identity.
import { expect } from "chai";
import fc from "fast-check";
import { XtmpError } from "../../src/status/error.js";
import { ByteQueue } from "../../src/wire/byte-queue.js";
import { crc32c } from "../../src/wire/crc32c.js";
import { encodeFrames, MAX_STREAM_ID, parseFrame, parseFrames, type Frame } from "../../src/wire/frame.js";
import { classifyFrameType, FrameType } from "../../src/wire/frame-types.js";
import { encodeClientHello, encodeServerHello, HelloStatus, parseClientHello, parseServerHello } from "../../src/wire/preamble.js";
import { readLength } from "../../src/wire/record.js";
import { encodeTlv, parseTlv } from "../../src/wire/tlv.js";
import { MAX_VARINT, readVarint, varintSize, writeVarint } from "../../src/wire/varint.js";

/** Runs `f`; passes when it returns or throws an XtmpError (a protocol error), fails on anything else. */
function parsesOrProtocolError(f: () => unknown): void {
  try {
    f();
  } catch (err) {
    if (!(err instanceof XtmpError)) throw new Error(`threw a non-protocol error: ${String(err)}`);
    expect(err.message).to.match(/protocol error/);
  }
}

const knownTypes = fc.constantFrom(...Object.values(FrameType).filter((v): v is number => typeof v === "number" && v !== 0));
const frameArb: fc.Arbitrary<Frame> = fc.record({
  type: fc.oneof(knownTypes, fc.integer({ min: 0x80, max: 0xff })),
  flags: fc.integer({ min: 0, max: 255 }),
  streamId: fc.oneof(fc.constant(0), fc.constant(MAX_STREAM_ID), fc.integer({ min: 0, max: MAX_STREAM_ID })),
  payload: fc.uint8Array({ maxLength: 300 }),
});

describe("wire properties", () => {
  it("varint: encode∘decode is identity; sizes match; random bytes parse or fail cleanly", () => {
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom(0, 127, 128, 16383, 16384, MAX_VARINT), fc.integer({ min: 0, max: MAX_VARINT })), (v) => {
        const buf = new Uint8Array(5);
        const end = writeVarint(buf, 0, v);
        expect(end).to.equal(varintSize(v));
        expect(readVarint(buf.subarray(0, end), 0)).to.deep.equal([v, end]);
        expect(readVarint(buf.subarray(0, end - 1), 0)).to.equal(undefined);
      }),
    );
    fc.assert(fc.property(fc.uint8Array({ maxLength: 8 }), (b) => parsesOrProtocolError(() => readVarint(b, 0))));
    expect(() => readVarint(new Uint8Array([0x80, 0x00]), 0)).to.throw(/overlong/);
    expect(() => readVarint(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x7f]), 0)).to.throw(/exceeds 32 bits/);
  });

  it("frames: encode∘decode is identity for random frame lists (unknown extension types skipped)", () => {
    fc.assert(
      fc.property(fc.array(frameArb, { maxLength: 20 }), (frames) => {
        const bytes = encodeFrames(frames);
        const parsed = parseFrames(bytes, 1 << 20).map((f) => ({ ...f, payload: f.payload.slice() }));
        expect(parsed).to.deep.equal(frames.filter((f) => classifyFrameType(f.type) === "known"));
      }),
    );
  });

  it("frames: random bytes parse or fail with a protocol error; payloads are views, never copies", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 0, max: 300 }), (bytes, max) => {
        parsesOrProtocolError(() => {
          let off = 0;
          for (let r = parseFrame(bytes, off, max); r; r = parseFrame(bytes, off, max)) {
            expect(r[0].payload.buffer).to.equal(bytes.buffer);
            expect(r[0].payload.length).to.be.at.most(max);
            expect(r[1]).to.be.greaterThan(off);
            off = r[1];
          }
        });
      }),
      { numRuns: 2000 },
    );
  });

  it("frames: a declared length over the limit fails before the payload is read", () => {
    const bytes = new Uint8Array([FrameType.DATA, 0, 1, 0xff, 0xff, 0x03]); // length 65535, no payload present
    expect(() => parseFrame(bytes, 0, 1024)).to.throw(/exceeds 1024/);
    expect(() => parseFrame(new Uint8Array([0x7f, 0, 0, 0]), 0, 10)).to.throw(/unknown frame type/);
  });

  it("records: length prefixes over the limit are refused; the queue reassembles any chunking", () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 2, maxLength: 2 }), fc.integer({ min: 0, max: 70000 }), (b, max) => parsesOrProtocolError(() => readLength(b, max))));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 500 }), fc.array(fc.integer({ min: 1, max: 60 }), { maxLength: 30 }), (data, cuts) => {
        const q = new ByteQueue();
        let off = 0;
        for (const c of cuts) {
          q.push(data.subarray(off, Math.min(data.length, off + c)));
          off = Math.min(data.length, off + c);
        }
        q.push(data.subarray(off));
        const out: number[] = [];
        while (q.length > 0) out.push(...q.take(Math.min(q.length, 7)));
        expect(out).to.deep.equal([...data]);
      }),
    );
  });

  it("preamble: hellos round-trip; random bytes parse or fail cleanly", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), (version, mode, cipher, features) => {
        expect(parseClientHello(encodeClientHello({ version, mode, cipher, features }))).to.deep.equal({ version, mode, cipher, features });
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.string({ maxLength: 100 }), (status, reason) => {
        const [h, used] = parseServerHello(encodeServerHello({ version: 1, status, features: 3, reason })) ?? [];
        expect(h?.reason).to.equal(new TextDecoder().decode(new TextEncoder().encode(reason)));
        expect(used).to.be.greaterThan(8);
      }),
    );
    expect(parseServerHello(encodeServerHello({ version: 1, status: HelloStatus.OK, features: 1 }))?.[1]).to.equal(8);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), (b) => parsesOrProtocolError(() => (parseClientHello(b), parseServerHello(b)))));
  });

  it("tlv: encode∘parse is identity; random bytes parse or fail cleanly", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 200 })), { selector: ([t]) => t, maxLength: 10 }), (entries) => {
        const parsed = parseTlv(encodeTlv(entries));
        expect([...parsed].map(([t, v]) => [t, [...v]])).to.deep.equal(entries.map(([t, v]) => [t, [...v]]));
      }),
    );
    fc.assert(fc.property(fc.uint8Array({ maxLength: 100 }), (b) => parsesOrProtocolError(() => parseTlv(b))));
  });

  it("crc32c matches the standard check value", () => {
    expect(crc32c(new TextEncoder().encode("123456789"))).to.equal(0xe3069283);
    expect(crc32c(new Uint8Array(32))).to.equal(0x8a9136aa); // RFC 3720 B.4: 32 bytes of zeros
    expect(crc32c(new Uint8Array(32).fill(0xff))).to.equal(0x62a8ab43); // RFC 3720 B.4: 32 bytes of 0xff
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).to.equal(0x46dd794e); // RFC 3720 B.4: 0..31
  });

  it("crc32c (16 bytes per step over aligned words) equals a bit-at-a-time CRC at every length and alignment", () => {
    const bitwise = (d: Uint8Array): number => {
      let c = 0xffffffff;
      for (const byte of d) {
        c ^= byte;
        for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
      }
      return (c ^ 0xffffffff) >>> 0;
    };
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 0, max: 7 }), (bytes, shift) => {
        const backing = new Uint8Array(bytes.length + shift);
        backing.set(bytes, shift);
        expect(crc32c(backing.subarray(shift))).to.equal(bitwise(bytes));
      }),
      { numRuns: 500 },
    );
  });
});
