// Test helper: two FrameDuplexes connected in memory (no crypto), with a hook to inject raw frames.
import type { XtmpError } from "../../src/status/error.js";
import type { FrameDuplex, FrameReceiver } from "../../src/wire/duplex.js";
import type { Frame } from "../../src/wire/frame.js";

/** One end of an in-memory frame pipe. */
export interface TestFrameDuplex extends FrameDuplex {
  /** Delivers a frame to this end's receiver as if the peer had sent it. */
  inject(frame: Frame): void;
  /** Frames this end sent. */
  readonly sent: Frame[];
  /** Whether close() was called, and with what. */
  closedWith: XtmpError | undefined | "open";
}

/** Two connected in-memory FrameDuplexes (asynchronous delivery, like a socket). */
export function framePair(maxFramePayload = 16000): [TestFrameDuplex, TestFrameDuplex] {
  const make = (): TestFrameDuplex & { peer?: TestFrameDuplex; receiver?: FrameReceiver } => {
    const self: TestFrameDuplex & { peer?: TestFrameDuplex; receiver?: FrameReceiver } = {
      maxFramePayload,
      sent: [],
      closedWith: "open",
      send(frame) {
        if (self.closedWith !== "open") return;
        const copy = { ...frame, payload: frame.payload.slice() };
        self.sent.push(copy);
        queueMicrotask(() => self.peer?.inject(copy));
      },
      setReceiver(r) {
        self.receiver = r;
      },
      close(error) {
        if (self.closedWith !== "open") return;
        self.closedWith = error;
        const peer = self.peer as typeof self | undefined;
        queueMicrotask(() => {
          if (peer && peer.closedWith === "open") {
            peer.closedWith = undefined;
            peer.receiver?.onClose(error);
          }
        });
      },
      inject(frame) {
        if (self.closedWith === "open") self.receiver?.onFrame(frame);
      },
    };
    return self;
  };
  const a = make();
  const b = make();
  a.peer = b;
  b.peer = a;
  return [a, b];
}
