// Session CLOSE codes and the status codes they map to, in both directions.
import { Code } from "../status/code.js";
import type { XtmpError } from "../status/error.js";
import { CloseCode } from "../wire/frame-types.js";

const CLOSE_TO_CODE: Record<number, Code> = {
  [CloseCode.PROTOCOL_ERROR]: Code.INTERNAL,
  [CloseCode.INTERNAL_ERROR]: Code.INTERNAL,
  [CloseCode.FLOW_CONTROL_ERROR]: Code.INTERNAL,
  [CloseCode.SIZE_ERROR]: Code.RESOURCE_EXHAUSTED,
  [CloseCode.TIMEOUT]: Code.UNAVAILABLE,
  [CloseCode.GOING_AWAY]: Code.UNAVAILABLE,
  [CloseCode.AUTH_FAILED]: Code.UNAUTHENTICATED,
  [CloseCode.EXCESSIVE_LOAD]: Code.RESOURCE_EXHAUSTED,
};

/** The CLOSE code we send for a session ending with `err` (NO_ERROR without one). */
export function closeCodeOf(err: XtmpError | undefined): CloseCode {
  if (!err) return CloseCode.NO_ERROR;
  switch (err.code) {
    case Code.UNAUTHENTICATED:
      return CloseCode.AUTH_FAILED;
    case Code.RESOURCE_EXHAUSTED:
      return CloseCode.SIZE_ERROR;
    case Code.UNAVAILABLE:
      return CloseCode.GOING_AWAY;
    case Code.DEADLINE_EXCEEDED:
      return CloseCode.TIMEOUT;
    case Code.INTERNAL:
    case Code.DATA_LOSS:
      return CloseCode.PROTOCOL_ERROR;
    default:
      return CloseCode.INTERNAL_ERROR;
  }
}

/** The status a CLOSE code received from the peer is reported with. */
export function statusOfClose(code: number): Code {
  return CLOSE_TO_CODE[code] ?? Code.INTERNAL;
}
