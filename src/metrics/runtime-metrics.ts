// Runtime instruments of one server or channel: sessions, handshakes, bytes and records, stalls, GOAWAYs, drops, retries, hedges.
import type { Attributes, BatchObservableResult, Counter, Meter, Observable } from "@opentelemetry/api";

/** Per-session totals the instruments add up (the secure session's and the multiplexer's counters). */
export interface SessionCounters {
  readonly bytesSent: number;
  readonly bytesReceived: number;
  readonly recordsSent: number;
  readonly recordsReceived: number;
  /** Times a stream had data to send and no flow-control window. */
  readonly flowControlStalls: number;
}

/** A session's counters from its secure session's and multiplexer's stats. */
export function sessionCounters(secure: { readonly stats: Omit<SessionCounters, "flowControlStalls"> }, mux: { readonly stats: { readonly flowControlStalls: number } } | undefined): SessionCounters {
  const s = secure.stats;
  return { bytesSent: s.bytesSent, bytesReceived: s.bytesReceived, recordsSent: s.recordsSent, recordsReceived: s.recordsReceived, flowControlStalls: mux?.stats.flowControlStalls ?? 0 };
}

/** Where the observable instruments read their values when a reader collects. */
export interface RuntimeSource {
  /** The sessions open now. */
  sessions(): Iterable<SessionCounters>;
  /** UDP datagrams dropped so far, by reason (servers). */
  datagramDrops?(): Readonly<Record<string, number>>;
}

const RECEIVE: Attributes = Object.freeze({ "network.io.direction": "receive" });
const TRANSMIT: Attributes = Object.freeze({ "network.io.direction": "transmit" });
const SENT: Attributes = Object.freeze({ "xtmp.direction": "sent" });
const RECEIVED: Attributes = Object.freeze({ "xtmp.direction": "received" });
const HANDSHAKE_OK: Attributes = Object.freeze({ "xtmp.handshake.result": "ok" });

/**
 * The `xtmp.server.*` or `xtmp.client.*` instruments. Counters of events are added to where they
 * happen; totals the sessions keep anyway (bytes, records, stalls) are read only when collected,
 * so the hot path pays nothing for them.
 */
export class RuntimeMetrics {
  private readonly handshakes: Counter;
  private readonly goAways: Counter;
  private readonly retries: Counter;
  private readonly hedges: Counter;
  private readonly failedAttrs = new Map<string, Attributes>();
  private readonly retryAttrs = new Map<string, Attributes>();
  private readonly hedgeAttrs = new Map<string, Attributes>();
  // totals of the sessions that have closed (live ones are read from the source)
  private closed = { bytesSent: 0, bytesReceived: 0, recordsSent: 0, recordsReceived: 0, flowControlStalls: 0 };

  constructor(meter: Meter, side: "server" | "client", source: RuntimeSource) {
    const p = `xtmp.${side}`;
    this.handshakes = meter.createCounter(`${p}.handshakes`, { description: "Handshakes, by result (ok or failed) and failure reason (error.type)", unit: "{handshake}" });
    this.goAways = meter.createCounter(`${p}.goaways`, { description: "GOAWAY frames sent and received", unit: "{goaway}" });
    this.retries = meter.createCounter(`${p}.retries`, { description: "Attempts started again after a failed attempt (transparent or by the retry policy)", unit: "{attempt}" });
    this.hedges = meter.createCounter(`${p}.hedges`, { description: "Hedged attempts started beside a running one", unit: "{attempt}" });
    const sessions = meter.createObservableUpDownCounter(`${p}.sessions`, { description: "Sessions open", unit: "{session}" });
    const io = meter.createObservableCounter(`${p}.io`, { description: "Bytes moved by sessions (records, prefixes and tags included)", unit: "By" });
    const records = meter.createObservableCounter(`${p}.records`, { description: "Records sent and received", unit: "{record}" });
    const stalls = meter.createObservableCounter(`${p}.flow_control.stalls`, { description: "Times a stream had data to send and no flow-control window", unit: "{stall}" });
    const drops = meter.createObservableCounter(`${p}.datagrams.dropped`, { description: "UDP datagrams dropped, by reason", unit: "{datagram}" });
    meter.addBatchObservableCallback((r) => this.observe(r, source, { sessions, io, records, stalls, drops }), [sessions, io, records, stalls, drops]);
  }

  private observe(r: BatchObservableResult, source: RuntimeSource, o: Record<"sessions" | "io" | "records" | "stalls" | "drops", Observable>): void {
    const t = { ...this.closed };
    let open = 0;
    for (const s of source.sessions()) {
      open++;
      t.bytesSent += s.bytesSent;
      t.bytesReceived += s.bytesReceived;
      t.recordsSent += s.recordsSent;
      t.recordsReceived += s.recordsReceived;
      t.flowControlStalls += s.flowControlStalls;
    }
    r.observe(o.sessions, open);
    r.observe(o.io, t.bytesReceived, RECEIVE);
    r.observe(o.io, t.bytesSent, TRANSMIT);
    r.observe(o.records, t.recordsReceived, RECEIVE);
    r.observe(o.records, t.recordsSent, TRANSMIT);
    r.observe(o.stalls, t.flowControlStalls);
    for (const [reason, n] of Object.entries(source.datagramDrops?.() ?? {})) r.observe(o.drops, n, { "xtmp.drop.reason": reason });
  }

  /** A handshake completed (`reason` undefined) or failed for `reason`. */
  handshake(reason?: string): void {
    this.handshakes.add(1, reason === undefined ? HANDSHAKE_OK : cached(this.failedAttrs, reason, () => ({ "xtmp.handshake.result": "failed", "error.type": reason })));
  }

  /** A GOAWAY was sent or received. */
  goAway(direction: "sent" | "received"): void {
    this.goAways.add(1, direction === "sent" ? SENT : RECEIVED);
  }

  /** A session closed: its totals move from the live sessions to the closed ones. */
  sessionClosed(s: SessionCounters): void {
    const c = this.closed;
    c.bytesSent += s.bytesSent;
    c.bytesReceived += s.bytesReceived;
    c.recordsSent += s.recordsSent;
    c.recordsReceived += s.recordsReceived;
    c.flowControlStalls += s.flowControlStalls;
  }

  /** An attempt of `method` (`package.Service/Method`) is started again: `transparent` (never reached the application) or by the `policy`. */
  retry(method: string, kind: "transparent" | "policy"): void {
    this.retries.add(1, cached(this.retryAttrs, `${kind} ${method}`, () => ({ "rpc.method": method, "xtmp.retry.kind": kind })));
  }

  /** A hedged attempt of `method` started. */
  hedge(method: string): void {
    this.hedges.add(1, cached(this.hedgeAttrs, method, () => ({ "rpc.method": method })));
  }
}

/** Attribute sets made once per key (keys come from code and registered methods: a bounded set). */
function cached(map: Map<string, Attributes>, key: string, make: () => Attributes): Attributes {
  let a = map.get(key);
  if (!a) {
    a = Object.freeze(make());
    if (map.size < 1_000) map.set(key, a);
  }
  return a;
}
