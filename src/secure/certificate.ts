// Minimal certificates: an identity key and name, a validity window, signed by a fleet root key.
import { Code, XtmpError } from "../status/error.js";
import { encodeTlv, parseTlv } from "../wire/tlv.js";
import type { CryptoBackend } from "./crypto.js";

/** A decoded certificate. */
export interface Certificate {
  /** The certified Ed25519 identity key. */
  readonly subject: Uint8Array;
  /** Human-readable node name, e.g. `bpci-eu-1`. */
  readonly name: string;
  /** Start of validity, Unix seconds. */
  readonly notBefore: number;
  /** End of validity, Unix seconds. */
  readonly notAfter: number;
  /** The root key that signed it. */
  readonly issuer: Uint8Array;
  /** Ed25519 signature by the issuer over the signed part. */
  readonly signature: Uint8Array;
  /** The exact bytes the signature covers. */
  readonly signedBytes: Uint8Array;
}

const LABEL = new TextEncoder().encode("XTMP-v1 certificate\0");
const enum Tag {
  VERSION = 1,
  SUBJECT = 2,
  NAME = 3,
  NOT_BEFORE = 4,
  NOT_AFTER = 5,
  ISSUER = 6,
  SIGNATURE = 7,
}

function u64(n: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(Math.floor(n)));
  return out;
}

function signedPart(subject: Uint8Array, name: string, notBefore: number, notAfter: number, issuer: Uint8Array): Uint8Array {
  return encodeTlv([
    [Tag.VERSION, new Uint8Array([1])],
    [Tag.SUBJECT, subject],
    [Tag.NAME, new TextEncoder().encode(name)],
    [Tag.NOT_BEFORE, u64(notBefore)],
    [Tag.NOT_AFTER, u64(notAfter)],
    [Tag.ISSUER, issuer],
  ]);
}

/** Issues a certificate for `subject`, signed with the root's seed. Times are Unix seconds. */
export function issueCertificate(
  crypto: CryptoBackend,
  opts: { subject: Uint8Array; name: string; notBefore: number; notAfter: number; rootSeed: Uint8Array },
): Uint8Array {
  const issuer = crypto.ed25519PublicKey(opts.rootSeed);
  const body = signedPart(opts.subject, opts.name, opts.notBefore, opts.notAfter, issuer);
  const sig = crypto.ed25519Sign(opts.rootSeed, new Uint8Array([...LABEL, ...body]));
  const out = new Uint8Array(body.length + 2 + sig.length);
  out.set(body);
  out.set(encodeTlv([[Tag.SIGNATURE, sig]]), body.length);
  return out;
}

function bad(message: string): never {
  throw new XtmpError(Code.UNAUTHENTICATED, `certificate rejected: ${message}`);
}

/** Decodes a certificate; malformed input is an UNAUTHENTICATED error. */
export function parseCertificate(bytes: Uint8Array): Certificate {
  let tlv: Map<number, Uint8Array>;
  try {
    tlv = parseTlv(bytes);
  } catch {
    return bad("malformed");
  }
  const get = (t: Tag, len?: number): Uint8Array => {
    const v = tlv.get(t);
    if (!v || (len !== undefined && v.length !== len)) bad("malformed");
    return v;
  };
  if (get(Tag.VERSION, 1)[0] !== 1) bad("unsupported version");
  const time = (v: Uint8Array) => Number(new DataView(v.buffer, v.byteOffset, 8).getBigUint64(0));
  const signature = get(Tag.SIGNATURE, 64);
  return {
    subject: get(Tag.SUBJECT, 32),
    name: new TextDecoder().decode(get(Tag.NAME)),
    notBefore: time(get(Tag.NOT_BEFORE, 8)),
    notAfter: time(get(Tag.NOT_AFTER, 8)),
    issuer: get(Tag.ISSUER, 32),
    signature,
    signedBytes: bytes.subarray(0, bytes.length - 2 - signature.length),
  };
}

/** Checks a certificate's signature by its issuer and its validity at `nowSeconds`; throws UNAUTHENTICATED. */
export function verifyCertificate(crypto: CryptoBackend, cert: Certificate, nowSeconds: number): void {
  if (!crypto.ed25519Verify(cert.issuer, new Uint8Array([...LABEL, ...cert.signedBytes]), cert.signature)) bad("bad signature");
  if (nowSeconds < cert.notBefore) bad(`not valid before ${new Date(cert.notBefore * 1000).toISOString()}`);
  if (nowSeconds > cert.notAfter) bad(`expired at ${new Date(cert.notAfter * 1000).toISOString()}`);
}
