// The mux's session-fatal errors: protocol violations, and abuse that closes with EXCESSIVE_LOAD.
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";

/** Throws a protocol error (the session closes with PROTOCOL_ERROR). */
export function protocol(message: string): never {
  throw new XtmpError(Code.INTERNAL, `protocol error: ${message}`);
}

// errors that close the session with CLOSE EXCESSIVE_LOAD
export const abuseErrors = new WeakSet<XtmpError>();

/** Throws an abuse error (the session closes with EXCESSIVE_LOAD). */
export function abuse(message: string): never {
  const err = new XtmpError(Code.RESOURCE_EXHAUSTED, `excessive load: ${message}`);
  abuseErrors.add(err);
  throw err;
}
