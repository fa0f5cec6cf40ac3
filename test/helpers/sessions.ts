// Test helpers: establish sessions over in-memory duplexes and collect their frames.
import { Code, XtmpError } from "../../src/status/error.js";
import { acceptSession, connectSession, type Session } from "../../src/secure/handshake.js";
import type { ClientSessionOptions, ServerSessionOptions } from "../../src/secure/options.js";
import { duplexPair } from "../../src/transport/memory.js";
import type { ByteDuplex } from "../../src/wire/duplex.js";
import type { Frame } from "../../src/wire/frame.js";

/** Frames and the close reason a session received. */
export interface Inbox {
  frames: Frame[];
  closed: Promise<XtmpError | undefined>;
  /** Exceptions the session reported as bugs (not protocol errors) before closing. */
  unexpected: unknown[];
  /** Resolves when `n` frames have arrived. */
  waitFor(n: number): Promise<Frame[]>;
}

/** Installs a receiver that copies every frame. */
export function inbox(session: Session): Inbox {
  const frames: Frame[] = [];
  const unexpected: unknown[] = [];
  let waiters: Array<{ n: number; resolve: (f: Frame[]) => void }> = [];
  let onClose!: (e: XtmpError | undefined) => void;
  const closed = new Promise<XtmpError | undefined>((r) => (onClose = r));
  session.setReceiver({
    onFrame(f) {
      frames.push({ ...f, payload: f.payload.slice() });
      waiters = waiters.filter((w) => (frames.length >= w.n ? (w.resolve(frames), false) : true));
    },
    onClose: (e) => onClose(e),
    onUnexpectedError: (e) => void unexpected.push(e),
  });
  return {
    frames,
    closed,
    unexpected,
    waitFor: (n) => (frames.length >= n ? Promise.resolve(frames) : new Promise((resolve) => waiters.push({ n, resolve }))),
  };
}

/** Runs both sides of a handshake over an in-memory pair; settles both (rejections included). */
export async function establish(
  client: ClientSessionOptions,
  server: ServerSessionOptions,
  pair: [ByteDuplex, ByteDuplex] = duplexPair(),
): Promise<[PromiseSettledResult<Session>, PromiseSettledResult<Session>]> {
  const [a, b] = pair;
  const s = acceptSession(b, server);
  const c = connectSession(a, client);
  return Promise.allSettled([c, s]) as Promise<[PromiseSettledResult<Session>, PromiseSettledResult<Session>]>;
}

/** The session of a fulfilled result, or a thrown error describing the rejection. */
export function ok(r: PromiseSettledResult<Session>): Session {
  if (r.status === "rejected") throw new Error(`expected a session, got ${String(r.reason)}`);
  return r.value;
}

/** The XtmpError of a rejected result. */
export function rejected(r: PromiseSettledResult<Session>): XtmpError {
  if (r.status === "fulfilled") throw new Error("expected the handshake to fail");
  if (!(r.reason instanceof XtmpError)) throw new Error(`expected an XtmpError, got ${String(r.reason)}`);
  return r.reason;
}

export { Code };

/** A duplex pair whose writes pass through `tamper(side, writeIndex, chunk)` (return null to drop). */
export function tamperedPair(tamper: (side: "client" | "server", index: number, chunk: Uint8Array) => Uint8Array | null): [ByteDuplex, ByteDuplex] {
  const [a, b] = duplexPair();
  const wrap = (d: ByteDuplex, side: "client" | "server"): ByteDuplex => {
    let index = 0;
    return {
      write: (chunk) => {
        const out = tamper(side, index++, chunk.slice());
        if (out) d.write(out);
      },
      close: () => d.close(),
      setReceiver: (r) => d.setReceiver(r),
    };
  };
  return [wrap(a, "client"), wrap(b, "server")];
}

/** A duplex pair that also records every chunk each side wrote. */
export function recordingPair(): { pair: [ByteDuplex, ByteDuplex]; written: { client: Uint8Array[]; server: Uint8Array[] } } {
  const written = { client: [] as Uint8Array[], server: [] as Uint8Array[] };
  const pair = tamperedPair((side, _i, chunk) => {
    written[side].push(chunk.slice());
    return chunk;
  });
  return { pair, written };
}
