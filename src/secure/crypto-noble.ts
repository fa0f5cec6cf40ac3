// @noble/* backend: audited pure JavaScript, for browsers and as a cross-check of node:crypto.
import { gcm } from "@noble/ciphers/aes.js";
import { chacha20poly1305 } from "@noble/ciphers/chacha.js";
import { ed25519, x25519 } from "@noble/curves/ed25519.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { hmac } from "@noble/hashes/hmac.js";
import { sha256, sha512 } from "@noble/hashes/sha2.js";
import { randomBytes } from "@noble/hashes/utils.js";
import { concatBytes } from "../wire/bytes.js";
import { assertNonZero, LowOrderPointError, type Aead, type CipherName, type CryptoBackend } from "./crypto.js";

// one part needs no copy: AEAD inputs are only read
const concat = (parts: Uint8Array[]): Uint8Array => (parts.length === 1 ? (parts[0] as Uint8Array) : concatBytes(parts));

class NobleAead implements Aead {
  private readonly make: typeof gcm | typeof chacha20poly1305;
  constructor(
    cipher: CipherName,
    private readonly key: Uint8Array,
  ) {
    if (key.length !== 32) throw new Error("aead: key must be 32 bytes");
    this.make = cipher === "AESGCM" ? gcm : chacha20poly1305;
  }
  seal(nonce: Uint8Array, ad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    return this.make(this.key, nonce, ad).encrypt(plaintext);
  }
  open(nonce: Uint8Array, ad: Uint8Array, ciphertext: Uint8Array): Uint8Array | null {
    if (ciphertext.length < 16) return null;
    try {
      return this.make(this.key, nonce, ad).decrypt(ciphertext);
    } catch {
      return null; // authentication failure is an expected outcome, reported as null
    }
  }
}

/** The @noble/* backend. */
export const nobleCrypto: CryptoBackend = {
  name: "noble",
  aead: (cipher, key) => new NobleAead(cipher, key.slice()),
  x25519Generate() {
    const privateKey = randomBytes(32);
    return { privateKey, publicKey: x25519.getPublicKey(privateKey) };
  },
  x25519PublicKey: (priv) => x25519.getPublicKey(priv),
  x25519(priv, pub) {
    let out: Uint8Array;
    try {
      out = x25519.getSharedSecret(priv, pub);
    } catch (err) {
      throw new LowOrderPointError({ cause: err });
    }
    return assertNonZero(out);
  },
  ed25519PublicKey: (seed) => ed25519.getPublicKey(seed),
  ed25519Sign: (seed, msg) => ed25519.sign(msg, seed),
  ed25519Verify(pub, msg, sig) {
    if (pub.length !== 32 || sig.length !== 64) return false;
    try {
      return ed25519.verify(sig, msg, pub, { zip215: false });
    } catch {
      return false; // malformed point encoding: not a valid signature
    }
  },
  sha512: (data) => sha512(data),
  sha256: (...parts) => sha256(concat(parts)),
  hmacSha256: (key, ...parts) => hmac(sha256, key, concat(parts)),
  hkdfSha256: (ikm, salt, info, length) => hkdf(sha256, ikm, salt, info, length),
  randomBytes: (n) => randomBytes(n),
};
