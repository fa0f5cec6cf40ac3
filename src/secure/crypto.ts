// The crypto backend interface: AEAD, X25519, Ed25519, SHA-256/HMAC/HKDF and randomness.

/** The two AEAD ciphers XTMP uses (Noise names). */
export type CipherName = "ChaChaPoly" | "AESGCM";

/** An AEAD keyed once and used for many messages. Nonces are 12 bytes, tags 16 bytes. */
export interface Aead {
  /** Encrypts `plaintext`; returns ciphertext with the 16-byte tag appended. */
  seal(nonce: Uint8Array, ad: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /** Decrypts and authenticates; returns null when authentication fails. */
  open(nonce: Uint8Array, ad: Uint8Array, ciphertext: Uint8Array): Uint8Array | null;
  /**
   * Optional: encrypts the concatenation of `parts` with empty associated data without joining them,
   * appending the ciphertext pieces and then the tag to `out` (nothing is copied beyond the cipher's output).
   */
  sealParts?(nonce: Uint8Array, parts: readonly Uint8Array[], out: Uint8Array[]): void;
}

/** An X25519 or Ed25519 key pair as raw 32-byte strings (Ed25519 private = seed). */
export interface KeyPair {
  /** 32-byte public key. */
  readonly publicKey: Uint8Array;
  /** 32-byte private key (X25519 scalar or Ed25519 seed). */
  readonly privateKey: Uint8Array;
}

/** Everything the secure layer needs from a crypto library. Both backends are byte-identical. */
export interface CryptoBackend {
  /** Backend name for logs and benchmarks, e.g. `node` or `noble`. */
  readonly name: string;
  /** Keys an AEAD with a 32-byte key. */
  aead(cipher: CipherName, key: Uint8Array): Aead;
  /** New random X25519 key pair. */
  x25519Generate(): KeyPair;
  /** X25519 public key of a private scalar. */
  x25519PublicKey(privateKey: Uint8Array): Uint8Array;
  /** X25519 shared secret; throws when the result is all zeros (low-order peer key). */
  x25519(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array;
  /** Ed25519 public key of a 32-byte seed. */
  ed25519PublicKey(seed: Uint8Array): Uint8Array;
  /** Ed25519 signature (64 bytes). */
  ed25519Sign(seed: Uint8Array, message: Uint8Array): Uint8Array;
  /** Ed25519 verification (strict: non-canonical encodings rejected); never throws. */
  ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  /** SHA-512 of `data` (identity key derivation). */
  sha512(data: Uint8Array): Uint8Array;
  /** SHA-256 of the concatenation of `parts`. */
  sha256(...parts: Uint8Array[]): Uint8Array;
  /** HMAC-SHA256 of the concatenation of `parts`. */
  hmacSha256(key: Uint8Array, ...parts: Uint8Array[]): Uint8Array;
  /** RFC 5869 HKDF-SHA256. */
  hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array;
  /** Cryptographically secure random bytes. */
  randomBytes(length: number): Uint8Array;
}

/** The peer's X25519 key is a low-order point (all-zero shared secret): the peer's fault, not a bug. */
export class LowOrderPointError extends Error {
  constructor(options?: { cause?: unknown }) {
    super("x25519: low-order public key (all-zero shared secret)", options);
    this.name = "LowOrderPointError";
  }
}

/** Throws when an X25519 result is all zeros (the peer sent a low-order point). */
export function assertNonZero(shared: Uint8Array): Uint8Array {
  let acc = 0;
  for (let i = 0; i < shared.length; i++) acc |= shared[i] as number;
  if (acc === 0) throw new LowOrderPointError();
  return shared;
}

/** Constant-time equality of two byte strings. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let acc = 0;
  for (let i = 0; i < a.length; i++) acc |= (a[i] as number) ^ (b[i] as number);
  return acc === 0;
}
