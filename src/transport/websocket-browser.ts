// WebSocket transport for browsers: the same byte duplex over the browser's WebSocket (binary messages).
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";
import type { SocketReceiver } from "./receiver.js";

/** Writes are cut into messages of at most this many bytes (receivers accept up to 1 MiB; boundaries carry no meaning). */
export const MAX_WS_MESSAGE = 256 << 10;
/** WebSocket readyState values (the constants of the standard WebSocket interface). */
const CONNECTING = 0;
const OPEN = 1;
/** Longest connect timeout a single timer can hold (2^31 - 1 ms). */
const MAX_TIMER_MS = 0x7fffffff;

/** A browser WebSocket as a byte duplex. */
export class WsDuplex {
  private receiver: SocketReceiver | undefined;
  private pending: Uint8Array[] = [];
  private ended = false;

  constructor(private readonly ws: WebSocket) {
    ws.binaryType = "arraybuffer";
    ws.onmessage = (ev: MessageEvent) => {
      if (!(ev.data instanceof ArrayBuffer)) return this.finish(new Error("text message on an XTMP WebSocket"));
      const chunk = new Uint8Array(ev.data);
      if (this.receiver) this.receiver.onData(chunk);
      else this.pending.push(chunk);
    };
    ws.onclose = () => this.finish();
    ws.onerror = () => this.finish(new Error("WebSocket error"));
  }

  /** Sends bytes as binary messages of at most MAX_WS_MESSAGE bytes each. */
  write(chunk: Uint8Array): void {
    if (this.ended || this.ws.readyState !== OPEN) return;
    if (chunk.length <= MAX_WS_MESSAGE) return this.ws.send(chunk);
    for (let off = 0; off < chunk.length; off += MAX_WS_MESSAGE) this.ws.send(chunk.subarray(off, off + MAX_WS_MESSAGE));
  }

  /** Closes the WebSocket. */
  close(): void {
    if (this.ws.readyState === CONNECTING || this.ws.readyState === OPEN) this.ws.close(1000);
  }

  /** Closes at once. */
  destroy(): void {
    this.close();
  }

  /** Installs the receiver (earlier messages are delivered first). */
  setReceiver(receiver: SocketReceiver): void {
    this.receiver = receiver;
    const queued = this.pending;
    this.pending = [];
    for (const c of queued) receiver.onData(c);
    if (this.ended) receiver.onEnd();
  }

  private finish(err?: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.receiver?.onEnd(err);
  }
}

/** Opens a WebSocket to `url`; fails with UNAVAILABLE. */
export function connectWebSocket(url: string, timeoutMs = 10_000): Promise<WsDuplex> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const timer = setTimeout(() => {
      ws.close();
      reject(new XtmpError(Code.UNAVAILABLE, `WebSocket to ${url} timed out after ${timeoutMs} ms`));
    }, Math.min(timeoutMs, MAX_TIMER_MS));
    ws.onopen = () => {
      clearTimeout(timer);
      resolve(new WsDuplex(ws));
    };
    ws.onerror = () => {
      clearTimeout(timer);
      reject(new XtmpError(Code.UNAVAILABLE, `WebSocket to ${url} failed`));
    };
  });
}
