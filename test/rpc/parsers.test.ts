// Property tests for the parsers above the wire: header blocks, mux control payloads, datagrams,
// certificates, zstd frame headers. Any input parses or gives an XtmpError; encode∘decode is identity.
import { expect } from "chai";
import fc from "fast-check";
import { decodeGoAway, decodeReset, decodeSettings, decodeWindowUpdate, DEFAULT_SETTINGS, encodeGoAway, encodeReset, encodeSettings, encodeWindowUpdate } from "../../src/mux/control.js";
import { compressMessage, decompressMessage, zstdContentSize } from "../../src/rpc/compression.js";
import { decodeHeaderBlock, encodeHeaderBlock } from "../../src/rpc/header-block.js";
import { Metadata } from "../../src/rpc/metadata.js";
import { parseCertificate } from "../../src/secure/certificate.js";
import { Code, XtmpError } from "../../src/status/error.js";
import { decodeDatagram, encodeDatagramMessages } from "../../src/wire/datagram.js";

function cleanly(f: () => unknown): void {
  try {
    f();
  } catch (err) {
    if (!(err instanceof XtmpError)) throw new Error(`threw a non-XtmpError: ${String(err)}`);
  }
}

const key = fc.stringMatching(/^[a-z0-9_.-]{1,12}$/);
const asciiValue = fc.stringMatching(/^[\x20-\x7e]{0,20}$/);

describe("parser properties", () => {
  it("header blocks: encode∘decode keeps pseudo-headers and metadata; random bytes fail cleanly", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(key.map((k) => `:${k}`), fc.string({ maxLength: 20 })), { maxLength: 4 }),
        fc.array(fc.oneof(fc.tuple(key.filter((k) => !k.endsWith("-bin")), asciiValue), fc.tuple(key.map((k) => `${k}-bin`), fc.uint8Array({ maxLength: 20 }))), { maxLength: 6 }),
        (pseudo, md) => {
          const metadata = new Metadata(md as Array<[string, string | Uint8Array]>);
          const h = decodeHeaderBlock(encodeHeaderBlock(pseudo, metadata));
          const lastPseudo = new Map(pseudo.map(([k, v]) => [k, new TextEncoder().encode(v)]));
          expect([...h.pseudo].map(([k, v]) => [k, [...v]])).to.deep.equal([...lastPseudo].map(([k, v]) => [k, [...v]]));
          expect([...h.metadata]).to.deep.equal([...metadata]);
        },
      ),
    );
    fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), (b) => cleanly(() => decodeHeaderBlock(b))));
  });

  it("SETTINGS BATCH_MESSAGES (id 4): 1 accepts batches, 0 does not, absent keeps the default (false), other values are malformed", () => {
    const settings = (...pairs: number[]) => new Uint8Array(pairs);
    expect(decodeSettings(settings(4, 1), DEFAULT_SETTINGS).batchMessages).to.equal(true);
    expect(decodeSettings(settings(4, 0), { ...DEFAULT_SETTINGS, batchMessages: true }).batchMessages).to.equal(false);
    expect(decodeSettings(settings(2, 5), DEFAULT_SETTINGS).batchMessages).to.equal(false);
    expect(() => decodeSettings(settings(4, 2), DEFAULT_SETTINGS)).to.throw(/malformed SETTINGS/);
  });

  it("mux control payloads round-trip; random bytes fail cleanly", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 0x7fffffff }), fc.integer({ min: 0, max: 1 << 20 }), fc.integer({ min: 1, max: 16 }), fc.string({ maxLength: 40 }), (w, streams, code, msg) => {
        expect(decodeWindowUpdate(encodeWindowUpdate(w))).to.equal(w);
        // this implementation always announces BATCH_MESSAGES = 1 (§11.7)
        const s = { ...DEFAULT_SETTINGS, maxConcurrentStreams: streams };
        expect(decodeSettings(encodeSettings(s), DEFAULT_SETTINGS)).to.deep.equal({ ...s, batchMessages: true });
        expect(decodeReset(encodeReset(code, msg)).code).to.equal(code);
        expect(decodeGoAway(encodeGoAway(w, code, msg)).lastStreamId).to.equal(w);
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 30 }), (b) => {
        cleanly(() => decodeSettings(b, DEFAULT_SETTINGS));
        cleanly(() => decodeWindowUpdate(b));
        cleanly(() => decodeReset(b));
        cleanly(() => decodeGoAway(b));
      }),
    );
  });

  it("datagram plaintexts round-trip; random bytes fail cleanly", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ streamId: fc.integer({ min: 1, max: 1 << 30 }), seq: fc.integer({ min: 1, max: 1 << 30 }), payload: fc.uint8Array({ maxLength: 50 }) }), { maxLength: 8 }), (msgs) => {
        const d = decodeDatagram(encodeDatagramMessages(msgs));
        expect(d.messages?.map((m) => ({ ...m, payload: m.payload.slice() }))).to.deep.equal(msgs);
      }),
    );
    fc.assert(fc.property(fc.uint8Array({ maxLength: 60 }), (b) => cleanly(() => decodeDatagram(b))));
  });

  it("certificates: random bytes are refused with UNAUTHENTICATED, never another error", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        try {
          parseCertificate(b);
        } catch (err) {
          expect(err).to.be.instanceOf(XtmpError);
          expect((err as XtmpError).code).to.equal(Code.UNAUTHENTICATED);
        }
      }),
    );
  });

  it("zstd: declared sizes are read from any frame header; random bytes fail cleanly", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), (data) => {
        const z = compressMessage(data);
        expect(zstdContentSize(z)).to.equal(data.length);
        expect([...decompressMessage(z, data.length)]).to.deep.equal([...data]);
      }),
      { numRuns: 50 },
    );
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), (b) => cleanly(() => decompressMessage(b, 1 << 20))));
  });
});
