// ML-KEM-768 key encapsulation (FIPS 203, @noble/post-quantum) for the hybrid post-quantum handshake.
import { ml_kem768 } from "@noble/post-quantum/ml-kem.js";

/** A key encapsulation mechanism. */
export interface Kem {
  /** Name used in the Noise protocol name, e.g. `MLKEM768`. */
  readonly name: string;
  /** Encapsulation key size. */
  readonly publicKeySize: number;
  /** Ciphertext size. */
  readonly ciphertextSize: number;
  /** New key pair. */
  generate(): { publicKey: Uint8Array; secretKey: Uint8Array };
  /** Encapsulates a fresh shared secret to `publicKey`. */
  encapsulate(publicKey: Uint8Array): { cipherText: Uint8Array; sharedSecret: Uint8Array };
  /** Recovers the shared secret (a pseudorandom wrong one for a tampered ciphertext: implicit rejection). */
  decapsulate(cipherText: Uint8Array, secretKey: Uint8Array): Uint8Array;
}

/** ML-KEM-768: 1184-byte public keys, 1088-byte ciphertexts, 32-byte shared secrets. */
export const mlKem768: Kem = {
  name: "MLKEM768",
  publicKeySize: 1184,
  ciphertextSize: 1088,
  generate: () => ml_kem768.keygen(),
  encapsulate: (pk) => ml_kem768.encapsulate(pk),
  decapsulate: (ct, sk) => ml_kem768.decapsulate(ct, sk),
};
