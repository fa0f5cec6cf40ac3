// In-memory transport: `memory://name` listeners and targets in one process, for testing services without ports.
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";
import type { SocketReceiver } from "./receiver.js";

/** One end of an in-memory connection: bytes written here arrive at the peer on a later microtask, in order. */
export class MemoryDuplex {
  /** What `ctx.peerAddress`-style code sees: in-memory peers have no network address. */
  readonly remoteAddress = "memory";
  peer: MemoryDuplex | undefined;
  private receiver: SocketReceiver | undefined;
  private queued: Uint8Array[] = [];
  private ended = false;
  private closing = false;

  /** Sends bytes (copied: the caller may reuse its buffer). */
  write(chunk: Uint8Array): void {
    if (this.closing) return;
    const copy = chunk.slice();
    const peer = this.peer;
    queueMicrotask(() => peer?.deliver(copy));
  }

  /** Sends several buffers in order. */
  writev(chunks: Uint8Array[]): void {
    for (const c of chunks) this.write(c);
  }

  /** Closes both directions after the bytes already written. */
  close(): void {
    if (this.closing) return;
    this.closing = true;
    const peer = this.peer;
    queueMicrotask(() => {
      peer?.end();
      this.end();
    });
  }

  /** Drops the connection (same as close: nothing is buffered outside the microtask queue). */
  destroy(): void {
    this.close();
  }

  setReceiver(receiver: SocketReceiver): void {
    this.receiver = receiver;
    const queued = this.queued;
    this.queued = [];
    for (const c of queued) receiver.onData(c);
    if (this.ended) receiver.onEnd();
  }

  private deliver(chunk: Uint8Array): void {
    if (this.ended) return;
    if (this.receiver) this.receiver.onData(chunk);
    else this.queued.push(chunk);
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.closing = true;
    this.receiver?.onEnd();
  }
}

/** Two connected in-memory duplexes (a `memory://` connection; also a pipe for sessions in one process). */
export function duplexPair(): [MemoryDuplex, MemoryDuplex] {
  const a = new MemoryDuplex();
  const b = new MemoryDuplex();
  a.peer = b;
  b.peer = a;
  return [a, b];
}

// listeners by name, process-wide (what `memory://name` targets connect to)
const listeners = new Map<string, (duplex: MemoryDuplex) => void>();

/** The listener name of a `memory://name` address, or undefined for other addresses. */
export function memoryName(address: string): string | undefined {
  const m = /^memory:\/\/([A-Za-z0-9._~-]{1,128})$/.exec(address.trim());
  return m ? m[1] : undefined;
}

/** Listens on `memory://name`; fails with ALREADY_EXISTS when the name is taken. */
export function listenMemory(name: string, onConnection: (duplex: MemoryDuplex) => void): Promise<{ host: string; port: number; close(): Promise<void> }> {
  if (listeners.has(name)) return Promise.reject(new XtmpError(Code.ALREADY_EXISTS, `memory://${name} is already listening`));
  listeners.set(name, onConnection);
  return Promise.resolve({
    host: name,
    port: 0,
    close: () => {
      if (listeners.get(name) === onConnection) listeners.delete(name);
      return Promise.resolve();
    },
  });
}

/** Connects to `memory://name`; fails with UNAVAILABLE when nothing listens there. */
export function connectMemory(name: string): Promise<MemoryDuplex> {
  const accept = listeners.get(name);
  if (!accept) return Promise.reject(new XtmpError(Code.UNAVAILABLE, `connect to memory://${name} failed: nothing listens there`));
  const [client, server] = duplexPair();
  accept(server);
  return Promise.resolve(client);
}
