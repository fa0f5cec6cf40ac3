// Trust policies: which peer identities a session accepts (pinned keys, certificates, or any).
import { Code, XtmpError } from "../status/error.js";
import { toHex } from "../wire/bytes.js";
import { parseCertificate, verifyCertificate } from "./certificate.js";
import { bytesEqual, type CryptoBackend } from "./crypto.js";

/** Whom to accept as the peer. */
export type TrustPolicy =
  /** Any identity (the session is still encrypted and the peer's key is still proven and reported). */
  | { readonly kind: "any" }
  /** Only these Ed25519 identity keys ("certificate pinning"). */
  | { readonly kind: "pinned"; readonly keys: readonly Uint8Array[] }
  /** Peers holding a valid certificate from one of these root keys, optionally with one of these names. */
  | { readonly kind: "roots"; readonly roots: readonly Uint8Array[]; readonly names?: readonly string[] };

function reject(message: string): never {
  throw new XtmpError(Code.UNAUTHENTICATED, `peer not trusted: ${message}`);
}

/** Applies `policy` to a peer's proven identity key and optional certificate; throws UNAUTHENTICATED. */
export function checkTrust(
  policy: TrustPolicy,
  crypto: CryptoBackend,
  peerKey: Uint8Array,
  certificate: Uint8Array | undefined,
  nowMs: number = Date.now(),
): void {
  switch (policy.kind) {
    case "any":
      return;
    case "pinned":
      if (!policy.keys.some((k) => bytesEqual(k, peerKey))) reject(`identity ${toHex(peerKey.subarray(0, 8))}… is not pinned`);
      return;
    case "roots": {
      if (!certificate) reject("no certificate presented");
      const cert = parseCertificate(certificate);
      if (!bytesEqual(cert.subject, peerKey)) reject("certificate is for another key");
      if (!policy.roots.some((r) => bytesEqual(r, cert.issuer))) reject("certificate issuer is not a trusted root");
      verifyCertificate(crypto, cert, Math.floor(nowMs / 1000));
      if (policy.names && !policy.names.includes(cert.name)) reject(`name ${JSON.stringify(cert.name)} is not allowed`);
    }
  }
}
