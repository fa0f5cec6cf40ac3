// Channel: one lazily connected, encrypted, multiplexed session to a server, shared by many clients.
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";
import { MuxSession } from "../mux/session.js";
import type { ClientInterceptor } from "../rpc/interceptor.js";
import { generateIdentity } from "../secure/identity.js";
import { connectSession, type Session } from "../secure/handshake.js";
import type { ClientSessionOptions, SessionInfo } from "../secure/options.js";
import { Feature } from "../wire/preamble.js";
import { parseAddress } from "../transport/address.js";
import { connectTcp } from "../transport/tcp.js";
import { connectWebSocket } from "../transport/websocket.js";
import { ClientDatagrams } from "./datagrams.js";
import { createMessageSigner } from "../secure/message-signing.js";
import { nodeCrypto } from "../secure/crypto-node.js";
import type { MessageSigner } from "../rpc/message-signer.js";
import { DecompressionBudget, DEFAULT_MAX_DECOMPRESSED_BYTES_PER_SECOND } from "../rpc/decompression-budget.js";

/** Channel options: the secure-session options plus RPC behaviour. */
export interface ChannelOptions extends ClientSessionOptions {
  /** Interceptors, outermost first. */
  interceptors?: ClientInterceptor[];
  /** Largest response message, after decompression (default 4 MiB). */
  maxRecvMessage?: number;
  /** TCP connect timeout in ms (default 10,000). */
  connectTimeoutMs?: number;
  /** Keepalive PING after this many idle ms (default 30,000; 0 = off). */
  keepaliveMs?: number;
  /** Offer zstd and compress requests per the methods' policies (default true). */
  compression?: boolean;
  /**
   * A `ws://` or `wss://` URL to use when connecting to the main address fails (e.g. a firewall
   * blocks the XTMP port): the same handshake and encryption run inside the WebSocket.
   */
  fallback?: string;
  /** Open a UDP path beside the TCP session for DATAGRAM methods (default true; falls back to TCP). */
  datagram?: boolean;
  /** Where to send UDP when it is not the server's TCP host:port (a UDP relay or load balancer). */
  datagramAddress?: string;
  /** Decompressed bytes per second a session's responses may cost beyond 8x their compressed size (default 64 MiB; more fail RESOURCE_EXHAUSTED). */
  maxDecompressedBytesPerSecond?: number;
  /** Exceptions that are nobody's protocol error (bugs) caught in the channel's sessions; the session involved is closed. */
  onUnexpectedError?: (error: unknown) => void;
  /** Largest response header block (headers or trailers, all fragments) accepted (default 64 KiB; larger fail RESOURCE_EXHAUSTED). */
  maxHeaderBytes?: number;
  /** Calls that may wait for the server's concurrency limit (MAX_CONCURRENT_STREAMS) per session (default 10,000); more fail RESOURCE_EXHAUSTED at once. */
  maxQueuedStreams?: number;
  /** @internal Testing only: the first stream id of each session (to cross the end of the 31-bit id space). */
  firstStreamId?: number;
}

/** Options of a graceful `Channel.close()`. */
export interface ChannelCloseOptions {
  /** How long calls in flight may take to finish before they fail UNAVAILABLE (default 10,000 ms). */
  graceMs?: number;
}

/** Connection state of a channel. */
export type ChannelState = "idle" | "connecting" | "ready" | "closed";

/** A live session of the channel. */
export interface ChannelSession {
  /** The multiplexer. */
  mux: MuxSession;
  /** The secure session beneath it. */
  secure: Session;
  /** The server negotiated zstd. */
  acceptsZstd: boolean;
  /** The UDP path, when one was opened. */
  udp?: ClientDatagrams;
  /** Signs and verifies messages of `signed` methods (undefined in insecure sessions). */
  signer?: MessageSigner | undefined;
  /** What decompressing this session's responses may cost (zstd bombs). */
  decompressionBudget: DecompressionBudget;
}

