// Accepting connections through trusted L4 proxies: reads their PROXY v2 header and hands on a duplex with the real client address.
import { BlockList, isIP } from "node:net";
import { DEFAULT_MAX_PROXY_ADDRESS_BYTES, parseProxyHeader, ProxyHeaderError, type ProxyRejectReason } from "../transport/proxy-protocol.js";
import { TcpDuplex } from "../transport/tcp.js";
import type { WsDuplex } from "../transport/websocket.js";
import type { MemoryDuplex } from "../transport/memory.js";
import type { ByteDuplex, ByteReceiver } from "../wire/duplex.js";

/** Server options for connections that arrive through an L4 proxy speaking PROXY protocol v2. */
export interface ProxyProtocolOptions {
  /**
   * Addresses (IPs or CIDRs, IPv4 and IPv6, e.g. `["127.0.0.1", "10.0.0.0/8", "::1"]`) of proxies
   * whose TCP connections start with a PROXY protocol v2 header (HAProxy's `send-proxy-v2`); the
   * client address it names is the one handlers (`ctx.peerAddress`) and per-source limits see. A
   * connection from these addresses without a valid v2 header is closed; connections from other
   * addresses are never parsed for one. Default none. WebSocket listeners ignore it.
   */
  trustedProxies?: readonly string[];
  /** Ms a trusted proxy's connection may take to deliver its complete header (default 10,000; closed after). */
  proxyHeaderTimeoutMs?: number;
  /** Largest address-and-TLV part of a header (its length field; the fixed 16 bytes come on top) (default 1,024; longer headers are rejected). */
  maxProxyHeaderBytes?: number;
}

/** Counters of PROXY protocol headers read from trusted proxies. */
export interface ProxyProtocolStats {
  /** Connections whose header was accepted. */
  accepted: number;
  /** Connections closed because of their header (or its absence), by reason. */
  rejected: Partial<Record<ProxyRejectReason, number>>;
}

/** A connection as the server accepts it. */
export type AcceptedDuplex = TcpDuplex | WsDuplex | ProxiedDuplex | MemoryDuplex;

/** Which connections must start with a PROXY header, and reading it. */
export class ProxyProtocol {
  private readonly trusted: BlockList | undefined;
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  private readonly counts: ProxyProtocolStats = { accepted: 0, rejected: {} };

  /** Checks the options (throws RangeError on a malformed address, CIDR or limit). */
  constructor(opts: ProxyProtocolOptions) {
    this.timeoutMs = opts.proxyHeaderTimeoutMs ?? 10_000;
    if (!Number.isInteger(this.timeoutMs) || this.timeoutMs < 1 || this.timeoutMs > 2 ** 31 - 1) throw new RangeError("proxyHeaderTimeoutMs must be an integer 1..2^31-1");
    this.maxBytes = opts.maxProxyHeaderBytes ?? DEFAULT_MAX_PROXY_ADDRESS_BYTES;
    if (!Number.isInteger(this.maxBytes) || this.maxBytes < 0 || this.maxBytes > 65_535) throw new RangeError("maxProxyHeaderBytes must be an integer 0..65535");
    if (opts.trustedProxies && opts.trustedProxies.length > 0) this.trusted = trustList(opts.trustedProxies);
  }

  /** The counters (a copy). */
  get stats(): ProxyProtocolStats {
    return { accepted: this.counts.accepted, rejected: { ...this.counts.rejected } };
  }

  /** Whether this connection comes from a trusted proxy over TCP (so it must start with a header). */
  expectsHeader(duplex: AcceptedDuplex): duplex is TcpDuplex {
    if (!this.trusted || !(duplex instanceof TcpDuplex)) return false;
    const ip = ipOf(duplex.remoteAddress);
    const v = ip === undefined ? 0 : isIP(ip);
    return v !== 0 && this.trusted.check(ip as string, v === 4 ? "ipv4" : "ipv6");
  }

  /** Reads the header of `duplex`; then calls `done` with the duplex to serve, or with undefined once it has been closed. */
  readHeader(duplex: TcpDuplex, done: (proxied: ProxiedDuplex | undefined) => void): void {
    new ProxiedDuplex(duplex, this.timeoutMs, this.maxBytes, (result) => {
      if (result instanceof ProxyHeaderError) {
        this.counts.rejected[result.reason] = (this.counts.rejected[result.reason] ?? 0) + 1;
        done(undefined);
      } else {
        this.counts.accepted++;
        done(result);
      }
    });
  }
}

/** A trusted proxy's connection after its header: the bytes that follow it, with the client's address as `remoteAddress`. */
export class ProxiedDuplex implements ByteDuplex {
  /** The real client (`ip:port`, IPv6 as `[ip]:port`), or the proxy's own address for LOCAL/UNSPEC headers. */
  remoteAddress: string;
  private header: Uint8Array = new Uint8Array(0);
  private state: "header" | "body" | "failed" = "header";
  private receiver: ByteReceiver | undefined;
  private flushed = false; // the receiver has had the bytes that came with the header
  private readonly early: Uint8Array[] = [];
  private end: { error?: Error | undefined } | undefined;
  private paused = false;
  private readonly timer: ReturnType<typeof setTimeout>;

