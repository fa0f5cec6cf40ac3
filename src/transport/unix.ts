// Unix domain sockets: `unix:///path` targets and listeners, the same byte stream as TCP (TcpDuplex over a local socket).
import * as net from "node:net";
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";
import { connectSocket, TcpDuplex, type TcpListener } from "./tcp.js";

/** The socket path of a `unix:///absolute/path` address, or undefined for other addresses. */
export function unixPath(address: string): string | undefined {
  const m = /^unix:\/\/(\/[^\s]*)$/.exec(address.trim());
  if (!m) return undefined;
  if ((m[1] as string).length > 104) throw new XtmpError(Code.INVALID_ARGUMENT, `unix socket path too long (at most 104 bytes): ${m[1]}`);
  return m[1];
}

/** Connects to a unix socket; fails with UNAVAILABLE (missing, refused, or after `timeoutMs`). */
export function connectUnix(path: string, timeoutMs = 10_000): Promise<TcpDuplex> {
  return connectSocket({ path }, `unix://${path}`, timeoutMs);
}

/** Listens on a unix socket path (which must not exist) and hands every accepted socket to `onConnection`. */
export function listenUnix(path: string, onConnection: (duplex: TcpDuplex) => void): Promise<TcpListener> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((socket) => onConnection(new TcpDuplex(socket)));
    server.once("error", (err) => reject(new XtmpError(Code.UNAVAILABLE, `listen on unix://${path} failed: ${err.message}`, { cause: err })));
    server.listen(path, () => {
      resolve({
        host: path,
        port: 0,
        close: () => {
          // stop accepting now (node removes the socket file); open connections are the caller's to end
          server.close();
          return Promise.resolve();
        },
      });
    });
  });
}
