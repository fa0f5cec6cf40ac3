// zstd in the browser build: not included, so browser channels never offer compression.
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";

/** Name of the compression algorithm (kept for parity with the Node module). */
export const ZSTD = "zstd";

/** Unavailable: browser channels do not negotiate zstd, so nothing calls this. */
export function compressMessage(): Uint8Array {
  throw new XtmpError(Code.UNIMPLEMENTED, "zstd is not available in the browser build");
}

/** Unavailable: a server never compresses for a peer that did not offer zstd. */
export function decompressMessage(): Uint8Array {
  throw new XtmpError(Code.UNIMPLEMENTED, "zstd is not available in the browser build");
}
