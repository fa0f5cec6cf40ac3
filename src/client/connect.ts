// Opening one channel session: dial (with the WebSocket fallback), handshake, multiplexer, UDP path.
import { Code, codeName } from "../status/code.js";
import { XtmpError } from "../status/error.js";
import { MuxSession } from "../mux/session.js";
import { connectSession, type Session } from "../secure/handshake.js";
import { Feature } from "../wire/preamble.js";
import { parseAddress } from "../transport/address.js";
import { connectTcp } from "../transport/tcp.js";
import { connectUnix, unixPath } from "../transport/unix.js";
import { connectMemory, memoryName } from "../transport/memory.js";
import { connectWebSocket } from "../transport/websocket.js";
import { ClientDatagrams } from "./datagrams.js";
import { createMessageSigner } from "../secure/message-signing.js";
import { nodeCrypto } from "../secure/crypto-node.js";
import type { MessageSigner } from "../rpc/message-signer.js";
import { DecompressionBudget, DEFAULT_MAX_DECOMPRESSED_BYTES_PER_SECOND } from "../rpc/decompression-budget.js";
import type { ChannelOptions } from "./options.js";
import type { Telemetry } from "../metrics/telemetry.js";
import { sessionCounters } from "../metrics/runtime-metrics.js";
import { HandshakeError } from "../secure/handshake-error.js";
import { TicketCache } from "../secure/ticket-cache.js";

// each channel's own ticket cache, when it was given none (its options object is the channel's own)
const channelCaches = new WeakMap<ChannelOptions, TicketCache>();

function ticketCacheOf(opts: ChannelOptions): TicketCache | undefined {
  if (opts.ticketCache === false || opts.insecure || opts.postQuantum) return undefined;
  if (opts.ticketCache) return opts.ticketCache;
  let cache = channelCaches.get(opts);
  if (!cache) channelCaches.set(opts, (cache = new TicketCache()));
  return cache;
}

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
  /** The session runs over the fallback WebSocket URL. */
  onFallback: boolean;
}

/** What the owner of a session hears about it. */
export interface SessionEvents {
  /** The peer sent GOAWAY: the session takes no new calls. */
  onGoAway(cs: ChannelSession): void;
  /** The session closed. */
  onClose(cs: ChannelSession): void;
}

/** The transport an address dials. */
function transportOf(address: string): string {
  return unixPath(address) !== undefined ? "unix" : memoryName(address) !== undefined ? "memory" : /^wss?:/.test(address) ? "ws" : "tcp";
}

/** Opens the byte stream for an address: TCP for xtmp://, a unix socket for unix:///path, a WebSocket for ws:// and wss://. */
function dial(address: string, timeoutMs: number) {
  const socketPath = unixPath(address);
  if (socketPath !== undefined) return connectUnix(socketPath, timeoutMs);
  const memory = memoryName(address);
  if (memory !== undefined) return connectMemory(memory);
  const a = parseAddress(address);
  if (a.scheme === "ws" || a.scheme === "wss") return connectWebSocket(address, timeoutMs);
  if (a.scheme !== "xtmp") throw new XtmpError(Code.INVALID_ARGUMENT, `unsupported scheme ${a.scheme}:// (use xtmp://, ws:// or wss://)`);
  return connectTcp(a.host, a.port, timeoutMs);
}

/**
 * Connects to `address` (then to `opts.fallback` when that fails), runs the handshake and starts
 * the multiplexer; `isCancelled` is asked after each await so a closed channel keeps nothing open.
 */
