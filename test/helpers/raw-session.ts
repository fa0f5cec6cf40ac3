// Test helper: a hostile client's view of a server: a real encrypted session on which raw frames are sent.
import { connectSession, type Session } from "../../src/secure/handshake.js";
import { generateIdentity } from "../../src/secure/identity.js";
import { connectTcp } from "../../src/transport/tcp.js";
import { encodeSettings, DEFAULT_SETTINGS } from "../../src/mux/control.js";
import { encodeHeaderBlock } from "../../src/rpc/header-block.js";
import type { XtmpError } from "../../src/status/error.js";
import { FrameType } from "../../src/wire/frame-types.js";
import type { Frame } from "../../src/wire/frame.js";

/** A connected raw session: send any frame, see every frame and the close reason. */
export interface RawSession {
  session: Session;
  frames: Frame[];
  /** Resolves with the close reason (undefined when orderly). */
  closed: Promise<XtmpError | undefined>;
  isClosed(): boolean;
  send(type: FrameType, flags: number, streamId: number, payload?: Uint8Array): void;
  /** An OPEN frame's header block for `path`. */
  open(streamId: number, path: string): void;
}

/** Handshakes with the server at 127.0.0.1:port and sends our SETTINGS (unless `settings` is false). */
export async function rawSession(port: number, serverKey?: Uint8Array, settings = true): Promise<RawSession> {
  const duplex = await connectTcp("127.0.0.1", port);
  const session = await connectSession(duplex, { identity: generateIdentity(), ...(serverKey ? { serverKey } : {}) });
  const frames: Frame[] = [];
  let done = false;
  let onClose!: (e: XtmpError | undefined) => void;
  const closed = new Promise<XtmpError | undefined>((r) => (onClose = r));
  session.setReceiver({
    onFrame: (f) => void frames.push({ ...f, payload: f.payload.slice() }),
    onClose: (e) => {
      done = true;
      onClose(e);
    },
  });
  const send = (type: FrameType, flags: number, streamId: number, payload: Uint8Array = new Uint8Array(0)) => {
    if (!done) session.send({ type, flags, streamId, payload });
  };
  if (settings) send(FrameType.SETTINGS, 0, 0, encodeSettings(DEFAULT_SETTINGS));
  return {
    session,
    frames,
    closed,
    isClosed: () => done,
    send,
    open: (id, path) => send(FrameType.OPEN, 0, id, encodeHeaderBlock([[":path", path]])),
  };
}
