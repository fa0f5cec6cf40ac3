// WebSocket transport over `ws`: XTMP bytes in binary messages; client connect, server listen or attach.
import type { IncomingMessage, Server as HttpServer } from "node:http";
import { createServer as createHttpServer } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer } from "ws";
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";
import type { SocketReceiver, TcpListener } from "./tcp.js";

/** A WebSocket as a byte duplex: each write is one binary message; messages are delivered as chunks. */
export class WsDuplex {
  private receiver: SocketReceiver | undefined;
  private pending: Uint8Array[] = [];
  private ended = false;
  private endError: Error | undefined;

  constructor(private readonly ws: WebSocket) {
    ws.binaryType = "nodebuffer";
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      if (!isBinary) return this.finish(new Error("text message on an XTMP WebSocket"));
      if (this.receiver) this.receiver.onData(data);
      else this.pending.push(data);
    });
    ws.on("close", () => this.finish());
    ws.on("error", (err) => this.finish(err));
  }

  /** Sends bytes as one binary message. */
  write(chunk: Uint8Array): void {
    if (!this.ended && this.ws.readyState === WebSocket.OPEN) this.ws.send(chunk, { binary: true });
  }

  /** Closes the WebSocket (normal closure). */
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
    const ws = new WebSocket(url, { handshakeTimeout: timeoutMs, maxPayload: 1 << 20, perMessageDeflate: false });
    ws.once("open", () => {
      ws.removeAllListeners("error");
      resolve(new WsDuplex(ws));
    });
    ws.once("error", (err) => reject(new XtmpError(Code.UNAVAILABLE, `WebSocket to ${url} failed: ${err.message}`, { cause: err })));
  });
}

/** Serves XTMP over WebSocket on an existing HTTP server at `path`; other paths are left alone. */
export function attachWebSocket(server: HttpServer, path: string, onConnection: (d: WsDuplex) => void): { close(): void } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20, perMessageDeflate: false });
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if ((req.url ?? "").split("?")[0] !== path) return;
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(new WsDuplex(ws)));
  };
  server.on("upgrade", onUpgrade);
  return {
    close: () => {
      server.off("upgrade", onUpgrade);
      wss.close();
    },
  };
}

/** Listens for XTMP-over-WebSocket on its own HTTP server at host:port (0 = any) and `path`. */
export function listenWebSocket(host: string, port: number, path: string, onConnection: (d: WsDuplex) => void): Promise<TcpListener> {
  return new Promise((resolve, reject) => {
    const http = createHttpServer((_req, res) => {
      res.writeHead(426, { "content-type": "text/plain" }).end("XTMP over WebSocket: upgrade required\n");
    });
    const attached = attachWebSocket(http, path, onConnection);
    http.once("error", (err) => reject(new XtmpError(Code.UNAVAILABLE, `listen on ${host}:${port} failed: ${err.message}`, { cause: err })));
    http.listen(port, host, () => {
      const addr = http.address() as { address: string; port: number };
      resolve({
        host: addr.address,
        port: addr.port,
        close: () => {
          // stop accepting; upgraded sessions stay open (their owner closes them)
          attached.close();
          http.close();
          return Promise.resolve();
        },
      });
    });
  });
}
