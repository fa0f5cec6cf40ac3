// node:crypto (OpenSSL) backend: the fast default on Node.js.
import * as nc from "node:crypto";
import { assertNonZero, LowOrderPointError, type Aead, type CipherName, type CryptoBackend, type KeyPair } from "./crypto.js";

const X25519_PKCS8 = Buffer.from("302e020100300506032b656e04220420", "hex");
const ED25519_PKCS8 = Buffer.from("302e020100300506032b657004220420", "hex");
const ALGO: Record<CipherName, nc.CipherGCMTypes | "chacha20-poly1305"> = { AESGCM: "aes-256-gcm", ChaChaPoly: "chacha20-poly1305" };

// Importing a raw private key (PKCS#8 DER) costs ~0.8 ms in OpenSSL 3, so private KeyObjects are
// cached by the identity of the Uint8Array that holds the key (static keys and seeds are long-lived
// objects; ephemeral keys are created here and cached at birth). Public keys import via JWK (~30 µs).
const privCache = new WeakMap<Uint8Array, nc.KeyObject>();

// JWK import is ~10x faster than DER, but JWK wants the public key too. OpenSSL derives the public
// key from `d` and ignores `x` (the public key we later export is derived from `d`, never the
// placeholder); if a Node version starts validating `x`, the import throws and DER is used.
const PLACEHOLDER_X = Buffer.alloc(32).toString("base64url");
let jwkImport = true;

function privKey(prefix: Buffer, raw: Uint8Array): nc.KeyObject {
  let key = privCache.get(raw);
  if (!key) {
    const crv = prefix === X25519_PKCS8 ? "X25519" : "Ed25519";
    if (jwkImport) {
      try {
        key = nc.createPrivateKey({ key: { kty: "OKP", crv, d: Buffer.from(raw).toString("base64url"), x: PLACEHOLDER_X }, format: "jwk" });
      } catch {
        jwkImport = false; // this Node validates x: use the DER path from now on
      }
    }
    key ??= nc.createPrivateKey({ key: Buffer.concat([prefix, raw]), format: "der", type: "pkcs8" });
    privCache.set(raw, key);
  }
  return key;
}

function pubKey(crv: "X25519" | "Ed25519", raw: Uint8Array): nc.KeyObject {
  return nc.createPublicKey({ key: { kty: "OKP", crv, x: Buffer.from(raw).toString("base64url") }, format: "jwk" });
}

function rawPublic(key: nc.KeyObject): Uint8Array {
  return new Uint8Array(Buffer.from(key.export({ format: "jwk" }).x as string, "base64url"));
}

class NodeAead implements Aead {
  private readonly algo: string;
  // the raw key, by reference (its owner, a CipherState, wipes it): a KeyObject would hold ~0.8 KiB
  // of native memory per key, four per session, for no measurable speed gain
  constructor(
    cipher: CipherName,
    private readonly key: Uint8Array,
  ) {
    if (key.length !== 32) throw new Error("aead: key must be 32 bytes");
    this.algo = ALGO[cipher];
  }
  seal(nonce: Uint8Array, ad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    const c = nc.createCipheriv(this.algo as nc.CipherGCMTypes, this.key, nonce, { authTagLength: 16 });
    if (ad.length > 0) c.setAAD(ad, { plaintextLength: plaintext.length });
    const out = Buffer.allocUnsafe(plaintext.length + 16);
    const n = plaintext.length > 0 ? c.update(plaintext).copy(out, 0) : 0;
    c.final();
    c.getAuthTag().copy(out, n);
    return out;
  }
  sealParts(nonce: Uint8Array, parts: readonly Uint8Array[], out: Uint8Array[]): void {
    const c = nc.createCipheriv(this.algo as nc.CipherGCMTypes, this.key, nonce, { authTagLength: 16 });
    for (const p of parts) if (p.length > 0) out.push(c.update(p));
    c.final();
    out.push(c.getAuthTag());
  }
  open(nonce: Uint8Array, ad: Uint8Array, ciphertext: Uint8Array): Uint8Array | null {
    if (ciphertext.length < 16) return null;
    const body = ciphertext.subarray(0, ciphertext.length - 16);
    const d = nc.createDecipheriv(this.algo as nc.CipherGCMTypes, this.key, nonce, { authTagLength: 16 });
    d.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
    if (ad.length > 0) d.setAAD(ad, { plaintextLength: body.length });
    const out = body.length > 0 ? d.update(body) : Buffer.alloc(0);
    try {
      d.final();
    } catch {
      return null; // authentication failure is an expected outcome, reported as null
    }
    return out;
  }
}

/** The node:crypto backend. */
export const nodeCrypto: CryptoBackend = {
  name: "node",
  aead: (cipher, key) => new NodeAead(cipher, key),
  x25519Generate(): KeyPair {
    const { privateKey, publicKey } = nc.generateKeyPairSync("x25519");
    const raw = new Uint8Array(Buffer.from(privateKey.export({ format: "jwk" }).d as string, "base64url"));
    privCache.set(raw, privateKey);
    return { privateKey: raw, publicKey: rawPublic(publicKey) };
  },
  x25519PublicKey: (priv) => rawPublic(nc.createPublicKey(privKey(X25519_PKCS8, priv))),
  x25519(priv, pub) {
    let out: Buffer;
    try {
      out = nc.diffieHellman({ privateKey: privKey(X25519_PKCS8, priv), publicKey: pubKey("X25519", pub) });
    } catch (err) {
      // OpenSSL refuses an all-zero result itself; report it the same way as the noble backend
      throw new LowOrderPointError({ cause: err });
    }
    return assertNonZero(new Uint8Array(out));
  },
  ed25519PublicKey: (seed) => rawPublic(nc.createPublicKey(privKey(ED25519_PKCS8, seed))),
  ed25519Sign: (seed, msg) => new Uint8Array(nc.sign(null, msg, privKey(ED25519_PKCS8, seed))),
  ed25519Verify(pub, msg, sig) {
    if (pub.length !== 32 || sig.length !== 64) return false;
    try {
      return nc.verify(null, msg, pubKey("Ed25519", pub), sig);
    } catch {
      return false; // malformed public key: not a valid signature
    }
  },
  sha512: (data) => new Uint8Array(nc.createHash("sha512").update(data).digest()),
  sha256(...parts) {
    const h = nc.createHash("sha256");
    for (const p of parts) h.update(p);
    return new Uint8Array(h.digest());
  },
  hmacSha256(key, ...parts) {
    const h = nc.createHmac("sha256", key);
    for (const p of parts) h.update(p);
    return new Uint8Array(h.digest());
  },
  hkdfSha256: (ikm, salt, info, length) => new Uint8Array(nc.hkdfSync("sha256", ikm, salt, info, length)),
  randomBytes: (n) => new Uint8Array(nc.randomBytes(n)),
};
