// UDP in browsers: not available; DATAGRAM methods travel over the (WebSocket) session instead.
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";

/** The browser has no UDP path; `open` always fails (channels only call it for xtmp:// URLs). */
export class ClientDatagrams {
  /** Never ready. */
  readonly ready = false;
  /** Nothing received. */
  readonly received = 0;
  /** Nothing dropped. */
  readonly dropped = 0;

  /** Always fails. */
  static open(): Promise<ClientDatagrams> {
    return Promise.reject(new XtmpError(Code.UNAVAILABLE, "browsers have no UDP"));
  }

  /** Nothing to probe. */
  probe(): void {}

  /** Nothing to close. */
  close(): void {}
}
