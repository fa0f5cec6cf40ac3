// WebSocket transport over `ws`: XTMP bytes in binary messages; client connect, server listen or attach.
import type { IncomingMessage, Server as HttpServer } from "node:http";
import { createServer as createHttpServer } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer } from "ws";
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";
import type { SocketReceiver } from "./receiver.js";
import type { TcpListener } from "./tcp.js";

/** Largest WebSocket message accepted (both sides); larger ones close the connection (1009). */
const MAX_PAYLOAD = 1 << 20;
/** Writes are cut into messages of at most this many bytes (message boundaries carry no meaning). */
const MAX_MESSAGE = 256 << 10;

/** A WebSocket as a byte duplex: writes go out as binary messages; messages are delivered as chunks. */
export class WsDuplex {
  private receiver: SocketReceiver | undefined;
  private pending: Uint8Array[] = [];
  private ended = false;
  private endError: Error | undefined;
  // called by `ws` once a message has been handed to the kernel
  private readonly sent = (err?: Error): void => {
    if (!err) this.receiver?.onDrain?.();
  };

  constructor(
    private readonly ws: WebSocket,
    /** The peer's TCP address (`ip:port`) as this server sees it; undefined on the client side. */
    readonly remoteAddress?: string,
  ) {
    ws.binaryType = "nodebuffer";
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      if (!isBinary) return this.finish(new Error("text message on an XTMP WebSocket"));
      if (this.receiver) this.receiver.onData(data);
      else this.pending.push(data);
    });
    ws.on("close", () => this.finish());
    ws.on("error", (err) => this.finish(err));
  }

  /** Bytes sent but still queued in this process (the WebSocket's `bufferedAmount`). */
  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  /** Stops reading from the peer (its sends then stall on a full TCP window). */
  pauseReading(): void {
    this.ws.pause();
  }

  /** Reads again after `pauseReading`. */
  resumeReading(): void {
    this.ws.resume();
  }

  /** Sends bytes as binary messages (one, unless larger than 256 KiB). */
  write(chunk: Uint8Array): void {
    if (this.ended || this.ws.readyState !== WebSocket.OPEN) return;
    for (let off = 0; off < chunk.length; off += MAX_MESSAGE) {
      this.ws.send(chunk.length <= MAX_MESSAGE ? chunk : chunk.subarray(off, off + MAX_MESSAGE), { binary: true }, this.sent);
    }
  }

  /** Sends several buffers, gathered into messages of up to 256 KiB. */
  writev(chunks: Uint8Array[]): void {
    let group: Uint8Array[] = [];
    let size = 0;
    const send = (): void => {
      if (group.length === 1) this.write(group[0] as Uint8Array);
      else if (group.length > 1) this.write(Buffer.concat(group, size));
      group = [];
      size = 0;
    };
    for (const c of chunks) {
      if (size + c.length > MAX_MESSAGE) send();
      group.push(c);
      size += c.length;
    }
    send();
  }

  /** Closes the WebSocket (normal closure); drops it if the peer has not finished in 2 s. */
  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(1000);
    setTimeout(() => this.ws.terminate(), 2000).unref();
  }

  /** Drops the connection at once. */
  destroy(): void {
    this.ws.terminate();
  }

  /** Installs the receiver (messages that came before it are delivered first). */
  setReceiver(receiver: SocketReceiver): void {
    this.receiver = receiver;
    const queued = this.pending;
    this.pending = [];
    for (const c of queued) receiver.onData(c);
    if (this.ended) receiver.onEnd(this.endError);
  }

  private finish(err?: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.endError = err;
    this.ws.terminate();
    this.receiver?.onEnd(err);
  }
}

/** Opens a WebSocket to `url` (ws:// or wss://); fails with UNAVAILABLE. */
export function connectWebSocket(url: string, timeoutMs = 10_000): Promise<WsDuplex> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { handshakeTimeout: timeoutMs, maxPayload: MAX_PAYLOAD, perMessageDeflate: false });
    ws.once("open", () => {
      ws.removeAllListeners("error");
      resolve(new WsDuplex(ws));
    });
    ws.once("error", (err) => reject(new XtmpError(Code.UNAVAILABLE, `WebSocket to ${url} failed: ${err.message}`, { cause: err })));
  });
}

function pathOf(req: IncomingMessage): string {
  return (req.url ?? "").split("?")[0] as string;
}

/**
 * Serves XTMP over WebSocket on an existing HTTP server at `path`. Upgrade requests to other paths,
 * plain requests and the server's timeouts are left to the server's owner (an upgrade nobody answers
 * stays open until the owner's own timeouts close it).
 */