export async function openChannelSession(address: string, opts: ChannelOptions, timeoutMs: number, telemetry: Telemetry, events: SessionEvents, isCancelled: () => boolean): Promise<ChannelSession> {
  let duplex;
  let onFallback = false;
  try {
    duplex = await dial(address, timeoutMs);
  } catch (err) {
    if (!opts.fallback) throw err;
    duplex = await dial(opts.fallback, timeoutMs);
    onFallback = true;
  }
  const endpoint = onFallback ? (opts.fallback as string) : address;
  const transport = transportOf(endpoint);
  const cache = ticketCacheOf(opts);
  const resume = cache?.resumption(endpoint, opts.identity?.publicKey);
  let secure: Session;
  try {
    try {
      secure = await connectSession(duplex, opts, resume);
    } catch (err) {
      if (!(resume?.ticket && err instanceof HandshakeError && err.reason === "ticket_rejected")) throw err;
      // the server refused the ticket (restarted, rotated its keys...): drop it and run a full
      // handshake on a fresh connection; the application sees no error
      cache?.delete(resume.key, resume.ticket);
      secure = await connectSession(await dial(endpoint, timeoutMs), opts, { store: resume.store });
    }
  } catch (err) {
    const reason = err instanceof HandshakeError ? err.reason : "internal";
    telemetry.runtime?.handshake(reason);
    if (telemetry.eventsOn) telemetry.emit({ type: "handshake_failed", side: "client", peerAddress: address, transport, reason, message: err instanceof XtmpError ? err.rawMessage : "internal error" });
    throw err;
  }
  telemetry.runtime?.handshake();
  if (telemetry.eventsOn) telemetry.emit({ type: "session_opened", side: "client", peerAddress: address, transport, peerIdentity: secure.info.peerIdentity, cipher: secure.info.cipher ?? "none" });
  if (isCancelled()) {
    secure.close();
    throw new XtmpError(Code.UNAVAILABLE, "channel is closed");
  }
  const cs: ChannelSession = {
    secure,
    onFallback,
    signer: createMessageSigner(opts.crypto ?? nodeCrypto, opts.identity, secure.info.peerIdentity, secure.info.handshakeHash),
    acceptsZstd: (secure.info.features & Feature.ZSTD) !== 0,
    decompressionBudget: new DecompressionBudget({ bytesPerSecond: opts.maxDecompressedBytesPerSecond ?? DEFAULT_MAX_DECOMPRESSED_BYTES_PER_SECOND }),
    mux: new MuxSession(secure, {
      isClient: true,
      maxRecvMessage: opts.maxRecvMessage ?? 4 << 20,
      keepaliveMs: opts.keepaliveMs ?? 30_000,
      ...(opts.onUnexpectedError ? { onUnexpectedError: opts.onUnexpectedError } : {}),
      ...(opts.maxHeaderBytes !== undefined ? { maxHeaderBytes: opts.maxHeaderBytes } : {}),
      ...(opts.maxQueuedStreams !== undefined ? { maxQueuedStreams: opts.maxQueuedStreams } : {}),
      ...(opts.firstStreamId !== undefined ? { firstStreamId: opts.firstStreamId } : {}),
      onGoAway: (_last, reason) => {
        telemetry.runtime?.goAway("received");
        if (telemetry.eventsOn) telemetry.emit({ type: "goaway_received", side: "client", peerAddress: address, transport, reason });
        events.onGoAway(cs);
      },
      onGoAwaySent: (reason) => {
        telemetry.runtime?.goAway("sent");
        if (telemetry.eventsOn) telemetry.emit({ type: "goaway_sent", side: "client", peerAddress: address, transport, reason });
      },
      onClose: (error) => {
        telemetry.runtime?.sessionClosed(sessionCounters(secure, cs.mux));
        if (telemetry.eventsOn) telemetry.emit({ type: "session_closed", side: "client", peerAddress: address, transport, code: error ? codeName(error.code) : "OK", reason: error?.rawMessage ?? "closed" });
        cs.udp?.close();
        events.onClose(cs);
      },
    }),
  };
  const local = unixPath(address) !== undefined || memoryName(address) !== undefined;
  const a = local && !onFallback ? undefined : parseAddress(onFallback ? (opts.fallback as string) : address);
  if (a && secure.datagram && a.scheme === "xtmp" && opts.datagram !== false && !cs.mux.isClosed) {
    const to = opts.datagramAddress ? parseAddress(opts.datagramAddress) : a;
    cs.udp = await ClientDatagrams.open(secure.datagram, { address: to.host, port: to.port }, () => cs.mux, opts.onUnexpectedError ? { onUnexpectedError: opts.onUnexpectedError } : {});
    if (cs.mux.isClosed) cs.udp.close();
  }
  if (isCancelled()) {
    cs.mux.close();
    throw new XtmpError(Code.UNAVAILABLE, "channel is closed");
  }
  return cs;
}
