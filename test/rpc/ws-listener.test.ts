// The WebSocket listener against hostile HTTP clients: wrong paths, silent and slow requests, too many of them.
import { expect } from "chai";
import { createServer as createHttpServer } from "node:http";
import * as net from "node:net";
import { attachWebSocket, connectWebSocket, listenWebSocket, type WsDuplex, type WsListener } from "../../src/transport/websocket.js";

const UPGRADE = (path: string) =>
  `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
  `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`;

/** A raw TCP connection: what it received, and a promise of its close (rejects after `deadlineMs`). */
function raw(port: number, deadlineMs = 5000): { socket: net.Socket; data: () => string; closed: Promise<void> } {
  const socket = net.connect(port, "127.0.0.1");
  let text = "";
  socket.on("data", (d) => (text += d.toString("latin1")));
  socket.on("error", () => {}); // a reset is a close too
  const closed = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`connection still open after ${deadlineMs} ms`)), deadlineMs);
    socket.once("close", () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return { socket, data: () => text, closed };
}

const connected = (s: net.Socket) => new Promise<void>((r) => (s.readyState === "open" ? r() : s.once("connect", () => r())));

describe("WebSocket listener limits", function () {
  this.timeout(20_000);
  const TIMEOUT = 300; // headersTimeoutMs in these tests
  let listener: WsListener;
  const accepted: WsDuplex[] = [];
  const sockets: net.Socket[] = [];
  const open = (deadlineMs?: number) => {
    const r = raw(listener.port, deadlineMs);
    sockets.push(r.socket);
    return r;
  };

  beforeEach(async () => {
    listener = await listenWebSocket("127.0.0.1", 0, "/xtmp", (d) => accepted.push(d), { headersTimeoutMs: TIMEOUT, maxPendingConnections: 8 });
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    for (const d of accepted.splice(0)) d.destroy();
    await listener.close();
  });

  it("answers an upgrade to another path with 404 and closes the connection", async () => {
    const c = open();
    await connected(c.socket);
    c.socket.write(UPGRADE("/other"));
    await c.closed;
    expect(c.data()).to.match(/^HTTP\/1\.1 404 /);
    expect(listener.stats.notFound).to.equal(1);
    expect(accepted).to.have.length(0);
  });

  it("closes a connection that never sends a request", async () => {
    const c = open(10 * TIMEOUT);
    await c.closed;
    expect(c.data()).to.not.match(/^HTTP\/1\.1 [^4]/);
    expect(listener.stats.badRequests).to.equal(1);
  });

  it("closes a connection whose request head never completes (408)", async () => {
    const c = open(10 * TIMEOUT);
    await connected(c.socket);
    c.socket.write("GET /xtmp HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n");
    await c.closed;
    expect(c.data()).to.match(/^HTTP\/1\.1 408 /);
    expect(accepted).to.have.length(0);
  });

  it("refuses an oversized request head (431)", async () => {
    const c = open();
    await connected(c.socket);
    c.socket.write(`GET /xtmp HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${"a".repeat(16_000)}\r\n\r\n`);
    await c.closed;
    expect(c.data()).to.match(/^HTTP\/1\.1 431 /);
  });

  it("closes connections beyond maxPendingConnections at once", async () => {
    const waiting = Array.from({ length: 8 }, () => open(10 * TIMEOUT));
    await Promise.all(waiting.map((w) => connected(w.socket)));
    // connections are accepted in order: the ninth finds eight waiting
    const ninth = open(10 * TIMEOUT);
    await ninth.closed;
    expect(listener.stats.refused).to.equal(1);
    expect(ninth.data()).to.equal("");
    await Promise.all(waiting.map((w) => w.closed)); // the eight end by the request timeout
  });

  it("keeps an upgraded connection open past the request timeout and serves the right path", async () => {
    const client = await connectWebSocket(`ws://127.0.0.1:${listener.port}/xtmp`);
    const end = Date.now() + 5000;
    while (accepted.length === 0 && Date.now() < end) await new Promise((r) => setImmediate(r));
    expect(accepted).to.have.length(1);
    // a silent connection opened now is closed by the timeout; the upgraded one must outlive it
    const silent = open(10 * TIMEOUT);
    await silent.closed;
    const server = accepted[0] as WsDuplex;
    const got = new Promise<Uint8Array>((resolve) => server.setReceiver({ onData: resolve, onEnd() {} }));
    client.setReceiver({ onData() {}, onEnd() {} });
    client.write(new Uint8Array([1, 2, 3]));
    expect([...(await got)]).to.deep.equal([1, 2, 3]);
    client.destroy();
  });
});

describe("WebSocket attached to a user's HTTP server", () => {
  it("leaves upgrades to other paths to the server's owner", async () => {
    const http = createHttpServer();
    const a = attachWebSocket(http, "/xtmp", () => {});
    http.on("upgrade", (req, socket) => {
      if (req.url === "/mine") socket.end("HTTP/1.1 418 I'm a teapot\r\ncontent-length: 0\r\n\r\n");
    });
    await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
    const c = raw((http.address() as net.AddressInfo).port);
    await connected(c.socket);
    c.socket.write(UPGRADE("/mine"));
    await c.closed;
    expect(c.data()).to.match(/^HTTP\/1\.1 418 /);
    a.close();
    http.close();
  });
});
