// One accepted session on the server: its mux hooks and the environment its calls share, as one object with no closure per session.
import { Code } from "../status/code.js";
import type { XtmpError } from "../status/error.js";
import type { MuxSession } from "../mux/session.js";
import { DEFAULT_MAX_HEADER_BYTES, DEFAULT_MUX_LIMITS, type MuxLimits, type MuxOptions } from "../mux/session.js";
import type { MuxSettings } from "../mux/control.js";
import type { MuxStream } from "../mux/stream.js";
import type { AnyMethodDescriptor } from "../rpc/descriptor.js";
import { DecompressionBudget, DEFAULT_MAX_DECOMPRESSED_BYTES_PER_SECOND } from "../rpc/decompression-budget.js";
import type { Session } from "../secure/handshake.js";
import { createMessageSigner } from "../secure/message-signing.js";
import { nodeCrypto } from "../secure/crypto-node.js";
import { Feature } from "../wire/preamble.js";
import { sessionCounters } from "../metrics/runtime-metrics.js";
import type { CallEnv } from "./call.js";
import type { DatagramPeer, ServerDatagrams } from "./datagrams.js";
import type { ServerOptions } from "./options.js";
import type { AcceptedDuplex } from "./proxy-accept.js";
import type { ServerTelemetry } from "./telemetry.js";

/** The server's record of a connection (what `stats` and shutdown walk). */
export interface ServedConnection {
  duplex: AcceptedDuplex;
  mux?: MuxSession;
  session?: Session;
  budget?: DecompressionBudget;
}

/** What every session of one server shares (one object per server). */
export interface SessionHost {
  readonly opts: ServerOptions;
  readonly telemetry: ServerTelemetry;
  /** An exception that is not a protocol error escaped frame handling. */
  reportFrameError(error: unknown): void;
  /** A handler failed with something other than an XtmpError (the application's onError hook). */
  callError(error: unknown, method: AnyMethodDescriptor): void;
  /** A call is over (in-flight accounting). */
  callDone(): void;
  /** The peer opened a stream on `served`'s session. */
  dispatch(stream: MuxStream, headers: Uint8Array, served: ServedSession): void;
  /** The session closed (`why`: status name, OK when orderly): count it and forget the connection. */
  closed(served: ServedSession, why: string): void;
}

type Transport = "tcp" | "unix" | "memory" | "ws";
type MessageSigner = NonNullable<CallEnv["signer"]>;

interface SharedMux {
  readonly settings: Readonly<Partial<MuxSettings>>;
  readonly limits: Readonly<MuxLimits>;
}
// frozen settings and limits per server options object: every session of a server shares them
const shared = new WeakMap<ServerOptions, SharedMux>();
function sharedMux(o: ServerOptions): SharedMux {
  let s = shared.get(o);
  if (!s) {
    s = {
      settings: Object.freeze({ maxConcurrentStreams: o.maxConcurrentStreams ?? 1000 }),
      limits: Object.freeze({
        idleTimeoutMs: o.idleTimeoutMs ?? DEFAULT_MUX_LIMITS.idleTimeoutMs,
        maxAgeMs: o.maxConnectionAgeMs ?? DEFAULT_MUX_LIMITS.maxAgeMs,
        maxAgeGraceMs: o.maxConnectionAgeGraceMs ?? DEFAULT_MUX_LIMITS.maxAgeGraceMs,
        controlFramesPerSecond: o.maxControlFramesPerSecond ?? DEFAULT_MUX_LIMITS.controlFramesPerSecond,
        resetsPerSecond: o.maxResetsPerSecond ?? DEFAULT_MUX_LIMITS.resetsPerSecond,
      }),
    };
    shared.set(o, s);
  }
  return s;
}

/**
 * A served session is its MuxSession's options (the hooks are methods, called on it) and the
 * CallEnv of its calls that do not ask for datagram delivery. What only some sessions use (the
 * decompression budget, the message signer, the environment of datagram calls) is made on first use.
 */
export class ServedSession implements MuxOptions, CallEnv {
  /** The session's UDP path (registered with the server's UDP endpoint), if any. */
  readonly datagramPeer: DatagramPeer | undefined;
  private budget: DecompressionBudget | undefined;
  private signerMade = false;
  private signerValue: MessageSigner | undefined;
  private datagramView: CallEnv | undefined;

  constructor(
    private readonly host: SessionHost,
    readonly conn: ServedConnection,
    readonly session: Session,
    private readonly udp: ServerDatagrams | undefined,
    readonly peerAddress: string | undefined,
    readonly transport: Transport,
  ) {
    const keys = session.datagram;
    this.datagramPeer = keys && udp ? udp.register(keys) : undefined;
    const { telemetry } = host;
    telemetry.runtime?.handshake();
    if (telemetry.eventsOn) telemetry.emit({ type: "session_opened", side: "server", peerAddress, transport, peerIdentity: session.info.peerIdentity, cipher: session.info.cipher ?? "none" });
  }

  // ---- MuxOptions ----

