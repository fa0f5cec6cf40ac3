// TCP in browsers: not available; channels there use ws:// or wss:// URLs.
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";

/** Always fails: browsers cannot open TCP connections. */
export function connectTcp(host: string, port: number): Promise<never> {
  return Promise.reject(new XtmpError(Code.UNAVAILABLE, `xtmp://${host}:${port}: browsers cannot open TCP connections; use a ws:// or wss:// URL`));
}
