// Byte-exact XTMP session transcripts (fixed identities, ephemerals and KEM randomness) against the committed test/vectors/xtmp/ files.
import { expect } from "chai";
import { ml_kem768 } from "@noble/post-quantum/ml-kem.js";
import { readFileSync } from "node:fs";
import { nobleCrypto } from "../../src/secure/crypto-noble.js";
import { nodeCrypto } from "../../src/secure/crypto-node.js";
import type { CryptoBackend } from "../../src/secure/crypto.js";
import { identityFromSeed } from "../../src/secure/identity.js";
import { mlKem768, type Kem } from "../../src/secure/kem.js";
import { FrameType } from "../../src/wire/frame-types.js";
import { establish, inbox, ok, recordingPair } from "../helpers/sessions.js";
import type { TranscriptVector } from "../helpers/transcript-vectors.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const unhex = (s: string) => new Uint8Array(Buffer.from(s, "hex"));
const bytes = (start: number, n = 32) => new Uint8Array(Array.from({ length: n }, (_, i) => (start + i) & 0xff));

type Vector = TranscriptVector;

/** A backend whose "random" ephemeral keys are fixed, so a whole session is reproducible. */
function fixedEphemerals(base: CryptoBackend, privs: Uint8Array[]): CryptoBackend {
  const queue = [...privs];
  return {
    ...base,
    x25519Generate() {
      const privateKey = queue.shift();
      if (!privateKey) throw new Error("no more fixed ephemerals");
      return { privateKey: privateKey.slice(), publicKey: base.x25519PublicKey(privateKey) };
    },
  };
}

function fixedKem(seed: Uint8Array, msg: Uint8Array): Kem {
  return { ...mlKem768, generate: () => ml_kem768.keygen(seed), encapsulate: (pk) => ml_kem768.encapsulate(pk, msg) };
}

async function transcript(v: Omit<Vector, "handshake_hash" | "messages">, crypto: CryptoBackend): Promise<Vector> {
  const client = identityFromSeed(unhex(v.client_identity_seed));
  const server = identityFromSeed(unhex(v.server_identity_seed));
  const pq = v.mode.endsWith("hfs");
  const kem = pq ? fixedKem(unhex(v.kem_keygen_seed as string), unhex(v.kem_encapsulate_message as string)) : mlKem768;
  const { pair, written } = recordingPair();
  const order: Array<[string, string]> = [];
  const [a, b] = pair;
  const tap = (d: typeof a, side: string): typeof a => ({ ...d, write: (c) => (order.push([side, hex(c)]), d.write(c)), close: () => d.close(), setReceiver: (r) => d.setReceiver(r) });
  const [c, s] = await establish(
    { identity: client, maxRecordPlaintext: 16384, cipher: v.cipher, crypto: fixedEphemerals(crypto, [unhex(v.client_ephemeral_private)]), kem, postQuantum: pq, ...(v.mode.startsWith("IK") ? { serverKey: server.publicKey } : {}) },
    { identity: server, maxRecordPlaintext: 16384, crypto: fixedEphemerals(crypto, [unhex(v.server_ephemeral_private)]), kem },
    [tap(a, "c"), tap(b, "s")],
  );
  const si = inbox(ok(s));
  const ci = inbox(ok(c));
  ok(c).send({ type: FrameType.DATA, flags: 1, streamId: 1, payload: new TextEncoder().encode("hello over XTMP") });
  await si.waitFor(1);
  ok(s).send({ type: FrameType.DATA, flags: 1, streamId: 1, payload: new TextEncoder().encode("hello back") });
  await ci.waitFor(1);
  expect(written.client.length + written.server.length).to.equal(order.length);
  return { ...v, handshake_hash: hex(ok(c).info.handshakeHash), messages: order };
}

const CASES: Array<Omit<Vector, "handshake_hash" | "messages">> = [
  { description: "Noise XX, AES-256-GCM, then one DATA frame each way", cipher: "AESGCM", mode: "XX", client_identity_seed: hex(bytes(0x00)), server_identity_seed: hex(bytes(0x20)), client_ephemeral_private: hex(bytes(0x40)), server_ephemeral_private: hex(bytes(0x60)) },
  { description: "Noise IK (client pins the server), ChaCha20-Poly1305", cipher: "ChaChaPoly", mode: "IK", client_identity_seed: hex(bytes(0x00)), server_identity_seed: hex(bytes(0x20)), client_ephemeral_private: hex(bytes(0x40)), server_ephemeral_private: hex(bytes(0x60)) },
  { description: "Noise XXhfs: hybrid X25519 + ML-KEM-768, AES-256-GCM", cipher: "AESGCM", mode: "XXhfs", client_identity_seed: hex(bytes(0x00)), server_identity_seed: hex(bytes(0x20)), client_ephemeral_private: hex(bytes(0x40)), server_ephemeral_private: hex(bytes(0x60)), kem_keygen_seed: hex(bytes(0x80, 64)), kem_encapsulate_message: hex(bytes(0xc0)) },
];

describe("XTMP transcript vectors", function () {
  this.timeout(20_000);
  for (const spec of CASES) {
    const file = new URL(`../vectors/xtmp/${spec.mode.toLowerCase()}-${spec.cipher.toLowerCase()}.json`, import.meta.url);
    it(`${spec.mode} ${spec.cipher}: byte-exact on both backends`, async () => {
      // the vector is a committed file; this test only reads it (a missing file fails here)
      const expected = JSON.parse(readFileSync(file, "utf8")) as Vector;
      const { handshake_hash: _h, messages: _m, ...inputs } = expected;
      expect(inputs, "the committed vector's inputs").to.deep.equal(spec);
      expect(expected.messages.length, "the committed vector's messages").to.be.greaterThan(0);
      const node = await transcript(spec, nodeCrypto);
      expect(node).to.deep.equal(expected);
      expect(await transcript(spec, nobleCrypto)).to.deep.equal(expected);
    });
  }
});
