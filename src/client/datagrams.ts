// The client's UDP path: probes the server, keeps the path alive, and routes datagram messages to calls.
import type { MuxSession } from "../mux/session.js";
import type { DatagramKeys } from "../secure/datagram.js";
import { decodeDatagram, DatagramKind, encodeProbe } from "../wire/datagram.js";
import { UdpSocket, type UdpPeer } from "../transport/udp.js";
import { isIPv6 } from "node:net";

/** A stream handler that also takes datagram messages (ClientCall implements it). */
export interface DatagramReceiver {
  /** A message arrived by datagram. */
  onDatagram(seq: number, payload: Uint8Array): void;
}

/** One session's UDP path on the client. */
export class ClientDatagrams {
  /** True once the server answered a probe: DATAGRAM calls then ask for UDP delivery. */
  ready = false;
  /** Datagrams received and accepted. */
  received = 0;
  /** Datagrams dropped (forged, replayed, malformed, unknown stream). */
  dropped = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private closed = false;

  private constructor(
    private readonly socket: UdpSocket,
    private readonly keys: DatagramKeys,
    private readonly server: UdpPeer,
    private readonly mux: () => MuxSession | undefined,
  ) {}

  /** Binds a UDP socket, starts probing `server`; the session's datagram keys authenticate everything. */
  static async open(keys: DatagramKeys, server: UdpPeer, mux: () => MuxSession | undefined, reprobeMs = 5000): Promise<ClientDatagrams> {
    let self: ClientDatagrams | undefined;
    const socket = await UdpSocket.bind(isIPv6(server.address) ? "::" : "0.0.0.0", 0, (msg) => self?.onMessage(msg));
    self = new ClientDatagrams(socket, keys, server, mux);
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

  /** Sends a PROBE now (the server learns or updates our address). */
  probe(): void {
    if (this.closed) return;
    const token = new Uint8Array(8);
    crypto.getRandomValues(token);
    this.socket.send(this.keys.seal(encodeProbe(DatagramKind.PROBE, token)), this.server);
  }

  private onMessage(msg: Uint8Array): void {
    const pt = this.keys.open(msg);
    if (!pt) {
      this.dropped++;
      return;
    }
    let d;
    try {
      d = decodeDatagram(pt);
    } catch {
      this.dropped++;
      return;
    }
    this.received++;
    if (d.kind === DatagramKind.PROBE_ACK) {
      this.ready = true;
      return;
    }
    const mux = this.mux();
    for (const m of d.messages ?? []) {
      const handler = mux?.streamHandler(m.streamId) as Partial<DatagramReceiver> | undefined;
      if (handler?.onDatagram) handler.onDatagram(m.seq, m.payload.slice());
      else this.dropped++;
    }
  }

  /** Stops probing and closes the socket. */
  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.socket.close();
  }
}