  get isClient(): boolean {
    return false;
  }
  get settings(): Partial<MuxSettings> {
    return sharedMux(this.host.opts).settings;
  }
  get limits(): Partial<MuxLimits> {
    return sharedMux(this.host.opts).limits;
  }
  get maxRecvMessage(): number {
    return this.host.opts.maxRecvMessage ?? 4 << 20;
  }
  get maxHeaderBytes(): number {
    return this.host.opts.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
  }
  get keepaliveMs(): number {
    return this.host.opts.keepaliveMs ?? 60_000;
  }

  onUnexpectedError(err: unknown): void {
    this.host.reportFrameError(err);
  }

  onStream(stream: MuxStream, headers: Uint8Array): void {
    this.host.dispatch(stream, headers, this);
  }

  onGoAway(_lastStreamId: number, reason: string): void {
    const { telemetry } = this.host;
    telemetry.runtime?.goAway("received");
    if (telemetry.eventsOn) telemetry.emit({ type: "goaway_received", side: "server", peerAddress: this.peerAddress, transport: this.transport, reason });
  }

  onGoAwaySent(reason: string): void {
    const { telemetry } = this.host;
    telemetry.runtime?.goAway("sent");
    if (telemetry.eventsOn) telemetry.emit({ type: "goaway_sent", side: "server", peerAddress: this.peerAddress, transport: this.transport, reason });
  }

  onClose(error?: XtmpError): void {
    const why = error ? Code[error.code] : "OK";
    const { telemetry } = this.host;
    telemetry.runtime?.sessionClosed(sessionCounters(this.session, this.conn.mux));
    if (telemetry.eventsOn) telemetry.emit({ type: "session_closed", side: "server", peerAddress: this.peerAddress, transport: this.transport, code: why, reason: error?.rawMessage ?? "closed" });
    this.host.closed(this, why);
    const keys = this.session.datagram;
    if (keys && this.datagramPeer) this.udp?.unregister(keys);
  }

  // ---- CallEnv (calls without datagram delivery) ----

  get datagram(): DatagramPeer | undefined {
    return undefined;
  }
  get decompressionBudget(): DecompressionBudget {
    // per session, shared by its calls; a full bucket made now is the one made at the start
    return (this.budget ??= this.conn.budget = new DecompressionBudget({ bytesPerSecond: this.host.opts.maxDecompressedBytesPerSecond ?? DEFAULT_MAX_DECOMPRESSED_BYTES_PER_SECOND }));
  }
  /** Messages refused by the decompression budget so far. */
  get decompressionRefusals(): number {
    return this.budget?.refusedMessages ?? 0;
  }
  get peerAcceptsZstd(): boolean {
    return (this.session.info.features & Feature.ZSTD) !== 0;
  }
  get compression(): boolean {
    return this.host.opts.compression !== false;
  }
  get peerIdentity(): Uint8Array | undefined {
    return this.session.info.peerIdentity;
  }
  get signer(): MessageSigner | undefined {
    if (!this.signerMade) {
      this.signerMade = true;
      const { opts } = this.host;
      this.signerValue = createMessageSigner(opts.crypto ?? nodeCrypto, opts.identity, this.session.info.peerIdentity, this.session.info.handshakeHash);
    }
    return this.signerValue;
  }
  get durations(): CallEnv["durations"] {
    return this.host.telemetry.durations;
  }
  get tracer(): CallEnv["tracer"] {
    return this.host.telemetry.tracer;
  }
  onError(error: unknown, method: AnyMethodDescriptor): void {
    this.host.callError(error, method);
  }
  onDone(): void {
    this.host.callDone();
  }

  /** The CallEnv of calls that asked for datagram delivery (this one when the session has no UDP path). */
  get datagramEnv(): CallEnv {
    return this.datagramPeer ? (this.datagramView ??= new DatagramCallEnv(this, this.datagramPeer)) : this;
  }
}

/** A served session's CallEnv with its UDP path (made for the first datagram call). */
class DatagramCallEnv implements CallEnv {
  constructor(
    private readonly s: ServedSession,
    readonly datagram: DatagramPeer,
  ) {}
  get maxRecvMessage(): number {
    return this.s.maxRecvMessage;
  }
  get decompressionBudget(): DecompressionBudget {
    return this.s.decompressionBudget;
  }
  get peerAcceptsZstd(): boolean {
    return this.s.peerAcceptsZstd;
  }
  get compression(): boolean {
    return this.s.compression;
  }
  get peerIdentity(): Uint8Array | undefined {
    return this.s.peerIdentity;
  }
  get peerAddress(): string | undefined {
    return this.s.peerAddress;
  }
  get transport(): Transport {
    return this.s.transport;
  }
  get signer(): MessageSigner | undefined {
    return this.s.signer;
  }
  get durations(): CallEnv["durations"] {
    return this.s.durations;
  }
  get tracer(): CallEnv["tracer"] {
    return this.s.tracer;
  }
  onError(error: unknown, method: AnyMethodDescriptor): void {
    this.s.onError(error, method);
  }
  onDone(): void {
    this.s.onDone();
  }
}
