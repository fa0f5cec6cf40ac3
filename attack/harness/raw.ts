// Low-level attacker sessions: a real handshake over a socket we hold, then raw frames on the records.
import * as net from "node:net";
import { connectSession, type Session } from "../../src/secure/handshake.js";
import { generateIdentity } from "../../src/secure/identity.js";
import { TcpDuplex } from "../../src/transport/tcp.js";
import { Feature } from "../../src/wire/preamble.js";
import type { Frame } from "../../src/wire/frame.js";
import { FrameType } from "../../src/wire/frame-types.js";
import { encodeHeaderBlock } from "../../src/rpc/header-block.js";
import type { XtmpError } from "../../src/status/error.js";
import { codeName } from "../../src/status/code.js";
import type { Target } from "./server.js";

/** An attacker's established session: raw frame sending, and how (and whether) the server closed it. */
export interface RawSession {
  readonly session: Session;
  readonly socket: net.Socket;
  /** Frames received, by type. */
  readonly received: Map<number, number>;
  /** Resolves when the session ends: with the error (a CLOSE from the server, or the socket's end). */
  readonly closed: Promise<XtmpError | undefined>;
  /** Whether the session has ended. */
  isClosed(): boolean;
  /** The error the session ended with (undefined while open or after an orderly close). */
  closeError(): XtmpError | undefined;
  /** Queues a frame (sent at the end of this event-loop turn). False once closed. */
  send(type: FrameType, flags: number, streamId: number, payload?: Uint8Array): boolean;
  /** Lets queued frames go out, then waits while the socket's own buffer exceeds `maxBuffered`. */
  flush(maxBuffered?: number, deadline?: number): Promise<void>;
  /** Stops reading from the socket (the kernel buffers fill, then the server's writes queue). */
  pauseReading(): void;
  /** Reads again. */
  resumeReading(): void;
  /** Closes the TCP connection at once. */
  destroy(): void;
}

/** Options of a raw session. */
export interface RawOptions {
  /** Largest record plaintext we announce (1,024..65,519). */
  maxRecordPlaintext?: number;
  /** Use Noise IK with the server's key (default: XX). */
  ik?: boolean;
  /** Every frame received (payload valid only during the call). */
  onFrame?: (f: Frame) => void;
  /** Handshake timeout (default 10 s). */
  timeoutMs?: number;
}

const EMPTY = new Uint8Array(0);

/**
 * The attacker's source address on loopback: another host than the prober (127.0.0.1), so per-source
 * limits of the server can tell them apart, as they would on a network.
 */
export const ATTACKER_ADDRESS = "127.0.0.2";

/** The source address to use towards `host` (ATTACKER_ADDRESS when the target is 127.0.0.1). */
export function sourceFor(host: string): string | undefined {
  return host === "127.0.0.1" ? ATTACKER_ADDRESS : undefined;
}

/** Opens a TCP socket to host:port from the attacker's address; rejects on error. */
export function dialTcp(host: string, port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const localAddress = sourceFor(host);
    const s = net.connect({ host, port, ...(localAddress ? { localAddress } : {}) });
    s.once("connect", () => {
      s.removeAllListeners("error");
      resolve(s);
    });
    s.once("error", reject);
  });
}

/** Connects and completes a real handshake; the returned session sends whatever frames we like. */
export async function openRaw(target: Target, opts: RawOptions = {}): Promise<RawSession> {
  const socket = await dialTcp(target.host, target.port);
  const duplex = new TcpDuplex(socket);
  const session = await connectSession(duplex, {
    identity: generateIdentity(),
    features: Feature.ZSTD,
    handshakeTimeoutMs: opts.timeoutMs ?? 10_000,
    ...(opts.ik ? { serverKey: target.serverKey } : {}),
    ...(opts.maxRecordPlaintext ? { maxRecordPlaintext: opts.maxRecordPlaintext } : {}),
  });
  const received = new Map<number, number>();
  let closed = false;
  let error: XtmpError | undefined;
  let resolveClosed!: (e: XtmpError | undefined) => void;
  const closedP = new Promise<XtmpError | undefined>((r) => (resolveClosed = r));
  session.setReceiver({
    onFrame(f) {
      received.set(f.type, (received.get(f.type) ?? 0) + 1);
      opts.onFrame?.(f);
    },
    onClose(e) {
      closed = true;
      error = e;
      resolveClosed(e);
    },
  });
  return {
    session,
    socket,
    received,
    closed: closedP,
    isClosed: () => closed,
    closeError: () => error,
    send(type, flags, streamId, payload = EMPTY) {
      if (closed || session.isClosed) return false;
      try {
        session.send({ type, flags, streamId, payload });
        return true;
      } catch {
        return false;
      }
    },
    async flush(maxBuffered = 4 << 20, deadline = Infinity) {
      await new Promise<void>((r) => setImmediate(r));
      while (!closed && !socket.destroyed && socket.writableLength > maxBuffered && Date.now() < deadline) {
        await new Promise<void>((r) => {
          const t = setTimeout(r, 20);
          socket.once("drain", () => (clearTimeout(t), r()));
        });
      }
    },
    pauseReading: () => void socket.pause(),
    resumeReading: () => void socket.resume(),
    destroy: () => socket.destroy(),
  };
}

/** An OPEN header block for `path`. */
export function openHeaders(path: string, extra: ReadonlyArray<readonly [string, string]> = []): Uint8Array {
  return encodeHeaderBlock([[":path", path], ...extra]);
}

/** Waits for `p` up to `ms`; resolves with undefined on timeout. */
export function within<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([p, new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms)))]).finally(() => clearTimeout(timer));
}

/** Runs `task(i)` for i = 0..count-1 with at most `concurrency` at once, stopping at `deadline`. */
export async function pool(count: number, concurrency: number, deadline: number, task: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < count && Date.now() < deadline) {
      const i = next++;
      await task(i);
      done++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return done;
}

/** Sleeps `ms` (the suite's pacing only; never used to wait for an event under test). */
export const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Short text of how a session ended: "<status>: <reason>". */
export function describeClose(e: XtmpError | undefined): string {
  if (!e) return "closed (no error)";
  return `${codeName(e.code)}: ${e.rawMessage.slice(0, 120)}`;
}

/** Whether the session ended because the server sent CLOSE with an error code (not a bare socket end). */
export function closedWithCloseFrame(e: XtmpError | undefined): boolean {
  return e !== undefined && e.rawMessage.startsWith("peer closed the session");
}
