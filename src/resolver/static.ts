// Fixed-list resolvers: `xtmp://host:port` (and bare host:port), `ws://` / `wss://` URLs, `static:///h1:p1,h2:p2`.
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";
import type { Endpoint, Resolver, ResolverListener, Target } from "./resolver.js";
import { parseHostPort, xtmpAddress } from "./target.js";

function invalid(message: string): XtmpError {
  return new XtmpError(Code.INVALID_ARGUMENT, message);
}

/** Reports one fixed, non-empty list once, on a microtask after `start()`; `refresh()` does nothing. */
export class FixedResolver implements Resolver {
  private readonly endpoints: readonly Endpoint[];
  private started = false;
  private closed = false;

  constructor(addresses: readonly string[]) {
    if (addresses.length === 0) throw invalid("a fixed endpoint list must not be empty");
    this.endpoints = Object.freeze(addresses.map((address) => Object.freeze({ address })));
  }

  start(listener: ResolverListener): void {
    if (this.started) throw new XtmpError(Code.FAILED_PRECONDITION, "resolver already started");
    this.started = true;
    queueMicrotask(() => {
      if (!this.closed) listener.onEndpoints(this.endpoints);
    });
  }

  refresh(): void {
    // a fixed list never changes
  }

  close(): void {
    this.closed = true;
  }
}

/** `xtmp://host:port` or a bare `host:port`: one endpoint; a host name is left for the TCP connect to resolve. */
export function createXtmpResolver(target: Target): Resolver {
  if (target.path !== "") throw invalid(`invalid target ${JSON.stringify(target.raw)}: xtmp:// targets have no path (expected xtmp://host:port)`);
  const { host, port } = parseHostPort(target.authority, target.raw);
  return new FixedResolver([xtmpAddress(host, port)]);
}

/** `ws://…` / `wss://…`: one endpoint, the URL unchanged. */
export function createWebSocketResolver(target: Target): Resolver {
  let url: URL | undefined;
  try {
    url = new URL(target.raw);
  } catch {
    url = undefined; // reported just below
  }
  if (!url || url.hostname === "" || target.authority === "") throw invalid(`invalid target ${JSON.stringify(target.raw)}: not a valid ${target.scheme}:// URL`);
  return new FixedResolver([target.raw]);
}

/** `static:///h1:p1,h2:p2,[::1]:p3`: the fixed list; empty entries, missing ports and duplicates are rejected. */
export function createStaticResolver(target: Target): Resolver {
  const where = `invalid target ${JSON.stringify(target.raw)}`;
  if (target.authority !== "") throw invalid(`${where}: static targets take no authority (expected static:///host:port,host:port)`);
  if (target.path === "") throw invalid(`${where}: no addresses (expected static:///host:port,host:port)`);
  const seen = new Set<string>();
  const addresses: string[] = [];
  for (const [i, entry] of target.path.split(",").entries()) {
    if (entry === "") throw invalid(`${where}: entry ${i + 1} is empty`);
    const { host, port } = parseHostPort(entry, target.raw);
    const address = xtmpAddress(host, port);
    const key = address.toLowerCase();
    if (seen.has(key)) throw invalid(`${where}: ${entry} is listed twice`);
    seen.add(key);
    addresses.push(address);
  }
  return new FixedResolver(addresses);
}

/** `unix:///absolute/path`: one endpoint, the socket path as given. */
export function createUnixResolver(target: Target): Resolver {
  if (target.authority !== "" || target.path === "") throw invalid(`invalid target ${JSON.stringify(target.raw)}: expected unix:///absolute/path`);
  return new FixedResolver([`unix:///${target.path}`]);
}

/** `memory://name`: one endpoint, an in-process listener. */
export function createMemoryResolver(target: Target): Resolver {
  if (target.authority === "" || target.path !== "") throw invalid(`invalid target ${JSON.stringify(target.raw)}: expected memory://name`);
  return new FixedResolver([`memory://${target.authority}`]);
}
