// Session tickets of this server (PROTOCOL.md §4.2): sealed with rotating keys from one secret, opened without throwing.
import { MAX_TICKET } from "../wire/preamble.js";
import { bytesEqual, type CryptoBackend } from "./crypto.js";
import type { ServerSessionOptions } from "./options.js";
import { checkTrust, type TrustPolicy } from "./trust.js";

/** Default `ticketLifetimeSeconds`: a day. */
export const DEFAULT_TICKET_LIFETIME = 86_400;
/** Largest `ticketLifetimeSeconds` (and lifetime a TICKET frame may announce): 7 days, as TLS 1.3. */
export const MAX_TICKET_LIFETIME = 604_800;
const IV_SIZE = 12;
const TAG_SIZE = 16;
const KEY_ID_SIZE = 4;
// plaintext: version (1) ‖ expiry (u64) ‖ psk (32) ‖ server identity (32) ‖ client identity (32) ‖ client certificate
const FIXED_PLAINTEXT = 1 + 8 + 32 + 32 + 32;
/** Smallest ticket this server seals: key id, IV, the fixed plaintext, tag. */
export const MIN_SEALED_TICKET = KEY_ID_SIZE + IV_SIZE + FIXED_PLAINTEXT + TAG_SIZE;
const te = new TextEncoder();
const KEY_INFO = te.encode("XTMP-v1 ticket key\0");
const TICKET_AD = te.encode("XTMP-v1 ticket\0");

/** Server options of session tickets. */
export interface TicketOptions {
  /** Lifetime of a ticket in seconds; keys rotate at the same period (default 86,400; 1..604,800). */
  lifetimeSeconds?: number;
  /** Secret the ticket keys derive from (≥ 32 bytes): give every process of one identity the same one (default: 32 random bytes). */
  secret?: Uint8Array;
  /** Clock in ms (default Date.now). */
  now?: () => number;
}

/** What a ticket holds. */
export interface TicketContents {
  /** Unix seconds after which the ticket is refused. */
  expiry: number;
  /** The resumption PSK. */
  psk: Uint8Array;
  /** The server's Ed25519 identity key. */
  serverIdentity: Uint8Array;
  /** The client's Ed25519 identity key (what a resumed session reports). */
  clientIdentity: Uint8Array;
  /** The client's certificate, when it sent one. */
  clientCertificate: Uint8Array | undefined;
}

/** Why a ticket was refused (TICKET_REJECTED). */
export type TicketRefusal = "malformed" | "unknown_key" | "invalid" | "expired" | "identity" | "trust";

/** Counters of a server's tickets and resumptions. */
export interface ResumptionStats {
  /** TICKET frames sent. */
  ticketsIssued: number;
  /** Tickets not issued because the client's certificate made them too large. */
  ticketsTooLarge: number;
  /** Tickets accepted (the resumed handshake then ran). */
  accepted: number;
  /** Tickets refused with TICKET_REJECTED, by reason. */
  refused: Partial<Record<TicketRefusal, number>>;
}

/**
 * Seals and opens the tickets of one server. Ticket keys are derived per epoch (a lifetime long)
 * from one secret, so processes that share it accept each other's tickets; the keys of the current
 * and previous epoch open tickets, so every unexpired ticket opens. Keeps two 32-byte keys and
 * nothing per ticket: opening costs one AES-GCM at most (an unknown key id costs nothing).
 */
export class TicketIssuer {
  readonly lifetime: number;
  readonly stats: ResumptionStats = { ticketsIssued: 0, ticketsTooLarge: 0, accepted: 0, refused: {} };
  private readonly secret: Uint8Array;
  private readonly now: () => number;
  private readonly keys = new Map<number, Uint8Array>(); // epoch -> key, at most two

  constructor(
    private readonly crypto: CryptoBackend,
    opts: TicketOptions = {},
  ) {
    this.lifetime = opts.lifetimeSeconds ?? DEFAULT_TICKET_LIFETIME;
    if (!Number.isInteger(this.lifetime) || this.lifetime < 1 || this.lifetime > MAX_TICKET_LIFETIME) {
      throw new RangeError(`ticketLifetimeSeconds must be an integer 1..${MAX_TICKET_LIFETIME}`);
    }
    if (opts.secret && opts.secret.length < 32) throw new RangeError("ticketSecret must be at least 32 bytes");
    this.secret = new Uint8Array(opts.secret ?? crypto.randomBytes(32)); // a copy
    this.now = opts.now ?? Date.now;
  }

  /** The key of `epoch`, derived once; keys older than the previous epoch are wiped. */
  private key(epoch: number): Uint8Array {
    let k = this.keys.get(epoch);
    if (!k) {
      const info = new Uint8Array(KEY_INFO.length + 4);
      info.set(KEY_INFO);
      new DataView(info.buffer).setUint32(KEY_INFO.length, epoch);
      k = this.crypto.hkdfSha256(this.secret, new Uint8Array(0), info, 32);
      this.keys.set(epoch, k);
    }
    for (const [e, old] of this.keys) {
      if (e < this.epoch() - 1) {
        old.fill(0);
        this.keys.delete(e);
      }
    }
    return k;
  }

  private epoch(): number {
    return Math.floor(this.now() / 1000 / this.lifetime);
  }

