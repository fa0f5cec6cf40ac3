// Admission control of handshakes: a concurrency limit, per-source token buckets, and the load signal that turns on cookies.
import { CookieJar, MAX_PUZZLE_BITS } from "../secure/cookie.js";
import type { CryptoBackend } from "../secure/crypto.js";
import { nodeCrypto } from "../secure/crypto-node.js";
import type { AdmissionRefusal, HandshakeAdmission, HandshakeTicket, ServerSessionOptions } from "../secure/options.js";
import { encodeServerHello, HelloStatus, PROTOCOL_VERSION } from "../wire/preamble.js";

/** The admission limits with their defaults applied. */
export interface AdmissionLimits {
  readonly maxHandshakesInFlight: number;
  readonly maxHandshakesInFlightPerSource: number;
  readonly handshakesPerSecondPerSource: number;
  readonly handshakeBurstPerSource: number;
  readonly maxHandshakeSources: number;
  readonly handshakeCookies: "auto" | "always" | "never";
  readonly handshakeLoadRate: number;
  readonly handshakePuzzleBits: number;
}

/** Counters of the admission control. */
export interface AdmissionStats {
  /** Handshakes in progress now. */
  inFlight: number;
  /** Connections admitted to a handshake. */
  admitted: number;
  /** Refused: too many handshakes in flight (server-wide or from the source). */
  refusedBusy: number;
  /** Refused: the source exceeded its handshake rate. */
  refusedRateLimited: number;
  /** RETRYs sent (cookies demanded). */
  retries: number;
  /** Source addresses tracked now (≤ maxHandshakeSources). */
  trackedSources: number;
  /** Whether the server is under load now (cookies are demanded in `auto` mode). */
  underLoad: boolean;
}

interface Source {
  tokens: number;
  last: number;
  inFlight: number;
}

function positiveInt(name: string, v: number | undefined, dflt: number, min = 1): number {
  const n = v ?? dflt;
  if (!Number.isInteger(n) || n < min) throw new RangeError(`${name} must be an integer ≥ ${min}`);
  return n;
}

/** Resolves and checks the admission options (throws RangeError on a bad value). */
export function admissionLimits(o: ServerSessionOptions): AdmissionLimits {
  const rate = o.handshakesPerSecondPerSource ?? 100;
  if (!(rate > 0) || !Number.isFinite(rate)) throw new RangeError("handshakesPerSecondPerSource must be a positive number");
  const cookies = o.handshakeCookies ?? "auto";
  if (cookies !== "auto" && cookies !== "always" && cookies !== "never") throw new RangeError("handshakeCookies must be auto, always or never");
  const timeout = o.handshakeTimeoutMs ?? 10_000;
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > 2 ** 31 - 1) throw new RangeError("handshakeTimeoutMs must be an integer 1..2^31-1");
  const bits = o.handshakePuzzleBits ?? 12;
  if (!Number.isInteger(bits) || bits < 0 || bits > MAX_PUZZLE_BITS) throw new RangeError(`handshakePuzzleBits must be 0..${MAX_PUZZLE_BITS}`);
  return {
    maxHandshakesInFlight: positiveInt("maxHandshakesInFlight", o.maxHandshakesInFlight, 64),
    maxHandshakesInFlightPerSource: positiveInt("maxHandshakesInFlightPerSource", o.maxHandshakesInFlightPerSource, 32),
    handshakesPerSecondPerSource: rate,
    handshakeBurstPerSource: positiveInt("handshakeBurstPerSource", o.handshakeBurstPerSource, 500),
    maxHandshakeSources: positiveInt("maxHandshakeSources", o.maxHandshakeSources, 10_000),
    handshakeCookies: cookies,
    handshakeLoadRate: positiveInt("handshakeLoadRate", o.handshakeLoadRate, 200),
    handshakePuzzleBits: bits,
  };
}

