// Browser stand-in for crypto-node.ts: node:crypto does not exist there, so `nodeCrypto` refuses every operation (the browser entry defaults to nobleCrypto).
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";
import type { CryptoBackend } from "./crypto.js";

const unavailable = (): never => {
  throw new XtmpError(Code.UNIMPLEMENTED, "node:crypto is not available in browsers; use the nobleCrypto backend (the browser entry's default)");
};

/** Not a backend: every call throws UNIMPLEMENTED. Browser code passes `crypto: nobleCrypto` instead. */
export const nodeCrypto: CryptoBackend = {
  name: "node (unavailable in browsers)",
  aead: unavailable,
  x25519Generate: unavailable,
  x25519PublicKey: unavailable,
  x25519: unavailable,
  ed25519PublicKey: unavailable,
  ed25519Sign: unavailable,
  ed25519Verify: unavailable,
  sha512: unavailable,
  sha256: unavailable,
  hmacSha256: unavailable,
  hkdfSha256: unavailable,
  randomBytes: unavailable,
};
