// HandshakeError: a failed handshake with a machine-readable reason, so servers can count failures by cause.
import { Code, XtmpError } from "../status/error.js";
import { HelloStatus } from "../wire/preamble.js";

/**
 * Why a handshake failed:
 * `timeout` handshakeTimeoutMs passed · `closed` the connection ended · `bad_preamble` not XTMP ·
 * `negotiation` version, mode, cipher or a required feature refused · `auth` a handshake message did
 * not decrypt or an identity was refused · `aborted` the peer sent ABORT · `protocol` malformed
 * handshake framing or too many bytes buffered · `busy` / `rate_limited` refused by admission control
 * · `cookie` RETRY not answered with a valid cookie and puzzle · `ticket_rejected` a resumption ticket
 * was refused (the client then runs a full handshake) · `internal` anything else.
 */
export type HandshakeFailureReason =
  | "timeout"
  | "closed"
  | "bad_preamble"
  | "negotiation"
  | "auth"
  | "aborted"
  | "protocol"
  | "busy"
  | "rate_limited"
  | "cookie"
  | "ticket_rejected"
  | "internal";

/** The error every failed connectSession/acceptSession rejects with. */
export class HandshakeError extends XtmpError {
  /** Why it failed, for counters. */
  readonly reason: HandshakeFailureReason;

  constructor(code: Code, reason: HandshakeFailureReason, message: string, options: { cause?: unknown } = {}) {
    super(code, message, options);
    this.reason = reason;
  }

  /** Classifies anything thrown during a handshake (HandshakeErrors pass through). */
  static override from(err: unknown): HandshakeError {
    if (err instanceof HandshakeError) return err;
    const x = XtmpError.from(err, Code.INTERNAL);
    const cause = x === err ? x.cause : err;
    return new HandshakeError(x.code, classify(x), x.rawMessage, cause === undefined ? {} : { cause });
  }
}

function classify(x: XtmpError): HandshakeFailureReason {
  if (x.code === Code.UNAUTHENTICATED) return "auth";
  if (x.code === Code.DEADLINE_EXCEEDED) return "timeout";
  if (x.code === Code.UNAVAILABLE) return "closed";
  if (/bad magic/.test(x.rawMessage)) return "bad_preamble";
  if (/^protocol error/.test(x.rawMessage)) return "protocol";
  return "internal";
}

/** The client's error for a ServerHello refusal status. */
export function refusalError(status: HelloStatus, text: string): HandshakeError {
  const message = `server refused the session (${HelloStatus[status] ?? status}): ${text}`;
  switch (status) {
    case HelloStatus.BUSY:
      return new HandshakeError(Code.UNAVAILABLE, "busy", message);
    case HelloStatus.BAD_PREAMBLE:
      // the server saw a protocol violation in what we sent (as CLOSE PROTOCOL_ERROR would report it)
      return new HandshakeError(Code.INTERNAL, "bad_preamble", message);
    case HelloStatus.MODE_REFUSED:
      return new HandshakeError(Code.UNAUTHENTICATED, "negotiation", message);
    case HelloStatus.HANDSHAKE_FAILED:
      return new HandshakeError(Code.UNAUTHENTICATED, "auth", message);
    case HelloStatus.TICKET_REJECTED:
      return new HandshakeError(Code.UNAVAILABLE, "ticket_rejected", message);
    default:
      return new HandshakeError(Code.FAILED_PRECONDITION, "negotiation", message);
  }
}
