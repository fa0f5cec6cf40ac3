// Node identities: Ed25519 keys, the X25519 Noise static key derived from them, and the binding signature.
import { fromHex } from "../wire/bytes.js";
import { nodeCrypto } from "./crypto-node.js";
import type { CryptoBackend, KeyPair } from "./crypto.js";

/** A node's long-term identity: an Ed25519 key pair, optionally with a certificate from a fleet root. */
export interface Identity {
  /** Ed25519 public key (32 bytes): what peers pin. */
  readonly publicKey: Uint8Array;
  /** Ed25519 private seed (32 bytes). */
  readonly seed: Uint8Array;
  /** Encoded certificate for this key (see certificate.ts), when the node has one. */
  readonly certificate?: Uint8Array;
}

/** Generates a fresh identity. */
export function generateIdentity(crypto: CryptoBackend = nodeCrypto): Identity {
  const seed = crypto.randomBytes(32);
  return { seed, publicKey: crypto.ed25519PublicKey(seed) };
}

/** Rebuilds an identity from its seed (and optional certificate). */
export function identityFromSeed(seed: Uint8Array, certificate?: Uint8Array, crypto: CryptoBackend = nodeCrypto): Identity {
  if (seed.length !== 32) throw new Error("identity seed must be 32 bytes");
  return { seed: seed.slice(), publicKey: crypto.ed25519PublicKey(seed), ...(certificate ? { certificate } : {}) };
}

/**
 * The X25519 Noise static key of an identity: private = SHA-512(seed)[0..32] (the Ed25519 scalar
 * before clamping, as libsodium's ed25519_sk_to_curve25519), public = its X25519 public key.
 */
export function noiseStaticKey(identity: Identity, crypto: CryptoBackend): KeyPair {
  const cached = staticCache.get(identity);
  if (cached && cached.crypto === crypto) return cached.pair;
  const privateKey = crypto.sha512(identity.seed).slice(0, 32);
  const pair = { privateKey, publicKey: crypto.x25519PublicKey(privateKey) };
  staticCache.set(identity, { crypto, pair });
  return pair;
}

// derived once per identity object: the derivation and key import are the slow part of a handshake
const staticCache = new WeakMap<Identity, { crypto: CryptoBackend; pair: KeyPair }>();

const P = 2n ** 255n - 19n;

/** Modular inverse mod P by the extended Euclidean algorithm (a few times faster than a^(P-2)). */
function invert(a: bigint): bigint {
  let r0 = P;
  let r1 = a % P;
  let t0 = 0n;
  let t1 = 1n;
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [t0, t1] = [t1, t0 - q * t1];
  }
  return ((t0 % P) + P) % P;
}

// peers reconnect with the same identity: remember recent conversions
const montgomeryCache = new Map<string, Uint8Array>();

/**
 * The X25519 public key that corresponds to an Ed25519 public key (birational map u = (1+y)/(1-y)).
 * This is how an IK client turns a pinned identity key into the server's Noise static key.
 */
export function x25519FromEd25519Public(edPublicKey: Uint8Array): Uint8Array {
  if (edPublicKey.length !== 32) throw new Error("Ed25519 public key must be 32 bytes");
  const cacheKey = String.fromCharCode(...edPublicKey);
  const cached = montgomeryCache.get(cacheKey);
  if (cached) return cached.slice();
  let y = 0n;
  for (let i = 31; i >= 0; i--) y = (y << 8n) | BigInt(edPublicKey[i] as number);
  y &= (1n << 255n) - 1n;
  if (y >= P || y === 1n) throw new Error("invalid Ed25519 public key");
  const u = ((1n + y) * invert((1n - y + P) % P)) % P;
  const out = new Uint8Array(32);
  let v = u;
  for (let i = 0; i < 32; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  if (montgomeryCache.size >= 4096) montgomeryCache.delete(montgomeryCache.keys().next().value as string);
  montgomeryCache.set(cacheKey, out.slice());
  return out;
}

const BIND_LABEL = new TextEncoder().encode("XTMP-v1 identity binding\0");

/** Bytes an identity signs: label, role ('I'nitiator or 'R'esponder), Noise static key, handshake hash. */
export function bindingMessage(role: "I" | "R", noiseStatic: Uint8Array, handshakeHash: Uint8Array): Uint8Array {
  const out = new Uint8Array(BIND_LABEL.length + 1 + 32 + handshakeHash.length);
  out.set(BIND_LABEL);
  out[BIND_LABEL.length] = role.charCodeAt(0);
  out.set(noiseStatic, BIND_LABEL.length + 1);
  out.set(handshakeHash, BIND_LABEL.length + 33);
  return out;
}

/** Parses a public key written as 64 hex characters (as in identity.pub); works in browsers too. */
export function parsePublicKey(text: string): Uint8Array {
  const t = text.trim();
  const key = t.length === 64 ? fromHex(t) : undefined;
  if (!key) throw new Error("public key must be 64 hex characters");
  return key;
}