/** A connection to one server address; clients share it. Connects on the first call and after losses. */
export class Channel {
  /** Interceptors applied to every call. */
  readonly interceptors: readonly ClientInterceptor[];
  private current: ChannelSession | undefined;
  // every open session: the current one, plus older ones finishing their calls (out of stream ids)
  private readonly sessions = new Set<ChannelSession>();
  private connecting: Promise<ChannelSession> | undefined;
  private closed = false;
  private readonly address: string;
  private readonly opts: ChannelOptions;
  private usedFallback = false;

  constructor(address: string, options: ChannelOptions = {}) {
    parseAddress(address); // validates early
    if (options.fallback) parseAddress(options.fallback);
    this.address = address;
    this.opts = {
      ...options,
      identity: options.identity ?? (options.insecure ? undefined : generateIdentity(options.crypto)),
      features: (options.features ?? 0) | (options.compression === false ? 0 : Feature.ZSTD),
    };
    this.interceptors = options.interceptors ?? [];
  }

  /** Largest response message. */
  get maxRecvMessage(): number {
    return this.opts.maxRecvMessage ?? 4 << 20;
  }

  /** Whether requests may be compressed. */
  get compression(): boolean {
    return this.opts.compression !== false;
  }

  /** Current state. */
  get state(): ChannelState {
    if (this.closed) return "closed";
    if (this.current && this.current.mux.isAvailable) return "ready";
    return this.connecting ? "connecting" : "idle";
  }

  /** Where DATAGRAM methods travel now: `udp`, or `tcp` (no UDP path yet, blocked, or not offered). */
  get datagramPath(): "udp" | "tcp" {
    return this.current?.udp?.ready ? "udp" : "tcp";
  }

  /** Datagrams received and dropped (forged, replayed, malformed) on the current UDP path. */
  get datagramCounters(): { received: number; dropped: number } {
    return { received: this.current?.udp?.received ?? 0, dropped: this.current?.udp?.dropped ?? 0 };
  }

  /** Sends a UDP probe now (normally done at connect and every 5 s). */
  probeDatagram(): void {
    this.current?.udp?.probe();
  }

  /** Whether the current session runs over the fallback WebSocket URL. */
  get onFallback(): boolean {
    return this.usedFallback;
  }

  /** How the current session was set up (cipher, handshake time, peer identity), if connected. */
  get sessionInfo(): SessionInfo | undefined {
    return this.current?.secure.info;
  }