/**
 * The source a per-source limit applies to, from `ip:port` (as TcpDuplex.remoteAddress formats it;
 * `[ip]:port` too): the IP, IPv4-mapped IPv6 as IPv4, and for IPv6 its /64 (a host usually owns a
 * whole /64). Undefined when the address is unknown.
 */
export function sourceKey(remoteAddress: string | undefined): string | undefined {
  if (!remoteAddress) return undefined;
  const bracketed = /^\[(.*)\]:\d+$/.exec(remoteAddress);
  const ip = bracketed ? (bracketed[1] as string) : remoteAddress.includes(":") ? remoteAddress.slice(0, remoteAddress.lastIndexOf(":")) : remoteAddress;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1];
  if (!ip.includes(":")) return ip;
  return ipv6Prefix64(ip) ?? ip;
}

/** The first four groups of an IPv6 address, expanded ("2001:db8:0:1"), or undefined if malformed. */
function ipv6Prefix64(ip: string): string | undefined {
  const [head = "", tail, extra] = ip.split("::");
  if (extra !== undefined) return undefined;
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const missing = 8 - h.length - t.length;
  if (missing < 0 || (tail === undefined && missing !== 0)) return undefined;
  const groups = [...h, ...Array<string>(tail === undefined ? 0 : missing).fill("0"), ...t];
  return groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, "")).join(":");
}

/**
 * Server-side admission of handshakes. `admit()` is called for every new connection before any
 * byte is read: it refuses (BUSY) when `maxHandshakesInFlight` handshakes are running, when the
 * source has `maxHandshakesInFlightPerSource` running, or when its token bucket
 * (`handshakesPerSecondPerSource`, burst `handshakeBurstPerSource`) is empty. Refused connections
 * are answered at once and never wait. The server is *under load* when at least half the
 * in-flight slots are taken or connection attempts (admitted or not) exceed `handshakeLoadRate`
 * per second; then (in `auto` mode) every handshake must first answer a RETRY with a cookie and a
 * `handshakePuzzleBits` puzzle, so the server does no DH for a peer that has not paid.
 */
export class Admission implements HandshakeAdmission {
  readonly limits: AdmissionLimits;
  readonly cookies: CookieJar;
  private readonly sources = new Map<string, Source>(); // least recently seen first
  private readonly now: () => number;
  private inFlight = 0;
  private admitted = 0;
  private refusedBusy = 0;
  private refusedRate = 0;
  private retries = 0;
  private window = 0; // the current one-second window (index)
  private thisWindow = 0; // attempts in it
  private lastWindow = 0; // attempts in the one before

  constructor(options: ServerSessionOptions, deps: { crypto?: CryptoBackend; now?: () => number } = {}) {
    this.limits = admissionLimits(options);
    this.now = deps.now ?? Date.now;
    this.cookies = new CookieJar(deps.crypto ?? options.crypto ?? nodeCrypto, { now: this.now });
  }

  /** Counters. */
  get stats(): AdmissionStats {
    return {
      inFlight: this.inFlight,
      admitted: this.admitted,
      refusedBusy: this.refusedBusy,
      refusedRateLimited: this.refusedRate,
      retries: this.retries,
      trackedSources: this.sources.size,
      underLoad: this.underLoad,
    };
  }

  /** Handshakes in flight ≥ half the limit, or attempts per second ≥ handshakeLoadRate. */
  get underLoad(): boolean {
    return this.inFlight * 2 >= this.limits.maxHandshakesInFlight || this.attemptRate() >= this.limits.handshakeLoadRate;
  }

  /** Puzzle bits to demand now, or undefined when no cookie is needed. */
  cookieDemand(): number | undefined {
    const mode = this.limits.handshakeCookies;
    if (mode === "never") return undefined;
    const loaded = this.underLoad;
    if (mode === "always") return loaded ? this.limits.handshakePuzzleBits : 0;
    return loaded ? this.limits.handshakePuzzleBits : undefined;
  }

