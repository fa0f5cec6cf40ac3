// A small bounded HTTP server exposing a prom-client registry at /metrics for Prometheus to scrape.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { Registry } from "prom-client";

/** Limits of {@link serveMetrics}. */
export interface ServeMetricsOptions {
  /** Most open connections; further ones are closed at once (default 64). */
  maxConnections?: number;
  /** Time to receive a request's headers (default 5000 ms). */
  headersTimeoutMs?: number;
  /** Time for a whole request and its response (default 10000 ms). */
  requestTimeoutMs?: number;
  /** Idle time of a kept-alive connection (default 5000 ms). */
  keepAliveTimeoutMs?: number;
  /** Largest request head (default 8192 bytes). */
  maxHeaderSize?: number;
}

/** What the endpoint has answered (each request counts once). */
export interface MetricsEndpointStats {
  /** Scrapes answered 200. */
  scrapes: number;
  /** Requests for another path (404). */
  notFound: number;
  /** Requests with another method than GET or HEAD (405). */
  badMethod: number;
  /** Collections that failed (500). */
  failed: number;
  /** Connections refused or ended for a malformed request, a timeout or a socket error. */
  badConnections: number;
}

/** A running metrics endpoint. */
export interface MetricsEndpoint {
  readonly host: string;
  readonly port: number;
  readonly stats: Readonly<MetricsEndpointStats>;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

/** Splits `HOST:PORT` (`[::1]:9464` for IPv6); throws a TypeError when it is not one. */
export function parseHostPort(hostPort: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(hostPort);
  const port = Number(m?.[3]);
  if (!m || port > 65535) throw new TypeError(`expected HOST:PORT, got ${JSON.stringify(hostPort)}`);
  return { host: (m[1] ?? m[2]) as string, port };
}

/**
 * Serves `registry` at `http://HOST:PORT/metrics` (GET and HEAD; 404 for other paths, 405 for other
 * methods). Concurrent scrapes share one collection. Bad requests and socket errors end that
 * connection only and are counted in `stats`.
 */
export async function serveMetrics(hostPort: string, registry: Registry, options: ServeMetricsOptions = {}): Promise<MetricsEndpoint> {
  const { host, port } = parseHostPort(hostPort);
  const stats: MetricsEndpointStats = { scrapes: 0, notFound: 0, badMethod: 0, failed: 0, badConnections: 0 };
  let inFlight: Promise<string> | undefined;
  const collect = () =>
    (inFlight ??= registry.metrics().finally(() => {
      inFlight = undefined;
    }));

  const answer = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "content-length": String(Buffer.byteLength(body)), ...headers });
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "").split("?")[0];
    if (path !== "/metrics") {
      stats.notFound++;
      return answer(res, 404, "not found; metrics are at /metrics\n");
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      stats.badMethod++;
      return answer(res, 405, "method not allowed\n", { allow: "GET, HEAD" });
    }
    let body: string;
    try {
      body = await collect();
    } catch (err) {
      stats.failed++;
      return answer(res, 500, `collecting metrics failed: ${err instanceof Error ? err.message : String(err)}\n`);
    }
    stats.scrapes++;
    answer(res, 200, body, { "content-type": registry.contentType });
  };

  const server = createServer({ maxHeaderSize: options.maxHeaderSize ?? 8192, requestTimeout: options.requestTimeoutMs ?? 10_000, headersTimeout: options.headersTimeoutMs ?? 5000 }, (req, res) => {
    req.resume(); // a request body is never read: discard it
    handle(req, res).catch(() => {
      stats.failed++;
      res.destroy();
    });
  });
  server.keepAliveTimeout = options.keepAliveTimeoutMs ?? 5000;
  server.maxConnections = options.maxConnections ?? 64;
  server.on("drop", () => stats.badConnections++);
  server.on("clientError", (_err: Error, socket: Socket) => {
    stats.badConnections++;
    socket.destroy();
  });
  server.on("connection", (socket: Socket) => socket.on("error", () => socket.destroy()));

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  server.on("error", () => stats.failed++); // after listening, errors never crash the process
  const address = server.address() as AddressInfo;
  return {
    host: address.address,
    port: address.port,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
