// Structured connection events (sessions, handshakes, GOAWAY) for applications to log without patching the runtime.

/** Which end of the session reports the event. */
export type EventSide = "server" | "client";

/** What every event carries. */
interface EventBase {
  /** The end that reports the event. */
  readonly side: EventSide;
  /** The peer's address (`ip:port`, `[ip]:port`, a unix socket path or `memory://name`) when known. */
  readonly peerAddress: string | undefined;
  /** The session's transport: `tcp`, `unix`, `memory` or `ws`. */
  readonly transport: string;
}

/** A handshake completed: the session is open. */
export interface SessionOpenedEvent extends EventBase {
  readonly type: "session_opened";
  /** The peer's Ed25519 identity public key, when it has one (insecure sessions: undefined). */
  readonly peerIdentity: Uint8Array | undefined;
  /** The negotiated cipher (`AESGCM` or `ChaChaPoly`, as Noise names them), or `none` for insecure sessions. */
  readonly cipher: string;
}

/** An open session ended. */
export interface SessionClosedEvent extends EventBase {
  readonly type: "session_closed";
  /** The status name of the reason (`OK` for orderly closes such as idle timeout or shutdown). */
  readonly code: string;
  /** The reason in words. */
  readonly reason: string;
}

/** A handshake failed (or admission control refused it); no session was opened. */
export interface HandshakeFailedEvent extends EventBase {
  readonly type: "handshake_failed";
  /** Why (`timeout`, `bad_preamble`, `auth`, `busy`, `rate_limited`, `cookie`, `closed`, `internal`, …). */
  readonly reason: string;
  /** The failure in words. */
  readonly message: string;
}

/** A GOAWAY was sent or received on an open session: it takes no new calls. */
export interface GoAwayEvent extends EventBase {
  readonly type: "goaway_sent" | "goaway_received";
  /** The reason text of the GOAWAY. */
  readonly reason: string;
}

/** Every structured event (`onEvent` of servers and channels). */
export type XtmpEvent = SessionOpenedEvent | SessionClosedEvent | HandshakeFailedEvent | GoAwayEvent;

/** The application's event hook. */
export type EventListener = (event: XtmpEvent) => void;