  /** Admits a new connection's handshake, or says why not. */
  admit(remoteAddress: string | undefined): HandshakeTicket | { readonly refused: AdmissionRefusal; readonly message: string } {
    const now = this.now();
    this.countAttempt(now);
    if (this.inFlight >= this.limits.maxHandshakesInFlight) {
      this.refusedBusy++;
      return { refused: "busy", message: `too many handshakes in progress (${this.limits.maxHandshakesInFlight}); try again later` };
    }
    const key = sourceKey(remoteAddress);
    const src = key === undefined ? undefined : this.source(key, now);
    if (src) {
      if (src.inFlight >= this.limits.maxHandshakesInFlightPerSource) {
        this.refusedBusy++;
        return { refused: "busy", message: `too many handshakes in progress from this address (${this.limits.maxHandshakesInFlightPerSource}); try again later` };
      }
      if (src.tokens < 1) {
        this.refusedRate++;
        return { refused: "rate_limited", message: `too many handshakes from this address (${this.limits.handshakesPerSecondPerSource}/s); try again later` };
      }
      src.tokens -= 1;
      src.inFlight++;
    }
    this.inFlight++;
    this.admitted++;
    let done = false;
    return {
      cookies: this.cookies,
      cookieDemand: () => this.cookieDemand(),
      retried: () => void this.retries++,
      finished: () => {
        if (done) return;
        done = true;
        this.inFlight--;
        if (src) src.inFlight--;
      },
    };
  }

  /** The bucket of `key`, refilled to now; new sources start full; the map stays within its bound. */
  private source(key: string, now: number): Source {
    let s = this.sources.get(key);
    if (s) {
      this.sources.delete(key); // re-insert: most recently seen last
      const elapsed = Math.max(0, now - s.last) / 1000;
      s.tokens = Math.min(this.limits.handshakeBurstPerSource, s.tokens + elapsed * this.limits.handshakesPerSecondPerSource);
      s.last = now;
    } else {
      s = { tokens: this.limits.handshakeBurstPerSource, last: now, inFlight: 0 };
      this.evict();
    }
    this.sources.set(key, s);
    return s;
  }

  /**
   * Makes room for one more source: drops the least recently seen source without a handshake in
   * flight (at most maxHandshakesInFlight sources have one, so the scan is short). A dropped
   * source starts again with a full bucket: eviction can only make the limit more lenient.
   */
  private evict(): void {
    if (this.sources.size < this.limits.maxHandshakeSources) return;
    for (const [k, s] of this.sources) {
      if (s.inFlight === 0) {
        this.sources.delete(k);
        return;
      }
    }
    // every tracked source has a handshake in flight (maxHandshakeSources < maxHandshakesInFlight): drop the oldest
    const oldest = this.sources.keys().next();
    if (!oldest.done) this.sources.delete(oldest.value);
  }

  private countAttempt(now: number): void {
    const w = Math.floor(now / 1000);
    if (w !== this.window) {
      this.lastWindow = w === this.window + 1 ? this.thisWindow : 0;
      this.thisWindow = 0;
      this.window = w;
    }
    this.thisWindow++;
  }

  /** Attempts in the last second: this window plus the overlapping part of the previous one. */
  private attemptRate(): number {
    const now = this.now();
    const w = Math.floor(now / 1000);
    if (w > this.window + 1) return 0;
    if (w === this.window + 1) return this.thisWindow * (1 - (now % 1000) / 1000);
    return this.thisWindow + this.lastWindow * (1 - (now % 1000) / 1000);
  }
}

// ServerHello BUSY by refusal message (there are a handful of distinct messages)
const busyHellos = new Map<string, Uint8Array>();
export function busyHello(message: string): Uint8Array {
  let b = busyHellos.get(message);
  if (!b) {
    b = encodeServerHello({ version: PROTOCOL_VERSION, status: HelloStatus.BUSY, features: 0, reason: message });
    if (busyHellos.size < 16) busyHellos.set(message, b);
  }
  return b;
}
