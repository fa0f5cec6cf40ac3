// Noise CipherState: one AEAD key plus a 64-bit nonce counter, with Rekey (Noise section 5.1, 11.3).
import { concatBytes } from "../../wire/bytes.js";
import type { Aead, CipherName, CryptoBackend } from "../crypto.js";

const EMPTY = new Uint8Array(0);
// one nonce buffer for every state: seal and open use it synchronously
const NONCE = new Uint8Array(12);
const NONCE_VIEW = new DataView(NONCE.buffer);
const ZEROS32 = new Uint8Array(32);
// 2^64 - 1 is reserved by Noise; JS numbers are exact up to 2^53, far beyond any session's record count
const MAX_NONCE = Number.MAX_SAFE_INTEGER;

/** Encrypts or decrypts with implicit nonces 0, 1, 2, ...; a failed decryption leaves the state unchanged. */
export class CipherState {
  private aead: Aead | undefined;
  private key: Uint8Array | undefined;
  /** Next nonce. */
  n = 0;

  constructor(
    private readonly crypto: CryptoBackend,
    /** The AEAD cipher. */
    readonly cipher: CipherName,
    key?: Uint8Array,
  ) {
    if (key) this.initializeKey(key);
  }

  /** Sets a new key (copied) and resets the nonce to 0. */
  initializeKey(key: Uint8Array): void {
    this.erase();
    this.key = key.slice(0, 32);
    this.aead = this.crypto.aead(this.cipher, this.key);
    this.n = 0;
  }

  /** Whether a key is set. */
  hasKey(): boolean {
    return this.aead !== undefined;
  }

  /** Sets the next nonce explicitly (used by datagram transports that carry the counter). */
  setNonce(n: number): void {
    this.n = n;
  }

  private nonceBytes(n: number): Uint8Array {
    // ChaChaPoly: 4 zero bytes + little-endian counter; AESGCM: 4 zero bytes + big-endian counter
    const hi = Math.floor(n / 0x100000000);
    const lo = n >>> 0;
    NONCE_VIEW.setUint32(0, 0);
    if (this.cipher === "ChaChaPoly") {
      NONCE_VIEW.setUint32(4, lo, true);
      NONCE_VIEW.setUint32(8, hi, true);
    } else {
      NONCE_VIEW.setUint32(4, hi, false);
      NONCE_VIEW.setUint32(8, lo, false);
    }
    return NONCE;
  }

  /** Encrypts with associated data `ad`; plaintext passes through when no key is set. */
  encryptWithAd(ad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    if (!this.aead) return plaintext;
    if (this.n >= MAX_NONCE) throw new Error("noise: nonce space exhausted; rekey or reconnect");
    const out = this.aead.seal(this.nonceBytes(this.n), ad, plaintext);
    this.n++;
    return out;
  }

  /** Encrypts the concatenation of `parts` (empty associated data), appending the ciphertext pieces and tag to `out`. */
  encryptParts(parts: readonly Uint8Array[], total: number, out: Uint8Array[]): void {
    if (!this.aead) throw new Error("noise: encryptParts without a key");
    if (this.n >= MAX_NONCE) throw new Error("noise: nonce space exhausted; rekey or reconnect");
    if (this.aead.sealParts) this.aead.sealParts(this.nonceBytes(this.n), parts, out);
    else out.push(this.aead.seal(this.nonceBytes(this.n), EMPTY, parts.length === 1 ? (parts[0] as Uint8Array) : concatBytes(parts, total)));
    this.n++;
  }

  /** Decrypts; returns null on authentication failure (nonce not advanced). */
  decryptWithAd(ad: Uint8Array, ciphertext: Uint8Array): Uint8Array | null {
    if (!this.aead) return ciphertext;
    if (this.n >= MAX_NONCE) throw new Error("noise: nonce space exhausted; rekey or reconnect");
    const out = this.aead.open(this.nonceBytes(this.n), ad, ciphertext);
    if (out !== null) this.n++;
    return out;
  }

  /** Noise Rekey(): k = ENCRYPT(k, 2^64-1, "", zeros)[0..32]; the old key is wiped. */
  rekey(): void {
    if (!this.aead) throw new Error("noise: rekey without a key");
    NONCE.fill(0, 0, 4);
    NONCE.fill(0xff, 4);
    const next = this.aead.seal(NONCE, EMPTY, ZEROS32).subarray(0, 32);
    const n = this.n;
    this.initializeKey(next);
    next.fill(0);
    this.n = n;
  }

  /** Overwrites the raw key bytes this object holds. */
  erase(): void {
    this.key?.fill(0);
    this.key = undefined;
    this.aead = undefined;
  }
}