  /** Seals a ticket for `psk`, expiring a lifetime from now; undefined when it would exceed MAX_TICKET bytes. */
  seal(psk: Uint8Array, serverIdentity: Uint8Array, clientIdentity: Uint8Array, clientCertificate: Uint8Array | undefined, iv = this.crypto.randomBytes(IV_SIZE)): Uint8Array | undefined {
    const cert = clientCertificate ?? new Uint8Array(0);
    if (MIN_SEALED_TICKET + cert.length > MAX_TICKET) {
      this.stats.ticketsTooLarge++;
      return undefined;
    }
    const epoch = this.epoch();
    const pt = new Uint8Array(FIXED_PLAINTEXT + cert.length);
    const view = new DataView(pt.buffer);
    pt[0] = 1;
    const expiry = Math.floor(this.now() / 1000) + this.lifetime;
    view.setUint32(1, Math.floor(expiry / 2 ** 32));
    view.setUint32(5, expiry >>> 0);
    pt.set(psk, 9);
    pt.set(serverIdentity, 41);
    pt.set(clientIdentity, 73);
    pt.set(cert, FIXED_PLAINTEXT);
    const head = new Uint8Array(KEY_ID_SIZE + IV_SIZE);
    new DataView(head.buffer).setUint32(0, epoch);
    head.set(iv, KEY_ID_SIZE);
    const sealed = this.crypto.aead("AESGCM", this.key(epoch)).seal(iv, adOf(head), pt);
    pt.fill(0);
    const out = new Uint8Array(head.length + sealed.length);
    out.set(head);
    out.set(sealed, head.length);
    this.stats.ticketsIssued++;
    return out;
  }

  /**
   * Opens a ticket from a RESUME flight and checks it is ours (`serverIdentity`), unexpired, and its
   * client still passes `trust`. Never throws; every refusal is counted.
   */
  open(ticket: Uint8Array, serverIdentity: Uint8Array, trust: TrustPolicy): TicketContents | { refused: TicketRefusal } {
    const refuse = (why: TicketRefusal): { refused: TicketRefusal } => {
      this.stats.refused[why] = (this.stats.refused[why] ?? 0) + 1;
      return { refused: why };
    };
    if (ticket.length < MIN_SEALED_TICKET || ticket.length > MAX_TICKET) return refuse("malformed");
    const epoch = new DataView(ticket.buffer, ticket.byteOffset, KEY_ID_SIZE).getUint32(0);
    const current = this.epoch();
    if (epoch !== current && epoch !== current - 1) return refuse("unknown_key"); // no key derived for a stranger's epoch
    const head = ticket.subarray(0, KEY_ID_SIZE + IV_SIZE);
    const pt = this.crypto.aead("AESGCM", this.key(epoch)).open(ticket.subarray(KEY_ID_SIZE, KEY_ID_SIZE + IV_SIZE), adOf(head), ticket.subarray(head.length));
    if (pt === null || pt[0] !== 1) return refuse("invalid");
    const view = new DataView(pt.buffer, pt.byteOffset, pt.byteLength);
    const expiry = view.getUint32(1) * 2 ** 32 + view.getUint32(5);
    if (expiry < Math.floor(this.now() / 1000)) return refuse("expired");
    const contents: TicketContents = {
      expiry,
      // copies (new Uint8Array): a Buffer's slice() is a view, and pt is wiped next
      psk: new Uint8Array(pt.subarray(9, 41)),
      serverIdentity: new Uint8Array(pt.subarray(41, 73)),
      clientIdentity: new Uint8Array(pt.subarray(73, 105)),
      clientCertificate: pt.length > FIXED_PLAINTEXT ? new Uint8Array(pt.subarray(FIXED_PLAINTEXT)) : undefined,
    };
    pt.fill(0);
    if (!bytesEqual(contents.serverIdentity, serverIdentity)) return refuse("identity");
    try {
      checkTrust(trust, this.crypto, contents.clientIdentity, contents.clientCertificate, this.now());
    } catch {
      return refuse("trust"); // the client's full handshake then fails with the real reason
    }
    this.stats.accepted++;
    return contents;
  }
}

function adOf(head: Uint8Array): Uint8Array {
  const ad = new Uint8Array(TICKET_AD.length + KEY_ID_SIZE);
  ad.set(TICKET_AD);
  ad.set(head.subarray(0, KEY_ID_SIZE), TICKET_AD.length);
  return ad;
}

/** The ticket issuer of a server with these options, or undefined (insecure, or `sessionTickets: false`). */
export function ticketIssuerFor(opts: ServerSessionOptions, crypto: CryptoBackend): TicketIssuer | undefined {
  if (opts.insecure || opts.sessionTickets === false) return undefined;
  return new TicketIssuer(crypto, {
    ...(opts.ticketLifetimeSeconds !== undefined ? { lifetimeSeconds: opts.ticketLifetimeSeconds } : {}),
    ...(opts.ticketSecret !== undefined ? { secret: opts.ticketSecret } : {}),
  });
}

/** Counters of a server without tickets. */
export function noResumptionStats(): ResumptionStats {
  return { ticketsIssued: 0, ticketsTooLarge: 0, accepted: 0, refused: {} };
}
