// TCP transport over node:net: a byte duplex per socket, connect with a timeout, and a listener.
import * as net from "node:net";
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";
import type { SocketReceiver } from "./receiver.js";

// The socket's listeners are shared by every socket (the duplex is found through the socket): no
// closures per connection.
const DUPLEX = Symbol("xtmp.tcpDuplex");
type OwnedSocket = net.Socket & { [DUPLEX]?: TcpDuplex };
function onSocketData(this: OwnedSocket, chunk: Buffer): void {
  this[DUPLEX]?.receiver?.onData(chunk);
}
function onSocketDrain(this: OwnedSocket): void {
  this[DUPLEX]?.receiver?.onDrain?.();
}
function onSocketEnd(this: OwnedSocket, err?: Error): void {
  this[DUPLEX]?.finish(err instanceof Error ? err : undefined);
}

/** A TCP socket as a byte duplex. Reading starts when the first receiver is installed. */
export class TcpDuplex {
  /** @internal */
  receiver: SocketReceiver | undefined;
  private ended = false;
  private readPaused = false;

  constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.pause();
    (socket as OwnedSocket)[DUPLEX] = this;
    socket.on("data", onSocketData);
    socket.on("drain", onSocketDrain);
    socket.on("end", onSocketEnd);
    socket.on("error", onSocketEnd);
    socket.on("close", onSocketEnd);
  }

  /** Peer address, e.g. `127.0.0.1:53122`; `unix` for a unix-socket peer (which has no address). */
  get remoteAddress(): string {
    return this.socket.remoteAddress === undefined ? "unix" : `${this.socket.remoteAddress}:${this.socket.remotePort}`;
  }

  /** Bytes written but still queued in this process (not yet accepted by the kernel). */
  get bufferedAmount(): number {
    return this.socket.writableLength;
  }

  /** Stops reading: the kernel buffers fill, the TCP window closes and the peer's sends stall. */
  pauseReading(): void {
    this.readPaused = true;
    this.socket.pause();
  }

  /** Reads again after `pauseReading`. */
  resumeReading(): void {
    this.readPaused = false;
    if (this.receiver && !this.ended) this.socket.resume();
  }

  /** Writes bytes (Node queues them; the buffer is not reused by callers). */
  write(chunk: Uint8Array): void {
    if (!this.ended && !this.socket.destroyed) this.socket.write(chunk);
  }

  /** Writes several buffers with one system call (cork/uncork gathers them). */
  writev(chunks: Uint8Array[]): void {
    if (this.ended || this.socket.destroyed) return;
    this.socket.cork();
    for (const c of chunks) this.socket.write(c);
    this.socket.uncork();
  }

  /** Flushes what is queued, then closes; destroys the socket if the peer does not finish in 2 s. */
  close(): void {
    if (this.socket.destroyed) return;
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 2000).unref();
  }

  /** Closes at once without flushing (used for force shutdown). */
  destroy(): void {
    this.socket.destroy();
  }

  /** Installs the receiver and starts reading. */
  setReceiver(receiver: SocketReceiver): void {
    this.receiver = receiver;
    if (this.ended) receiver.onEnd();
    else if (!this.readPaused) this.socket.resume();
  }

  /** @internal The socket ended, failed (`err`) or closed. */
  finish(err?: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.socket.destroy();
    this.receiver?.onEnd(err);
  }
}

/** Connects to host:port; fails with UNAVAILABLE (refused, unreachable, or after `timeoutMs`). */
export function connectTcp(host: string, port: number, timeoutMs = 10_000): Promise<TcpDuplex> {
  return connectSocket({ host, port }, `${host}:${port}`, timeoutMs);
}

/** Opens a stream socket (TCP or unix) as a TcpDuplex; `what` names it in errors (UNAVAILABLE). */
export function connectSocket(options: net.NetConnectOpts, what: string, timeoutMs: number): Promise<TcpDuplex> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(options);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new XtmpError(Code.UNAVAILABLE, `connect to ${what} timed out after ${timeoutMs} ms`));
    }, Math.min(timeoutMs, 0x7fffffff));
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.removeAllListeners("error");
      resolve(new TcpDuplex(socket));
    });
    socket.once("error", (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new XtmpError(Code.UNAVAILABLE, `connect to ${what} failed: ${err.code ?? err.message}`, { cause: err }));
    });
  });
}

/** A listening TCP server. */
export interface TcpListener {
  /** Bound host. */
  readonly host: string;
  /** Bound port (the real one when 0 was asked for). */
  readonly port: number;
  /** Stops accepting at once; existing sockets stay open. */
  close(): Promise<void>;
}

/** Listens on host:port (port 0 = any free port) and hands every accepted socket to `onConnection`. */
export function listenTcp(host: string, port: number, onConnection: (duplex: TcpDuplex) => void): Promise<TcpListener> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((socket) => onConnection(new TcpDuplex(socket)));
    server.once("error", (err) => reject(new XtmpError(Code.UNAVAILABLE, `listen on ${host}:${port} failed: ${err.message}`, { cause: err })));
    server.listen(port, host, () => {
      const addr = server.address() as net.AddressInfo;
      resolve({
        host: addr.address,
        port: addr.port,
        close: () => {
          // stop accepting now; open connections are the caller's to end
          server.close();
          return Promise.resolve();
        },
      });
    });
  });
}
