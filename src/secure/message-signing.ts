// Ed25519 message signatures for `signed` methods: our identity signs, the peer's proven identity verifies.
import type { CryptoBackend } from "./crypto.js";
import type { Identity } from "./identity.js";

const LABEL = new TextEncoder().encode("XTMP-v1 message\0");

/** What a signed message commits to: label, handshake hash, direction, method path, index in the call, bytes. */
function signedBytes(handshakeHash: Uint8Array, direction: "C" | "S", path: string, index: number, bytes: Uint8Array): Uint8Array {
  const p = new TextEncoder().encode(path);
  const head = new Uint8Array(LABEL.length + handshakeHash.length + 1 + 2 + p.length + 8);
  head.set(LABEL);
  head.set(handshakeHash, LABEL.length);
  const dv = new DataView(head.buffer);
  let off = LABEL.length + handshakeHash.length;
  head[off++] = direction.charCodeAt(0);
  dv.setUint16(off, p.length);
  head.set(p, off + 2);
  dv.setBigUint64(off + 2 + p.length, BigInt(index));
  const out = new Uint8Array(head.length + bytes.length);
  out.set(head);
  out.set(bytes, head.length);
  return out;
}

/**
 * A signer for one session: signs with `identity`, verifies with the peer's proven identity key.
 * Undefined when either is missing (insecure sessions): signed methods then fail UNAUTHENTICATED.
 */
export function createMessageSigner(crypto: CryptoBackend, identity: Identity | undefined, peerIdentity: Uint8Array | undefined, handshakeHash: Uint8Array) {
  if (!identity || !peerIdentity || handshakeHash.length === 0) return undefined;
  return {
    sign: (direction: "C" | "S", path: string, index: number, bytes: Uint8Array) => crypto.ed25519Sign(identity.seed, signedBytes(handshakeHash, direction, path, index, bytes)),
    verify: (direction: "C" | "S", path: string, index: number, bytes: Uint8Array, signature: Uint8Array) =>
      crypto.ed25519Verify(peerIdentity, signedBytes(handshakeHash, direction, path, index, bytes), signature),
  };
}