  /** The live session, connecting if needed. Fails with UNAVAILABLE (or the handshake's error). */
  session(): Promise<ChannelSession> {
    if (this.closed) return Promise.reject(new XtmpError(Code.UNAVAILABLE, "channel is closed"));
    if (this.current && this.current.mux.isAvailable) return Promise.resolve(this.current);
    this.connecting ??= this.connect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  /** Connects now (otherwise the first call does). */
  async connect(): Promise<ChannelSession> {
    const timeout = this.opts.connectTimeoutMs ?? 10_000;
    let duplex;
    try {
      duplex = await dial(this.address, timeout);
      this.usedFallback = false;
    } catch (err) {
      if (!this.opts.fallback) throw err;
      duplex = await dial(this.opts.fallback, timeout);
      this.usedFallback = true;
    }
    const secure = await connectSession(duplex, this.opts);
    if (this.closed) {
      secure.close();
      throw new XtmpError(Code.UNAVAILABLE, "channel is closed");
    }
    const cs: ChannelSession = {
      secure,
      signer: createMessageSigner(this.opts.crypto ?? nodeCrypto, this.opts.identity, secure.info.peerIdentity, secure.info.handshakeHash),
      acceptsZstd: (secure.info.features & Feature.ZSTD) !== 0,
      decompressionBudget: new DecompressionBudget({ bytesPerSecond: this.opts.maxDecompressedBytesPerSecond ?? DEFAULT_MAX_DECOMPRESSED_BYTES_PER_SECOND }),
      mux: new MuxSession(secure, {
        isClient: true,
        maxRecvMessage: this.maxRecvMessage,
        keepaliveMs: this.opts.keepaliveMs ?? 30_000,
        ...(this.opts.onUnexpectedError ? { onUnexpectedError: this.opts.onUnexpectedError } : {}),
        ...(this.opts.maxHeaderBytes !== undefined ? { maxHeaderBytes: this.opts.maxHeaderBytes } : {}),
        ...(this.opts.maxQueuedStreams !== undefined ? { maxQueuedStreams: this.opts.maxQueuedStreams } : {}),
        ...(this.opts.firstStreamId !== undefined ? { firstStreamId: this.opts.firstStreamId } : {}),
        onClose: () => {
          cs.udp?.close();
          this.sessions.delete(cs);
          if (this.current === cs) this.current = undefined;
        },
      }),
    };
    if (!cs.mux.isClosed) this.sessions.add(cs);
    const a = parseAddress(this.usedFallback ? (this.opts.fallback as string) : this.address);
    if (secure.datagram && a.scheme === "xtmp" && this.opts.datagram !== false) {
      const to = this.opts.datagramAddress ? parseAddress(this.opts.datagramAddress) : a;
      cs.udp = await ClientDatagrams.open(secure.datagram, { address: to.host, port: to.port }, () => cs.mux, this.opts.onUnexpectedError ? { onUnexpectedError: this.opts.onUnexpectedError } : {});
      if (cs.mux.isClosed) cs.udp.close();
    }
    if (this.closed) {
      cs.mux.close();
      throw new XtmpError(Code.UNAVAILABLE, "channel is closed");
    }
    // the session we replace (out of stream ids, or going away) finishes its calls, then closes itself
    this.current = cs;
    return cs;
  }

  /**
   * Closes the channel; later calls fail UNAVAILABLE at once. Without options, calls in flight fail
   * UNAVAILABLE now. With `{ graceMs }`, they may finish (each session closes with CLOSE NO_ERROR as
   * soon as its calls are done); those still running after `graceMs` fail UNAVAILABLE. The promise
   * resolves when every session has closed.
   */
  close(): void;
  close(options: ChannelCloseOptions): Promise<void>;
  close(options?: ChannelCloseOptions): void | Promise<void> {
    this.closed = true;
    this.current = undefined;
    const live = [...this.sessions];
    if (!options) {
      for (const s of live) s.mux.close();
      return;
    }
    const graceMs = options.graceMs ?? 10_000;
    return Promise.all(live.map((s) => closeGracefully(s.mux, graceMs))).then(() => undefined);
  }
}

/** Retires a session (no new streams), waits up to `graceMs` for its streams, then closes it. */
async function closeGracefully(mux: MuxSession, graceMs: number): Promise<void> {
  mux.retire();
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([mux.drained(), new Promise<void>((r) => (timer = setTimeout(r, Math.min(graceMs, 0x7fffffff))))]);
  clearTimeout(timer);
  mux.close(new XtmpError(Code.UNAVAILABLE, `channel closed: calls still running after the ${graceMs} ms grace period`));
}

/** Opens the byte stream for an address: TCP for xtmp://, a WebSocket for ws:// and wss://. */
function dial(address: string, timeoutMs: number) {
  const a = parseAddress(address);
  if (a.scheme === "ws" || a.scheme === "wss") return connectWebSocket(address, timeoutMs);
  if (a.scheme !== "xtmp") throw new XtmpError(Code.INVALID_ARGUMENT, `unsupported scheme ${a.scheme}:// (use xtmp://, ws:// or wss://)`);
  return connectTcp(a.host, a.port, timeoutMs);
}

/** Creates a channel to `xtmp://host:port` (or `ws://host:port/path`). Nothing connects until the first call. */
export function createChannel(address: string, options: ChannelOptions = {}): Channel {
  return new Channel(address, options);
}
