// The `dns:///host:port` resolver: A and AAAA lookups, rate-limited re-resolution, backoff after failures.
import { defaultLookup as systemLookup } from "./dns-lookup.js";
import { isIP } from "./ip.js";
import { ConnectionBackoff } from "../retry/backoff.js";
import { systemClock, type Clock, type TimerHandle } from "../retry/clock.js";
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";
import type { Endpoint, Resolver, ResolverListener, ResolverOptions, Target } from "./resolver.js";
import { FixedResolver } from "./static.js";
import { canonicalIPv6, parseHostPort, xtmpAddress } from "./target.js";

type Lookup = NonNullable<ResolverOptions["lookup"]>;

const defaultLookup: Lookup = systemLookup;

/** Smallest time between two DNS lookups by default, ms. */
export const DEFAULT_MIN_REFRESH_INTERVAL_MS = 30_000;

/** Longest part of a lookup error quoted in a status message. */
const MAX_REASON_CHARS = 200;

function invalid(message: string): XtmpError {
  return new XtmpError(Code.INVALID_ARGUMENT, message);
}

/** `dns:///host:port`: validates the target; an IP literal host needs no lookup and gets a fixed list. */
export function createDnsResolver(target: Target, options: ResolverOptions): Resolver {
  const where = `invalid target ${JSON.stringify(target.raw)}`;
  if (target.authority !== "") throw invalid(`${where}: a DNS server authority (dns://server/host:port) is not supported; use dns:///host:port`);
  if (target.path === "") throw invalid(`${where}: missing host:port (expected dns:///host:port)`);
  const { host, port } = parseHostPort(target.path, target.raw);
  if (isIP(host) !== 0) return new FixedResolver([xtmpAddress(host, port)]);
  return new DnsResolver(target.raw, host, port, options);
}

/**
 * Looks `host` up at `start()` and again on `refresh()`, with at most one lookup in flight and
 * lookup starts at least `minRefreshIntervalMs` apart: a refresh inside the interval schedules one
 * lookup for the interval's end (further refreshes join it). After a failure (or an empty result)
 * the next lookup waits for the connection backoff, and never less than the interval.
 */
export class DnsResolver implements Resolver {
  private readonly clock: Clock;
  private readonly interval: number;
  private readonly lookup: Lookup;
  private readonly backoff: ConnectionBackoff;
  private listener: ResolverListener | null = null;
  private closed = false;
  private inFlight = false;
  /** A refresh was asked for while a lookup was in flight. */
  private pending = false;
  private timer: TimerHandle | null = null;
  private lastStart = -Infinity;

  constructor(
    private readonly raw: string,
    private readonly host: string,
    private readonly port: number,
    options: ResolverOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.interval = options.minRefreshIntervalMs ?? DEFAULT_MIN_REFRESH_INTERVAL_MS;
    this.lookup = options.lookup ?? defaultLookup;
    this.backoff = new ConnectionBackoff({}, options.random ?? Math.random);
  }

  start(listener: ResolverListener): void {
    if (this.listener) throw new XtmpError(Code.FAILED_PRECONDITION, "resolver already started");
    this.listener = listener;
    if (!this.closed) this.resolve();
  }

  refresh(): void {
    if (!this.listener || this.closed || this.timer !== null) return; // not started, closed, or already scheduled
    if (this.inFlight) {
      this.pending = true;
      return;
    }
    this.schedule(0);
  }

  close(): void {
    this.closed = true;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  /** Starts a lookup after `delayMs`, but not before the interval since the last start has passed. */
  private schedule(delayMs: number): void {
    const now = this.clock.now();
    const at = Math.max(now + delayMs, this.lastStart + this.interval);
    if (at <= now) {
      this.resolve();
      return;
    }
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      if (!this.closed) this.resolve();
    }, at - now);
  }

  private resolve(): void {
    this.inFlight = true;
    this.pending = false;
    this.lastStart = this.clock.now();
    let result: Promise<ReadonlyArray<{ address: string; family: number }>>;
    try {
      result = Promise.resolve(this.lookup(this.host));
    } catch (err) {
      result = Promise.reject(err); // a lookup that throws instead of rejecting
    }
    result.then(
      (found) => this.settle(true, found),
      (err: unknown) => this.settle(false, err),
    );
  }

  /** Handles a lookup's outcome: `value` is its result when `ok`, else its rejection reason. */
  private settle(ok: boolean, value: unknown): void {
    this.inFlight = false;
    if (this.closed) return;
    const listener = this.listener as ResolverListener;
    const endpoints = ok ? this.toEndpoints(value) : `lookup failed: ${describe(value)}`;
    if (typeof endpoints === "string") {
      this.pending = false;
      this.schedule(this.backoff.next());
      listener.onError(new XtmpError(Code.UNAVAILABLE, `${this.raw}: ${endpoints}`, ok ? {} : { cause: value }));
      return;
    }
    this.backoff.reset();
    if (this.pending) this.schedule(0);
    listener.onEndpoints(endpoints);
  }

  /** The endpoints of a lookup result, duplicates removed, in order; or why the result is unusable. */
  private toEndpoints(found: unknown): readonly Endpoint[] | string {
    if (!Array.isArray(found)) return "lookup returned no address list";
    const seen = new Set<string>();
    const endpoints: Endpoint[] = [];
    for (const entry of found as unknown[]) {
      const ip = (entry as { address?: unknown } | null)?.address;
      const family = typeof ip === "string" ? isIP(ip) : 0;
      if (family === 0) return `lookup returned an invalid address ${typeof ip === "string" ? JSON.stringify(ip.slice(0, MAX_REASON_CHARS)) : `(${typeof ip})`}`;
      const address = xtmpAddress(family === 6 ? canonicalIPv6(ip as string) : (ip as string), this.port);
      if (seen.has(address)) continue;
      seen.add(address);
      endpoints.push(Object.freeze({ address }));
    }
    if (endpoints.length === 0) return "lookup returned no addresses";
    return Object.freeze(endpoints);
  }
}

/** The short reason of a lookup failure: its error code (ENOTFOUND, EAI_AGAIN, …) or message. */
function describe(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === "string" && code !== "") return code.slice(0, MAX_REASON_CHARS);
  if (err instanceof Error) return err.message.slice(0, MAX_REASON_CHARS);
  return typeof err === "string" ? err.slice(0, MAX_REASON_CHARS) : `a non-Error ${typeof err}`;
}
