// The client's session tickets: one per (server endpoint, client identity), bounded, least recently used evicted.
import { toHex } from "../wire/bytes.js";
import type { ClientResumption, StoredTicket } from "./resume.js";

/** Default `maxEntries` of a TicketCache. */
export const DEFAULT_TICKET_CACHE_ENTRIES = 256;

/** Options of a TicketCache. */
export interface TicketCacheOptions {
  /** Tickets kept at most (one per server endpoint and client identity); least recently used evicted (default 256). */
  maxEntries?: number;
  /** Clock in ms (default Date.now). */
  now?: () => number;
}

/**
 * Session tickets a client received, for resuming sessions (PROTOCOL.md §4.2). A channel has its
 * own by default; pass one cache to several channels to let them share tickets. A ticket is only
 * ever used by the client identity it was issued to, and only while the channel's trust policy
 * still accepts the server it names.
 */
export class TicketCache {
  private readonly entries = new Map<string, StoredTicket>();
  private readonly max: number;
  private readonly now: () => number;

  constructor(opts: TicketCacheOptions = {}) {
    this.max = opts.maxEntries ?? DEFAULT_TICKET_CACHE_ENTRIES;
    if (!Number.isInteger(this.max) || this.max < 1) throw new RangeError("maxEntries must be a positive integer");
    this.now = opts.now ?? Date.now;
  }

  /** Tickets held. */
  get size(): number {
    return this.entries.size;
  }

  /** The unexpired ticket for `key`, if any (expired ones are dropped). */
  get(key: string): StoredTicket | undefined {
    const t = this.entries.get(key);
    if (!t) return undefined;
    this.entries.delete(key);
    if (t.expiresAt <= this.now()) return undefined;
    this.entries.set(key, t); // most recently used last
    return t;
  }

  /** Stores `ticket` for `key`, replacing the previous one. */
  set(key: string, ticket: StoredTicket): void {
    this.entries.delete(key);
    this.entries.set(key, ticket);
    for (const k of this.entries.keys()) {
      if (this.entries.size <= this.max) break;
      this.entries.delete(k);
    }
  }

  /** Drops the ticket for `key` (only `ticket`, when given: a newer one that replaced it stays). */
  delete(key: string, ticket?: StoredTicket): void {
    if (!ticket || this.entries.get(key) === ticket) this.entries.delete(key);
  }

  /** Drops every ticket. */
  clear(): void {
    this.entries.clear();
  }

  /** The cache key of a server endpoint and a client identity key. */
  static key(endpoint: string, clientIdentity: Uint8Array | undefined): string {
    return `${endpoint} ${clientIdentity ? toHex(clientIdentity) : "-"}`;
  }

  /** One connection's view: the ticket to resume with (if any), and where new tickets go. */
  resumption(endpoint: string, clientIdentity: Uint8Array | undefined): ClientResumption & { readonly key: string } {
    const key = TicketCache.key(endpoint, clientIdentity);
    return { key, ticket: this.get(key), store: (t) => this.set(key, t) };
  }
}
