// Protocol-error helper shared by the wire codecs.
import { Code, XtmpError } from "../status/error.js";

/** Throws the error every malformed-input path of the wire layer reports: INTERNAL, "protocol error: …". */
export function protocolError(message: string): never {
  throw new XtmpError(Code.INTERNAL, `protocol error: ${message}`);
}
