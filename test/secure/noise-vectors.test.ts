// Every Noise vector of the flynn/noise suite (25519, ChaChaPoly/AESGCM, SHA256) on both backends, byte for byte.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { nobleCrypto } from "../../src/secure/crypto-noble.js";
import { nodeCrypto } from "../../src/secure/crypto-node.js";
import type { CipherName, CryptoBackend, KeyPair } from "../../src/secure/crypto.js";
import { HandshakeState } from "../../src/secure/noise/handshake-state.js";

type Vector = Record<string, string>;
const text = readFileSync(new URL("../vectors/noise/flynn-noise-vectors.txt", import.meta.url), "utf8");
const vectors: Vector[] = text
  .split(/\n\s*\n/)
  .map((block) => Object.fromEntries(block.split("\n").filter((l) => l.includes("=")).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)])) as Vector)
  .filter((v) => v.handshake);

const hex = (s: string | undefined): Uint8Array => new Uint8Array(Buffer.from(s ?? "", "hex"));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

function keyPair(crypto: CryptoBackend, priv: string | undefined): KeyPair | undefined {
  if (!priv) return undefined;
  const privateKey = hex(priv);
  return { privateKey, publicKey: crypto.x25519PublicKey(privateKey) };
}

function run(crypto: CryptoBackend, v: Vector): number {
  const [, pattern, , cipher] = (v.handshake as string).split("_") as [string, string, string, CipherName, string];
  const psks = v.preshared_key ? [hex(v.preshared_key), hex(v.preshared_key)] : [];
  const is = keyPair(crypto, v.init_static);
  const rsk = keyPair(crypto, v.resp_static);
  const common = { pattern, cipher, crypto, prologue: hex(v.prologue) };
  const init = new HandshakeState({ ...common, initiator: true, s: is, e: keyPair(crypto, v.gen_init_ephemeral), rs: rsk?.publicKey, psks: [...psks] });
  const resp = new HandshakeState({ ...common, initiator: false, s: rsk, e: keyPair(crypto, v.gen_resp_ephemeral), rs: is?.publicKey, psks: [...psks] });
  let i = 0;
  for (; v[`msg_${i}_ciphertext`] !== undefined && !init.complete; i++) {
    const [w, r] = i % 2 === 0 ? [init, resp] : [resp, init];
    const ct = w.writeMessage(hex(v[`msg_${i}_payload`]));
    expect(toHex(ct), `${v.handshake} msg ${i}`).to.equal(v[`msg_${i}_ciphertext`]);
    expect(toHex(r.readMessage(ct)), `${v.handshake} msg ${i} payload`).to.equal(v[`msg_${i}_payload`]);
  }
  expect(resp.complete).to.equal(true);
  expect(toHex(init.handshakeHash)).to.equal(toHex(resp.handshakeHash));
  const a = init.split();
  const b = resp.split();
  // transport messages alternate starting with the initiator, one-way patterns included (the
  // vectors exercise the second cipher state there too)
  const first = i;
  for (; v[`msg_${i}_ciphertext`] !== undefined; i++) {
    const fromInit = (i - first) % 2 === 0;
    const [send, recv] = fromInit ? [a.send, b.recv] : [b.send, a.recv];
    const ct = send.encryptWithAd(new Uint8Array(0), hex(v[`msg_${i}_payload`]));
    expect(toHex(ct), `${v.handshake} transport msg ${i}`).to.equal(v[`msg_${i}_ciphertext`]);
    expect(toHex(recv.decryptWithAd(new Uint8Array(0), ct) ?? new Uint8Array()), `${v.handshake} transport ${i}`).to.equal(v[`msg_${i}_payload`]);
  }
  return i;
}

for (const crypto of [nodeCrypto, nobleCrypto]) {
  describe(`Noise vectors (${crypto.name} backend)`, function () {
    this.timeout(120_000);
    it(`reproduces all ${vectors.length} vectors, including XX, IK and NK`, () => {
      const names = new Set<string>();
      let messages = 0;
      for (const v of vectors) {
        messages += run(crypto, v);
        names.add((v.handshake as string).split("_")[1] as string);
      }
      expect(vectors.length).to.equal(480);
      expect([...names]).to.include.members(["XX", "IK", "NK", "XXpsk3", "N"]);
      expect(messages).to.equal(1968);
    });
  });
}