  constructor(
    private readonly inner: TcpDuplex,
    timeoutMs: number,
    private readonly maxBytes: number,
    private readonly done: (result: ProxiedDuplex | ProxyHeaderError) => void,
  ) {
    this.remoteAddress = inner.remoteAddress;
    this.timer = setTimeout(() => this.fail(new ProxyHeaderError("timeout", `no complete header within ${timeoutMs} ms`)), timeoutMs);
    inner.setReceiver({
      onData: (chunk) => this.onData(chunk),
      onEnd: (error) => this.onEnd(error),
      onDrain: () => this.receiver?.onDrain?.(),
    });
  }

  get bufferedAmount(): number {
    return this.inner.bufferedAmount;
  }

  write(chunk: Uint8Array): void {
    this.inner.write(chunk);
  }

  writev(chunks: Uint8Array[]): void {
    this.inner.writev(chunks);
  }

  close(): void {
    this.inner.close();
  }

  destroy(): void {
    this.inner.destroy();
  }

  pauseReading(): void {
    this.paused = true;
    this.inner.pauseReading();
  }

  resumeReading(): void {
    this.paused = false;
    if (this.flushed) this.inner.resumeReading();
  }

  /** Installs the receiver; the bytes that followed the header reach it first (in a microtask). */
  setReceiver(receiver: ByteReceiver): void {
    this.receiver = receiver;
    queueMicrotask(() => {
      if (this.flushed) return;
      this.flushed = true;
      for (const c of this.early.splice(0)) receiver.onData(c);
      if (this.end) receiver.onEnd(this.end.error);
      else if (!this.paused) this.inner.resumeReading();
    });
  }

  private onData(chunk: Uint8Array): void {
    if (this.state === "body") {
      if (this.flushed) this.receiver?.onData(chunk);
      else this.early.push(chunk); // only until the microtask of setReceiver: reading is paused
      return;
    }
    if (this.state === "failed") return;
    // `header` stays within the header's bound: parseProxyHeader asks for more only below it
    let buf = chunk;
    if (this.header.length > 0) {
      buf = new Uint8Array(this.header.length + chunk.length);
      buf.set(this.header);
      buf.set(chunk, this.header.length);
    }
    let h;
    try {
      h = parseProxyHeader(buf, this.maxBytes);
    } catch (err) {
      return this.fail(err instanceof ProxyHeaderError ? err : new ProxyHeaderError("not_proxy", "malformed header"));
    }
    if (!h) {
      this.header = buf === chunk ? chunk.slice() : buf; // kept: at most PROXY_V2_FIXED_BYTES + maxBytes
      return;
    }
    clearTimeout(this.timer);
    this.state = "body";
    this.header = new Uint8Array(0);
    if (h.source !== undefined) this.remoteAddress = h.source;
    if (buf.length > h.bytes) this.early.push(buf.subarray(h.bytes));
    this.inner.pauseReading(); // until a receiver is installed
    this.done(this);
  }

  private onEnd(error?: Error): void {
    if (this.state === "header") return this.fail(new ProxyHeaderError("closed", "the connection ended before its header was complete"));
    if (this.state === "failed") return;
    if (this.flushed) this.receiver?.onEnd(error);
    else this.end ??= { error };
  }

  private fail(err: ProxyHeaderError): void {
    if (this.state !== "header") return;
    this.state = "failed";
    this.header = new Uint8Array(0);
    clearTimeout(this.timer);
    this.inner.destroy();
    this.done(err);
  }
}

/**
 * The address a handler sees as `ctx.peerAddress`: `ip:port`, IPv6 as `[ip]:port`; undefined when
 * unknown (e.g. the socket closed before its address was read).
 */
export function peerAddressOf(duplex: AcceptedDuplex): string | undefined {
  const a = duplex.remoteAddress;
  if (a === undefined || a.startsWith("[")) return a;
  const ip = ipOf(a, false);
  if (ip === undefined || isIP(ip) === 0) return undefined;
  return ip.includes(":") ? `[${ip}]:${a.slice(a.lastIndexOf(":") + 1)}` : a;
}

// the IP of `ip:port` / `[ip]:port`, IPv4-mapped IPv6 as IPv4 unless `unmap` is false
function ipOf(address: string | undefined, unmap = true): string | undefined {
  if (!address) return undefined;
  const bracketed = /^\[(.*)\]:\d+$/.exec(address);
  const ip = bracketed ? (bracketed[1] as string) : address.slice(0, Math.max(0, address.lastIndexOf(":")));
  const mapped = unmap ? /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip) : null;
  return mapped ? (mapped[1] as string) : ip;
}

// IPs and CIDRs as a BlockList; IPv4 entries also match their IPv4-mapped IPv6 form (see ipOf)
function trustList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const e of entries) {
    const [ip = "", prefix, extra] = e.trim().split("/");
    const v = isIP(ip);
    const bits = prefix === undefined ? (v === 4 ? 32 : 128) : /^\d{1,3}$/.test(prefix) ? Number(prefix) : -1;
    if (v === 0 || extra !== undefined || bits < 0 || bits > (v === 4 ? 32 : 128)) throw new RangeError(`trustedProxies: ${JSON.stringify(e)} is not an IP address or CIDR`);
    list.addSubnet(ip, bits, v === 4 ? "ipv4" : "ipv6");
  }
  return list;
}
