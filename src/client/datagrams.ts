// The client's UDP path: probes the server, answers path challenges, and routes datagram messages to calls.
import type { MuxSession } from "../mux/session.js";
import type { DatagramDropReason, DatagramKeys } from "../secure/datagram.js";
import { XtmpError } from "../status/error.js";
import { decodeDatagram, DATAGRAM_TOKEN_SIZE, DatagramKind, encodeProbe } from "../wire/datagram.js";
import { UdpSocket, UnexpectedErrors, type UdpPeer } from "../transport/udp.js";
import { isIPv6 } from "node:net";

/** A stream handler that also takes datagram messages (ClientCall implements it). */
export interface DatagramReceiver {
  /** A message arrived by datagram. */
  onDatagram(seq: number, payload: Uint8Array): void;
}

/** Options of a client UDP path. */
export interface ClientDatagramOptions {
  /** Re-probe interval once the path works (keeps NAT bindings and moved ports current); default 5000 ms. */
  reprobeMs?: number;
  /** Receives each unexpected exception from the datagram path (default: counted, the first one emitted as a process warning). */
  onUnexpectedError?: (err: unknown) => void;
}

/** Why the client dropped a datagram. */
export type ClientDatagramDrops = Record<DatagramDropReason, number>;

/** One session's UDP path on the client. */
export class ClientDatagrams {
  /** True once the server answered a probe (after validating our address): DATAGRAM calls then ask for UDP delivery. */
  ready = false;
  /** Datagrams accepted (authenticated and well formed). */
  received = 0;
  /** Datagrams dropped, all reasons; `drops` has them by reason. Every datagram is received, dropped or an error. */
  dropped = 0;
  /** Datagrams dropped, by reason (`malformed` includes kinds a server must not send). */
  readonly drops: ClientDatagramDrops = { malformed: 0, unknownConnId: 0, badCounter: 0, authFailed: 0, replay: 0 };
  /** Messages in accepted datagrams whose stream is gone (not datagrams). */
  unknownStream = 0;
  /** PATH_CHALLENGEs answered. */
  challengesAnswered = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private closed = false;
  /** Calls whose stream closed (trailers arrived) that still take their last datagrams for a few turns. */
  private readonly lingering = new Map<number, DatagramReceiver>();

  private constructor(
    private readonly socket: UdpSocket,
    private readonly keys: DatagramKeys,
    private readonly server: UdpPeer,
    private readonly mux: () => MuxSession | undefined,
    private readonly unexpected: UnexpectedErrors,
  ) {}

  /** Binds a UDP socket, starts probing `server`; the session's datagram keys authenticate everything. */
  static async open(keys: DatagramKeys, server: UdpPeer, mux: () => MuxSession | undefined, options: ClientDatagramOptions = {}): Promise<ClientDatagrams> {
    const reprobeMs = options.reprobeMs ?? 5000;
    const unexpected = new UnexpectedErrors("XTMP client UDP path", options.onUnexpectedError);
    let self: ClientDatagrams | undefined;
    const socket = await UdpSocket.bind(isIPv6(server.address) ? "::" : "0.0.0.0", 0, (msg) => self?.onMessage(msg), unexpected);
    self = new ClientDatagrams(socket, keys, server, mux, unexpected);
    self.probe();
    // quick retries at first, then a slow re-probe that also keeps NAT bindings and moved ports fresh
    let tries = 0;
    self.timer = setInterval(() => {
      tries++;
      if (!self.ready || tries % Math.max(1, Math.round(reprobeMs / 250)) === 0) self.probe();
    }, 250);
    self.timer.unref();
    return self;
  }

  /** The local UDP port. */
  get port(): number {
    return this.socket.port;
  }

  /** Unexpected exceptions caught on this path (a bug, never hostile input). */
  get errors(): number {
    return this.unexpected.count;
  }

  /** Sends a PROBE now (the server validates our address, then answers PROBE_ACK). */
  probe(): void {
    try {
      const token = new Uint8Array(DATAGRAM_TOKEN_SIZE);
      crypto.getRandomValues(token);
      this.sendPlain(encodeProbe(DatagramKind.PROBE, token));
    } catch (err) {
      this.unexpected.report(err);
    }
  }

  private sendPlain(plaintext: Uint8Array): void {
    if (this.closed) return;
    const datagram = this.keys.seal(plaintext);
    if (!datagram) {
      // counters exhausted: this session's DATAGRAM methods use TCP from now on
      this.ready = false;
      if (this.timer) clearInterval(this.timer);
      return;
    }
    this.socket.send(datagram, this.server);
  }

  private onMessage(msg: Uint8Array): void {
    let outcome: "accepted" | DatagramDropReason;
    try {
      outcome = this.handle(msg);
    } catch (err) {
      this.unexpected.report(err);
      return;
    }
    if (outcome === "accepted") this.received++;
    else {
      this.dropped++;
      this.drops[outcome]++;
    }
  }

  private handle(msg: Uint8Array): "accepted" | DatagramDropReason {
    const opened = this.keys.open(msg);
    if (!opened.ok) return opened.reason;
    let d;
    try {
      d = decodeDatagram(opened.plaintext);
    } catch (err) {
      if (err instanceof XtmpError) return "malformed";
      throw err;
    }
    if (d.kind === DatagramKind.PATH_CHALLENGE && d.token) {
      // echoed from this socket: the server moves our path only to the address the answer comes from
      this.sendPlain(encodeProbe(DatagramKind.PATH_RESPONSE, d.token));
      this.challengesAnswered++;
      return "accepted";
    }
    if (d.kind === DatagramKind.PROBE_ACK) {
      if (!this.keys.exhausted) this.ready = true;
      return "accepted";
    }
    if (d.kind !== DatagramKind.MESSAGES) return "malformed"; // PROBE and PATH_RESPONSE travel client -> server only
    const mux = this.mux();
    for (const m of d.messages ?? []) {
      const handler = (mux?.streamHandler(m.streamId) as Partial<DatagramReceiver> | undefined) ?? this.lingering.get(m.streamId);
      if (handler?.onDatagram) handler.onDatagram(m.seq, m.payload.slice());
      else this.unknownStream++;
    }
    return "accepted";
  }

  /**
   * Keeps routing messages of `streamId` to `receiver` after its stream has closed (a call whose
   * trailers overtook its last datagrams); returns the function that stops it.
   */
  linger(streamId: number, receiver: DatagramReceiver): () => void {
    this.lingering.set(streamId, receiver);
    return () => {
      if (this.lingering.get(streamId) === receiver) this.lingering.delete(streamId);
    };
  }

  /** Stops probing and closes the socket. */
  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.socket.close();
  }
}
