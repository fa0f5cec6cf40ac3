// TCP in browsers: not available; channels there use ws:// or wss:// URLs.
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";

/** Receives a socket's bytes (same shape as the Node transport's). */
export interface SocketReceiver {
  /** Bytes arrived. */
  onData(chunk: Uint8Array): void;
  /** The socket ended or failed. */
  onEnd(error?: Error): void;
}

/** Always fails: browsers cannot open TCP connections. */
export function connectTcp(host: string, port: number): Promise<never> {
  return Promise.reject(new XtmpError(Code.UNAVAILABLE, `xtmp://${host}:${port}: browsers cannot open TCP connections; use a ws:// or wss:// URL`));
}
