// test/vectors/xtmp/batch.json (computed independently from PROTOCOL.md §8, §10, §11.7): this implementation's bytes match.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { DEFAULT_SETTINGS, decodeSettings, encodeSettings } from "../../src/mux/control.js";
import { joinBatch, splitBatch } from "../../src/rpc/batch.js";
import { acceptSession } from "../../src/secure/handshake.js";
import { Crc32cProtector } from "../../src/secure/protector.js";
import { XtmpError } from "../../src/status/error.js";
import { duplexPair } from "../../src/transport/memory.js";
import { encodeFrames } from "../../src/wire/frame.js";
import { FrameFlags, FrameType } from "../../src/wire/frame-types.js";

interface BatchVectors {
  messages: string[];
  batch: string;
  data_frame_stream3: string;
  settings_defaults_with_batches: string;
  malformed_batches: Array<{ name: string; hex: string }>;
  insecure_large_records: { client_hello: string; server_hello: string; record_plaintext_length: number; record_prefix: string; record_crc32c: string };
}

const v = JSON.parse(readFileSync(new URL("../vectors/xtmp/batch.json", import.meta.url), "utf8")) as BatchVectors;
const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "hex"));

describe("batch and LARGE_RECORDS vectors", () => {
  it("a batch of three messages and its DATA frame (END_MESSAGE | BATCH, stream 3) are byte for byte the vector's", () => {
    const [bytes, next] = joinBatch(v.messages.map(unhex), 0, 1 << 16);
    expect(next).to.equal(3);
    expect(hex(bytes)).to.equal(v.batch);
    expect(splitBatch(unhex(v.batch), 1 << 20).map(hex)).to.deep.equal(v.messages);
    expect(hex(encodeFrames([{ type: FrameType.DATA, flags: FrameFlags.END_MESSAGE | FrameFlags.BATCH, streamId: 3, payload: bytes }]))).to.equal(v.data_frame_stream3);
  });

  it("SETTINGS with the defaults announces BATCH_MESSAGES = 1 exactly as the vector, and parses back", () => {
    expect(hex(encodeSettings(DEFAULT_SETTINGS))).to.equal(v.settings_defaults_with_batches);
    expect(decodeSettings(unhex(v.settings_defaults_with_batches), DEFAULT_SETTINGS).batchMessages).to.equal(true);
  });

  it("every malformed batch of the vector is refused with an XtmpError", () => {
    for (const m of v.malformed_batches) expect(() => splitBatch(unhex(m.hex), 1 << 20), m.name).to.throw(XtmpError);
  });

  it("insecure LARGE_RECORDS: the server answers the vector's ClientHello with its ServerHello, and a 65,519-byte record has the vector's prefix and CRC-32C", async () => {
    const L = v.insecure_large_records;
    const [client, server] = duplexPair();
    const got: Uint8Array[] = [];
    client.setReceiver({ onData: (c) => void got.push(c.slice()), onEnd: () => undefined });
    const session = acceptSession(server, { insecure: true });
    client.write(unhex(L.client_hello));
    const s = await session;
    expect(hex(Buffer.concat(got))).to.equal(L.server_hello);
    expect(s.maxFramePayload).to.equal(65519 - 16);
    const pt = new Uint8Array(L.record_plaintext_length);
    pt.set([FrameType.DATA, 1, 1, 0xe9, 0xff, 0x03]); // DATA, END_MESSAGE, stream 1, length 65513
    for (let i = 0; i < 65513; i++) pt[6 + i] = (7 * i) & 0xff;
    const out: Uint8Array[] = [];
    new Crc32cProtector().seal([pt], pt.length, out);
    const body = out[0] as Uint8Array;
    expect((body.length >> 8).toString(16).padStart(2, "0") + (body.length & 0xff).toString(16).padStart(2, "0")).to.equal(L.record_prefix);
    expect(hex(body.subarray(body.length - 4))).to.equal(L.record_crc32c);
    s.close();
  });
});
