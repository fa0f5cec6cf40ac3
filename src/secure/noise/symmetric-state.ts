// Noise SymmetricState: chaining key, handshake hash and the handshake CipherState (Noise section 5.2).
import type { CipherName, CryptoBackend } from "../crypto.js";
import { CipherState } from "./cipher-state.js";

const EMPTY = new Uint8Array(0);

/** Holds ck and h while a handshake runs. */
export class SymmetricState {
  /** Chaining key. */
  private ck: Uint8Array;
  /** Handshake hash. */
  h: Uint8Array;
  /** The handshake cipher. */
  readonly cs: CipherState;

  constructor(
    private readonly crypto: CryptoBackend,
    private readonly cipher: CipherName,
    protocolName: string,
  ) {
    const name = new TextEncoder().encode(protocolName);
    this.h = name.length <= 32 ? new Uint8Array(32) : crypto.sha256(name);
    if (name.length <= 32) this.h.set(name);
    this.ck = this.h.slice();
    this.cs = new CipherState(crypto, cipher);
  }

  /**
   * Noise HKDF: up to three 32-byte outputs from ck and ikm. Noise's HKDF is RFC 5869 HKDF with
   * salt = ck and empty info (temp_key = HMAC(ck, ikm); output i = HMAC(temp_key, output i-1 ‖ i)),
   * so one HKDF call of 32 × outputs bytes gives the same outputs as the three HMAC steps.
   */
  private hkdf(ikm: Uint8Array, outputs: 2 | 3): Uint8Array[] {
    const okm = this.crypto.hkdfSha256(ikm, this.ck, EMPTY, 32 * outputs);
    const out = [okm.slice(0, 32), okm.slice(32, 64)];
    if (outputs === 3) out.push(okm.slice(64, 96));
    okm.fill(0);
    return out;
  }

  /** MixKey(ikm). */
  mixKey(ikm: Uint8Array): void {
    const [ck, k] = this.hkdf(ikm, 2) as [Uint8Array, Uint8Array];
    this.ck.fill(0);
    this.ck = ck;
    this.cs.initializeKey(k);
    k.fill(0);
  }

  /** MixHash(data). */
  mixHash(data: Uint8Array): void {
    this.h = this.crypto.sha256(this.h, data);
  }

  /** MixKeyAndHash(ikm), used for pre-shared keys. */
  mixKeyAndHash(ikm: Uint8Array): void {
    const [ck, th, k] = this.hkdf(ikm, 3) as [Uint8Array, Uint8Array, Uint8Array];
    this.ck.fill(0);
    this.ck = ck;
    this.mixHash(th);
    this.cs.initializeKey(k);
    k.fill(0);
  }

  /** EncryptAndHash(plaintext). */
  encryptAndHash(plaintext: Uint8Array): Uint8Array {
    const ct = this.cs.encryptWithAd(this.h, plaintext);
    this.mixHash(ct);
    return ct;
  }

  /** DecryptAndHash(ciphertext); null when authentication fails. */
  decryptAndHash(ciphertext: Uint8Array): Uint8Array | null {
    const pt = this.cs.decryptWithAd(this.h, ciphertext);
    if (pt === null) return null;
    this.mixHash(ciphertext);
    return pt;
  }

  /**
   * A secret for keys outside the Noise transport (datagram keys), derived from the chaining key
   * with a label so it is independent of the transport keys. Call before split().
   */
  exportSecret(label: string): Uint8Array {
    const [out] = this.hkdf(new TextEncoder().encode(label), 2) as [Uint8Array, Uint8Array];
    return out;
  }

  /** Split(): the two transport CipherStates (initiator→responder, responder→initiator); wipes ck. */
  split(): [CipherState, CipherState] {
    const [k1, k2] = this.hkdf(EMPTY, 2) as [Uint8Array, Uint8Array];
    const out: [CipherState, CipherState] = [new CipherState(this.crypto, this.cipher, k1), new CipherState(this.crypto, this.cipher, k2)];
    k1.fill(0);
    k2.fill(0);
    this.ck.fill(0);
    this.cs.erase();
    return out;
  }
}
