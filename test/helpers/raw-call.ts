// Test helper: one call on a raw stream of a channel's session (headers and flags exactly as given, no client deadline timer).
import type { Channel } from "../../src/index.js";
import { decodeHeaderBlock, encodeHeaderBlock, pseudoText } from "../../src/rpc/header-block.js";

/** How a raw call ended: the TRAILERS status, or the RESET code (message prefixed `RESET `). */
export interface RawCallResult {
  code: number;
  message: string;
}

/** Sends one request message on a new stream to `path`, then END_STREAM; resolves with how the stream ended. */
export async function rawCall(channel: Channel, path: string, message: Uint8Array, flags = 0, headers: ReadonlyArray<[string, string]> = []): Promise<RawCallResult> {
  const { mux } = await channel.session();
  return new Promise((resolve) => {
    const stream = mux.openStream(encodeHeaderBlock([[":path", path], ...headers]), {
      onHeaders() {},
      onMessage: () => stream.messageConsumed(),
      onEnd() {},
      onTrailers: (block) => {
        const h = decodeHeaderBlock(block);
        resolve({ code: Number(pseudoText(h, ":status")), message: pseudoText(h, ":message") ?? "" });
      },
      onReset: (e) => resolve({ code: e.code, message: `RESET ${e.rawMessage}` }),
      onDrain() {},
    });
    stream.sendMessage(message, flags);
    stream.end();
  });
}
