// Browser build of unix sockets: there are none, so `unix:///path` targets fail with UNIMPLEMENTED.
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";

/** The socket path of a `unix:///absolute/path` address, or undefined for other addresses. */
export function unixPath(address: string): string | undefined {
  const m = /^unix:\/\/(\/[^\s]*)$/.exec(address.trim());
  return m ? m[1] : undefined;
}

/** Always fails: browsers have no unix sockets. */
export function connectUnix(path: string): Promise<never> {
  return Promise.reject(new XtmpError(Code.UNIMPLEMENTED, `cannot connect to unix://${path}: browsers have no unix sockets (use a ws:// target)`));
}

/** Always fails: browsers cannot listen. */
export function listenUnix(path: string): Promise<never> {
  return Promise.reject(new XtmpError(Code.UNIMPLEMENTED, `cannot listen on unix://${path} in a browser`));
}
