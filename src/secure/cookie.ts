// Stateless handshake cookies (RETRY, PROTOCOL.md §3.1): one HMAC to mint or verify, and the client's puzzle.
import { bytesEqual, type CryptoBackend } from "./crypto.js";
import { PUZZLE_NONCE_SIZE } from "../wire/preamble.js";

/** Largest puzzle difficulty a client solves and a server may demand (2^20 hashes: about a second). */
export const MAX_PUZZLE_BITS = 20;
/** Size of the cookies this implementation mints: time (u32) ‖ difficulty (u8) ‖ 16-byte tag. */
export const COOKIE_SIZE = 21;
const TAG_SIZE = 16;
const te = new TextEncoder();
const COOKIE_LABEL = te.encode("XTMP-v1 cookie\0");
const PUZZLE_LABEL = te.encode("XTMP-v1 puzzle\0");

/** Timing of a CookieJar. */
export interface CookieJarOptions {
  /** A new random secret every this many ms; cookies of the previous secret still verify (default 60,000). */
  rotateMs?: number;
  /** Seconds a cookie stays valid after it was minted (default 30; at most rotateMs / 1000). */
  lifetimeSeconds?: number;
  /** Clock in ms (default Date.now). */
  now?: () => number;
}

/** Why a cookie was refused. */
export type CookieRefusal = "malformed" | "expired" | "invalid" | "puzzle";

/** The outcome of CookieJar.verify. */
export type CookieCheck = { readonly ok: true; readonly difficulty: number } | { readonly ok: false; readonly why: CookieRefusal };

/**
 * Mints and verifies cookies bound to the peer's address, its ClientHello and a time. Keeps two
 * 32-byte secrets and nothing per connection: verifying costs one HMAC-SHA256 and one SHA-256.
 */
export class CookieJar {
  private readonly secrets = new Map<number, Uint8Array>(); // epoch -> secret, at most two
  private readonly rotateMs: number;
  private readonly lifetime: number;
  private readonly now: () => number;

  constructor(
    private readonly crypto: CryptoBackend,
    opts: CookieJarOptions = {},
  ) {
    this.rotateMs = opts.rotateMs ?? 60_000;
    this.lifetime = opts.lifetimeSeconds ?? 30;
    this.now = opts.now ?? Date.now;
    if (!Number.isInteger(this.rotateMs) || this.rotateMs < 1000) throw new RangeError("rotateMs must be an integer ≥ 1000");
    if (!Number.isInteger(this.lifetime) || this.lifetime < 1 || this.lifetime * 1000 > this.rotateMs) throw new RangeError("lifetimeSeconds must be 1..rotateMs/1000");
  }

  /** A cookie for `address` and the 8 ClientHello bytes (COOKIE_FLAG clear) demanding `difficulty` bits. */
  mint(address: string, hello: Uint8Array, difficulty: number): Uint8Array {
    if (!Number.isInteger(difficulty) || difficulty < 0 || difficulty > MAX_PUZZLE_BITS) throw new RangeError(`difficulty must be 0..${MAX_PUZZLE_BITS}`);
    const ms = this.now();
    const t = Math.floor(ms / 1000) >>> 0;
    const epoch = Math.floor(ms / this.rotateMs);
    this.forget(epoch);
    let secret = this.secrets.get(epoch);
    if (!secret) {
      secret = this.crypto.randomBytes(32);
      this.secrets.set(epoch, secret);
    }
    const head = new Uint8Array(5);
    new DataView(head.buffer).setUint32(0, t);
    head[4] = difficulty;
    const out = new Uint8Array(COOKIE_SIZE);
    out.set(head);
    out.set(this.tag(secret, head, address, hello), 5);
    return out;
  }

  /** Checks a cookie (MAC, age) and its puzzle nonce; never throws on hostile input. */
  verify(cookie: Uint8Array, nonce: Uint8Array, address: string, hello: Uint8Array): CookieCheck {
    if (cookie.length !== COOKIE_SIZE || nonce.length !== PUZZLE_NONCE_SIZE) return { ok: false, why: "malformed" };
    const ms = this.now();
    const t = new DataView(cookie.buffer, cookie.byteOffset, 4).getUint32(0);
    const age = Math.floor(ms / 1000) - t;
    if (age < 0 || age > this.lifetime) return { ok: false, why: "expired" };
    this.forget(Math.floor(ms / this.rotateMs));
    const difficulty = cookie[4] as number;
    const head = cookie.subarray(0, 5);
    const tag = cookie.subarray(5);
    // at most two secrets (this epoch's and the previous one): at most two HMACs
    let ok = false;
    for (const secret of this.secrets.values()) ok = bytesEqual(tag, this.tag(secret, head, address, hello)) || ok;
    if (!ok) return { ok: false, why: "invalid" };
    if (difficulty > MAX_PUZZLE_BITS || !puzzleSolved(this.crypto, cookie, nonce, difficulty)) return { ok: false, why: "puzzle" };
    return { ok: true, difficulty };
  }

  private tag(secret: Uint8Array, head: Uint8Array, address: string, hello: Uint8Array): Uint8Array {
    const addr = te.encode(address);
    const len = new Uint8Array([addr.length >> 8, addr.length & 0xff]);
    return this.crypto.hmacSha256(secret, COOKIE_LABEL, head, len, addr, hello).subarray(0, TAG_SIZE);
  }

  /** Drops secrets older than the previous epoch. */
  private forget(epoch: number): void {
    for (const e of this.secrets.keys()) if (e < epoch - 1) this.secrets.delete(e);
  }
}

/** Number of leading zero bits of `h`. */
export function leadingZeroBits(h: Uint8Array): number {
  let n = 0;
  for (const b of h) {
    if (b === 0) {
      n += 8;
      continue;
    }
    return n + Math.clz32(b) - 24;
  }
  return n;
}

/** Whether SHA-256("XTMP-v1 puzzle" ‖ 0x00 ‖ cookie ‖ nonce) has at least `difficulty` leading zero bits. */
export function puzzleSolved(crypto: CryptoBackend, cookie: Uint8Array, nonce: Uint8Array, difficulty: number): boolean {
  if (difficulty === 0) return true;
  return leadingZeroBits(crypto.sha256(PUZZLE_LABEL, cookie, nonce)) >= difficulty;
}

/**
 * Tries nonces `from` .. `from + count - 1` (the counter as a big-endian u64) and returns the first
 * that solves the puzzle, or undefined. Clients call it in slices so the event loop keeps turning.
 */
export function searchPuzzle(crypto: CryptoBackend, cookie: Uint8Array, difficulty: number, from: number, count: number): Uint8Array | undefined {
  const nonce = new Uint8Array(PUZZLE_NONCE_SIZE);
  const view = new DataView(nonce.buffer);
  for (let i = from; i < from + count; i++) {
    view.setUint32(0, Math.floor(i / 2 ** 32));
    view.setUint32(4, i >>> 0);
    if (puzzleSolved(crypto, cookie, nonce, difficulty)) return nonce;
  }
  return undefined;
}
