// Handshake payloads: identity key, binding signature, certificate, record limit and features.
import { Code, XtmpError } from "../status/error.js";
import { MAX_PLAINTEXT_LIMIT, MIN_PLAINTEXT_LIMIT } from "../wire/record.js";
import { encodeTlv, parseTlv } from "../wire/tlv.js";
import { readVarint, varintSize, writeVarint } from "../wire/varint.js";
import { bytesEqual, type CryptoBackend } from "./crypto.js";
import { bindingMessage, x25519FromEd25519Public, type Identity } from "./identity.js";
import { checkTrust, type TrustPolicy } from "./trust.js";

/** TLV tags of a handshake payload; unknown tags are ignored. */
export const enum PayloadTag {
  IDENTITY = 1,
  SIGNATURE = 2,
  CERTIFICATE = 3,
  MAX_RECORD = 4,
  FEATURES = 5,
}

/** What a verified peer payload told us. */
export interface PeerPayload {
  /** Proven Ed25519 identity key. */
  identity: Uint8Array;
  /** Certificate, if sent. */
  certificate: Uint8Array | undefined;
  /** Largest record plaintext the peer accepts. */
  maxRecord: number;
  /** Feature bits. */
  features: number;
}

function varint(n: number): Uint8Array {
  const out = new Uint8Array(varintSize(n));
  writeVarint(out, 0, n);
  return out;
}

/** Builds our payload for a message whose handshake hash (before the payload) is `h`. */
export function buildPayload(
  crypto: CryptoBackend,
  identity: Identity,
  role: "I" | "R",
  noiseStatic: Uint8Array,
  maxRecord: number,
  features: number,
  h: Uint8Array,
): Uint8Array {
  const sig = crypto.ed25519Sign(identity.seed, bindingMessage(role, noiseStatic, h));
  const entries: [number, Uint8Array][] = [
    [PayloadTag.IDENTITY, identity.publicKey],
    [PayloadTag.SIGNATURE, sig],
  ];
  if (identity.certificate) entries.push([PayloadTag.CERTIFICATE, identity.certificate]);
  entries.push([PayloadTag.MAX_RECORD, varint(maxRecord)], [PayloadTag.FEATURES, varint(features)]);
  return encodeTlv(entries);
}

function reject(message: string): never {
  throw new XtmpError(Code.UNAUTHENTICATED, `handshake failed: ${message}`);
}

/**
 * Verifies a peer payload: the identity key converts to the Noise static key the peer proved, the
 * signature binds it to this handshake, the limits are sane, and the trust policy accepts it.
 */
export function verifyPayload(
  crypto: CryptoBackend,
  payload: Uint8Array,
  peerRole: "I" | "R",
  peerStatic: Uint8Array | undefined,
  h: Uint8Array,
  trust: TrustPolicy,
): PeerPayload {
  let tlv: Map<number, Uint8Array>;
  try {
    tlv = parseTlv(payload);
  } catch {
    return reject("malformed handshake payload");
  }
  const identity = tlv.get(PayloadTag.IDENTITY);
  const sig = tlv.get(PayloadTag.SIGNATURE);
  if (!identity || identity.length !== 32 || !sig || sig.length !== 64 || !peerStatic) reject("peer sent no identity");
  let derived: Uint8Array;
  try {
    derived = x25519FromEd25519Public(identity);
  } catch {
    return reject("peer identity key is invalid");
  }
  if (!bytesEqual(derived, peerStatic)) reject("peer identity does not match its Noise static key");
  if (!crypto.ed25519Verify(identity, bindingMessage(peerRole, peerStatic, h), sig)) reject("identity signature is invalid");
  const num = (tag: PayloadTag, dflt: number): number => {
    const v = tlv.get(tag);
    if (!v) return dflt;
    const r = (() => {
      try {
        return readVarint(v, 0);
      } catch {
        return undefined;
      }
    })();
    if (!r || r[1] !== v.length) reject("malformed handshake payload");
    return r[0];
  };
  const maxRecord = num(PayloadTag.MAX_RECORD, MIN_PLAINTEXT_LIMIT);
  if (maxRecord < MIN_PLAINTEXT_LIMIT || maxRecord > MAX_PLAINTEXT_LIMIT) reject(`peer record limit ${maxRecord} out of range`);
  const certificate = tlv.get(PayloadTag.CERTIFICATE)?.slice();
  checkTrust(trust, crypto, identity, certificate);
  return { identity: identity.slice(), certificate, maxRecord, features: num(PayloadTag.FEATURES, 0) };
}
