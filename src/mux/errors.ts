// The mux's session-fatal errors (protocol violations, abuse that closes with EXCESSIVE_LOAD) and safe hook calls.
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";

/** Throws a protocol error (the session closes with PROTOCOL_ERROR): the wire layer's one helper. */
export { protocolError as protocol } from "../wire/errors.js";

// errors that close the session with CLOSE EXCESSIVE_LOAD
export const abuseErrors = new WeakSet<XtmpError>();

/** Throws an abuse error (the session closes with EXCESSIVE_LOAD). */
export function abuse(message: string): never {
  const err = new XtmpError(Code.RESOURCE_EXHAUSTED, `excessive load: ${message}`);
  abuseErrors.add(err);
  throw err;
}

/** Calls an application hook with a caught exception; the hook's own failure must not take the caller down. */
export function callHook(hook: ((error: unknown) => void) | undefined, error: unknown): void {
  try {
    hook?.(error);
  } catch {
    // the hook is the application's: nothing more to do here
  }
}
