// Per-message signatures for methods with the `signed` option: the interface and the wire layout.
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";

/** Length of an Ed25519 signature. */
export const SIGNATURE_SIZE = 64;

/** Which way a message travels (part of what is signed, so a signature cannot be reflected). */
export type Direction = "C" | "S";

/** Signs our messages and verifies the peer's, bound to one session (implemented in the secure layer). */
export interface MessageSigner {
  /** Signature over the message bytes as sent, bound to the session, direction, method and index in the call. */
  sign(direction: Direction, path: string, index: number, bytes: Uint8Array): Uint8Array;
  /** Verifies the peer's signature over the same fields. */
  verify(direction: Direction, path: string, index: number, bytes: Uint8Array, signature: Uint8Array): boolean;
}

/** Appends a signature to the message bytes (sent with the SIGNED flag). */
export function appendSignature(bytes: Uint8Array, signature: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length + SIGNATURE_SIZE);
  out.set(bytes);
  out.set(signature, bytes.length);
  return out;
}

/**
 * Splits and verifies a received message of a signed method; throws UNAUTHENTICATED when the
 * signature is missing, malformed or wrong, or when the session has no identities to check it with.
 */
export function verifySigned(signer: MessageSigner | undefined, signedFlag: boolean, direction: Direction, path: string, index: number, data: Uint8Array): [Uint8Array, Uint8Array] {
  if (!signer) throw new XtmpError(Code.UNAUTHENTICATED, "signed method: this session has no peer identity to verify with");
  if (!signedFlag || data.length < SIGNATURE_SIZE) throw new XtmpError(Code.UNAUTHENTICATED, "signed method: the message carries no signature");
  const bytes = data.subarray(0, data.length - SIGNATURE_SIZE);
  const sig = data.subarray(data.length - SIGNATURE_SIZE);
  if (!signer.verify(direction, path, index, bytes, sig)) throw new XtmpError(Code.UNAUTHENTICATED, "signed method: the message signature is invalid");
  return [bytes, sig.slice()];
}
