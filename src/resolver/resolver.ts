// Name resolution: the resolver interface, its options, and createResolver with the scheme registry.
import type { Clock } from "../retry/clock.js";
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";
import { createDnsResolver } from "./dns.js";
import { createMemoryResolver, createStaticResolver, createUnixResolver, createWebSocketResolver, createXtmpResolver } from "./static.js";
import { parseTarget } from "./target.js";

export { DEFAULT_MIN_REFRESH_INTERVAL_MS } from "./dns.js";
export { parseTarget } from "./target.js";

/** One address a channel can dial. */
export interface Endpoint {
  /** `xtmp://host:port` (IPv6 in brackets: `xtmp://[::1]:5000`) or a `ws://` / `wss://` URL as given. */
  readonly address: string;
}

/** Receives a resolver's results. Callbacks are never made after `close()` and never synchronously from `start()`. */
export interface ResolverListener {
  /** The full current list (it replaces the previous one); never empty. */
  onEndpoints(endpoints: readonly Endpoint[]): void;
  /** Resolution failed or found nothing: an UNAVAILABLE error whose message says what failed. */
  onError(error: XtmpError): void;
}

/** Turns a target into endpoint lists, now and whenever asked again. */
export interface Resolver {
  /** Starts resolving; results go to `listener`. Call once. */
  start(listener: ResolverListener): void;
  /** Asks for a re-resolution (e.g. after a connection loss or GOAWAY); resolvers may rate-limit it or ignore it. */
  refresh(): void;
  /** Stops: cancels timers, ignores lookups in flight; no listener callback follows. */
  close(): void;
}

/** A parsed target: `scheme://authority/path`, `path` without its leading `/`. */
export interface Target {
  /** Lower-case scheme (`xtmp` for a bare `host:port`). */
  readonly scheme: string;
  /** Between `//` and the next `/` (empty in `dns:///host:port`). */
  readonly authority: string;
  /** After the `/` that ends the authority. */
  readonly path: string;
  /** The whole target as given (surrounding whitespace removed). */
  readonly raw: string;
}

/** Options every resolver receives. */
export interface ResolverOptions {
  /** Time and timers (default `systemClock`). */
  clock?: Clock;
  /** Smallest time between two DNS lookups, ms (default 30,000), whatever triggers them. */
  minRefreshIntervalMs?: number;
  /** Host name lookup (default `node:dns/promises` `lookup(host, { all: true })`): A and AAAA results. */
  lookup?: (host: string) => Promise<ReadonlyArray<{ address: string; family: number }>>;
  /** Random numbers in [0, 1) for backoff jitter (default `Math.random`). */
  random?: () => number;
}

/** Creates the resolver of one scheme. Should throw INVALID_ARGUMENT for a target it cannot serve. */
export type ResolverFactory = (target: Target, options: ResolverOptions) => Resolver;

const BUILT_IN: ReadonlyMap<string, ResolverFactory> = new Map<string, ResolverFactory>([
  ["dns", createDnsResolver],
  ["static", createStaticResolver],
  ["ws", createWebSocketResolver],
  ["wss", createWebSocketResolver],
  ["memory", createMemoryResolver],
  ["unix", createUnixResolver],
  ["xtmp", createXtmpResolver],
]);

/**
 * Creates the resolver for `target`: `xtmp://host:port` or `host:port`, `ws://…` / `wss://…`,
 * `static:///h1:p1,h2:p2`, `dns:///host:port`, or any scheme in `options.resolvers`. A factory in
 * `options.resolvers` wins over a built-in one of the same scheme (so `dns` can be replaced).
 * Throws INVALID_ARGUMENT for a malformed target or an unknown scheme.
 */
export function createResolver(target: string, options: ResolverOptions & { resolvers?: Readonly<Record<string, ResolverFactory>> } = {}): Resolver {
  const { resolvers, ...rest } = options;
  const interval = rest.minRefreshIntervalMs;
  if (interval !== undefined && !(Number.isFinite(interval) && interval >= 0)) {
    throw new XtmpError(Code.INVALID_ARGUMENT, `minRefreshIntervalMs must be a finite number >= 0, got ${String(interval)}`);
  }
  const registry = new Map(BUILT_IN);
  for (const [scheme, factory] of Object.entries(resolvers ?? {})) {
    if (typeof factory !== "function") throw new XtmpError(Code.INVALID_ARGUMENT, `resolvers.${scheme} is not a function`);
    registry.set(scheme.toLowerCase(), factory);
  }
  const parsed = parseTarget(target);
  const factory = registry.get(parsed.scheme);
  if (!factory) {
    const known = [...registry.keys()].sort().map((s) => `${s}://`).join(", ");
    throw new XtmpError(Code.INVALID_ARGUMENT, `unsupported target scheme ${JSON.stringify(parsed.scheme)} in ${JSON.stringify(parsed.raw)} (supported: ${known}, or a bare host:port)`);
  }
  return factory(parsed, rest);
}