export function attachWebSocket(server: HttpServer, path: string, onConnection: (d: WsDuplex) => void): { close(): void } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD, perMessageDeflate: false, clientTracking: false });
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (pathOf(req) !== path) return;
    const remote = req.socket.remoteAddress === undefined ? undefined : `${req.socket.remoteAddress}:${req.socket.remotePort}`;
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(new WsDuplex(ws, remote)));
  };
  server.on("upgrade", onUpgrade);
  return {
    close: () => {
      server.off("upgrade", onUpgrade);
      wss.close();
    },
  };
}

/** Limits of a WebSocket listener that owns its HTTP server. */
export interface WsListenOptions {
  /**
   * Milliseconds a connection may take to send its complete HTTP request (upgrade or not); slower or
   * silent connections are closed (default 10,000).
   */
  headersTimeoutMs?: number;
  /** Largest HTTP request head in bytes (default 8,192); larger ones get 431 and are closed. */
  maxHeaderSize?: number;
  /** Most header lines parsed per request (default 64). */
  maxHeadersCount?: number;
  /** Connections that have not (yet) upgraded, at most; further ones are closed at once (default 1,024). */
  maxPendingConnections?: number;
}

/** What a WebSocket listener refused. */
export interface WsListenerStats {
  /** Upgrade requests to another path, answered 404. */
  notFound: number;
  /** Connections closed because the request was incomplete, too slow, or malformed. */
  badRequests: number;
  /** Connections closed at once because `maxPendingConnections` were waiting. */
  refused: number;
}

/** A WebSocket listener: a TcpListener with counters. */
export interface WsListener extends TcpListener {
  /** Counters (live). */
  readonly stats: WsListenerStats;
}

/**
 * Listens for XTMP-over-WebSocket on its own HTTP server at host:port (0 = any) and `path`. Upgrade
 * requests to other paths get 404, plain requests 426; incomplete requests are closed after
 * `headersTimeoutMs`.
 */
export function listenWebSocket(host: string, port: number, path: string, onConnection: (d: WsDuplex) => void, options: WsListenOptions = {}): Promise<WsListener> {
  const timeoutMs = options.headersTimeoutMs ?? 10_000;
  const maxPending = options.maxPendingConnections ?? 1024;
  const stats: WsListenerStats = { notFound: 0, badRequests: 0, refused: 0 };
  return new Promise((resolve, reject) => {
    const http = createHttpServer(
      {
        headersTimeout: timeoutMs,
        requestTimeout: timeoutMs,
        // how often the two timeouts above are enforced (Node's default, 30 s, would let them slip)
        connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(timeoutMs / 4))),
        maxHeaderSize: options.maxHeaderSize ?? 8192,
        keepAliveTimeout: Math.min(5000, timeoutMs),
      },
      (_req, res) => {
        res.writeHead(426, { "content-type": "text/plain", connection: "close" }).end("XTMP over WebSocket: upgrade required\n");
      },
    );
    http.maxHeadersCount = options.maxHeadersCount ?? 64;
    // a backstop for sockets idle before the upgrade (`ws` clears it on the sockets it takes over)
    http.timeout = 2 * timeoutMs;
    const pending = new Set<Duplex>();
    http.on("connection", (socket: Socket) => {
      if (pending.size >= maxPending) {
        stats.refused++;
        socket.destroy();
        return;
      }
      pending.add(socket);
      socket.once("close", () => pending.delete(socket));
    });
    http.on("clientError", (err: NodeJS.ErrnoException, socket: Duplex) => {
      stats.badRequests++;
      const status = err.code === "ERR_HTTP_REQUEST_TIMEOUT" ? "408 Request Timeout" : err.code === "HPE_HEADER_OVERFLOW" ? "431 Request Header Fields Too Large" : "400 Bad Request";
      if (socket.writable) socket.write(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
      socket.destroy();
    });
    const attached = attachWebSocket(http, path, (d) => onConnection(d));
    http.on("upgrade", (req: IncomingMessage, socket: Duplex) => {
      pending.delete(socket);
      if (pathOf(req) === path) return; // taken by the attached WebSocket server
      stats.notFound++;
      if (socket.writable) socket.write("HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
      socket.destroy();
    });
    http.once("error", (err) => reject(new XtmpError(Code.UNAVAILABLE, `listen on ${host}:${port} failed: ${err.message}`, { cause: err })));
    http.listen(port, host, () => {
      const addr = http.address() as { address: string; port: number };
      resolve({
        host: addr.address,
        port: addr.port,
        stats,
        close: () => {
          // stop accepting; upgraded sessions stay open (their owner closes them)
          attached.close();
          http.close();
          for (const s of pending) s.destroy();
          return Promise.resolve();
        },
      });
    });
  });
}
