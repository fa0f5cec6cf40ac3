// Browser build of the default host lookup: browsers cannot resolve names, so dns:/// needs a `lookup` option there.
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";

/** Always fails: pass `lookup` (or use ws:// / static:/// targets) in a browser. */
export function defaultLookup(host: string): Promise<ReadonlyArray<{ address: string; family: number }>> {
  return Promise.reject(new XtmpError(Code.UNIMPLEMENTED, `cannot look up ${host}: browsers have no DNS API (use a ws:// or static:/// target)`));
}
