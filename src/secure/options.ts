// Options of secure (and insecure) sessions, and what an established session reports about itself.
import type { CookieJar } from "./cookie.js";
import type { CipherName, CryptoBackend } from "./crypto.js";
import type { Identity } from "./identity.js";
import type { Kem } from "./kem.js";
import type { RekeyPolicy } from "./record-session.js";
import type { TicketIssuer } from "./ticket.js";
import type { TrustPolicy } from "./trust.js";

/** Options both sides share. */
export interface SessionOptions {
  /** Our long-term identity (required unless `insecure`). */
  identity?: Identity;
  /** Which peers to accept. Default: any proven identity (clients with `serverKey` pin it). */
  trust?: TrustPolicy;
  /** Crypto backend (default node:crypto). */
  crypto?: CryptoBackend;
  /** Milliseconds the whole handshake may take (default 10,000). */
  handshakeTimeoutMs?: number;
  /** Largest record plaintext we accept (default 16,384; 1,024 to 65,519). */
  maxRecordPlaintext?: number;
  /** Key rotation limits (default: 2^20 records, 2^30 bytes or 1 hour, whichever first). */
  rekey?: RekeyPolicy;
  /** Pad records to multiples of this many bytes (default 0: off). */
  padding?: number;
  /** Insecure mode: no handshake, no encryption, CRC-32C records. Debugging only; secure peers refuse it. */
  insecure?: boolean;
  /** The KEM of the hybrid post-quantum handshake (default ML-KEM-768). */
  kem?: Kem;
  /** Feature bits we offer (client) or support (server); see wire Feature. */
  features?: number;
  // write backpressure of the record layer (see RecordSessionOptions)
  /** Unsent bytes a session may hold before it stops reading from the peer (default 4 MiB). */
  maxOutboundBuffer?: number;
  /** Milliseconds a peer may leave those bytes unread before the session is closed with TIMEOUT (default 30,000; 0 = never). */
  writeStallTimeoutMs?: number;
}

/** Client-only options. */
export interface ClientSessionOptions extends SessionOptions {
  /** The server's Ed25519 identity key: pins it and enables the one-round-trip Noise IK handshake. */
  serverKey?: Uint8Array;
  /** AEAD cipher (default AESGCM). */
  cipher?: CipherName;
  /** Mix ML-KEM-768 into the handshake (hybrid post-quantum). */
  postQuantum?: boolean;
}

/** Server-only options. */
export interface ServerSessionOptions extends SessionOptions {
  /** Ciphers accepted (default both). */
  ciphers?: readonly CipherName[];
  /** Refuse clients that do not offer the hybrid post-quantum handshake. */
  requirePostQuantum?: boolean;
  /** Handshakes in progress at once; more connections are refused with BUSY (default 64). */
  maxHandshakesInFlight?: number;
  /** Handshakes in progress at once from one source address (default 32). */
  maxHandshakesInFlightPerSource?: number;
  /** Handshakes one source address may start per second, refilled continuously (default 100). */
  handshakesPerSecondPerSource?: number;
  /** Burst of handshakes one source may start at once (the token bucket's size, default 500). */
  handshakeBurstPerSource?: number;
  /** Source addresses tracked for the per-source limits; least recently seen are evicted (default 10,000). */
  maxHandshakeSources?: number;
  /** When to demand a cookie (RETRY, PROTOCOL.md §3.1) before any DH: `auto` under load (default), `always`, `never`. */
  handshakeCookies?: "auto" | "always" | "never";
  /** Connection attempts per second (server-wide) above which the server is under load (default 200). */
  handshakeLoadRate?: number;
  /** Puzzle difficulty in bits demanded with cookies while under load (default 12, at most 20; 0 = cookie only). */
  handshakePuzzleBits?: number;
  /** Issue session tickets and accept resumed handshakes (PROTOCOL.md §4.2; default true). */
  sessionTickets?: boolean;
  /** Seconds a ticket stays valid; ticket keys rotate at the same period (default 86,400; 1..604,800). */
  ticketLifetimeSeconds?: number;
  /** Secret (≥ 32 bytes) the ticket keys derive from; share it between processes of one identity so they accept each other's tickets (default: random per server). */
  ticketSecret?: Uint8Array;
}

/** Why a handshake was refused before it started (admission control). */
export type AdmissionRefusal = "busy" | "rate_limited";

/** One admitted handshake: what acceptSession asks the admission control while it runs. */
export interface HandshakeTicket {
  /** Mints and verifies cookies (one jar per server). */
  readonly cookies: CookieJar;
  /** Asked when a ClientHello arrives: undefined = no cookie needed, else the puzzle bits to demand. */
  cookieDemand(): number | undefined;
  /** A RETRY was sent. */
  retried(): void;
  /** The handshake settled (either way); called exactly once. */
  finished(): void;
}

/** Server-side admission control of handshakes (implemented by the server). */
export interface HandshakeAdmission {
  /** Called when a connection arrives, before any byte is read. */
  admit(remoteAddress: string | undefined): HandshakeTicket | { readonly refused: AdmissionRefusal; readonly message: string };
}

/** Per-connection context of acceptSession. */
export interface AcceptContext {
  /** The peer's address (`ip:port`); cookies are bound to it and per-source limits to its IP. */
  remoteAddress?: string;
  /** Admission control: concurrency and rate limits, and when to demand cookies. */
  admission?: HandshakeAdmission;
  /** Session tickets (one issuer per server); without it no tickets are issued and resumptions are refused. */
  tickets?: TicketIssuer;
}

/** What an established session knows about itself. */
export interface SessionInfo {
  /** `XX`, `IK` (with `hfs` when post-quantum), `NNpsk0` (resumed with a ticket, §4.2), or `insecure`. */
  readonly mode: string;
  /** The AEAD cipher, or undefined in insecure mode. */
  readonly cipher: CipherName | undefined;
  /** Whether ML-KEM-768 was mixed in. */
  readonly postQuantum: boolean;
  /** The Noise handshake hash: a channel-binding value both peers share (empty in insecure mode). */
  readonly handshakeHash: Uint8Array;
  /** The peer's proven Ed25519 identity key (undefined in insecure mode). */
  readonly peerIdentity: Uint8Array | undefined;
  /** The peer's certificate, when it sent one. */
  readonly peerCertificate: Uint8Array | undefined;
  /** Negotiated feature bits. */
  readonly features: number;
  /** Milliseconds from start to the established session. */
  readonly handshakeMs: number;
}
