// The server's UDP endpoint: finds the session by connection id, learns client addresses, batches sends.
import type { DatagramKeys } from "../secure/datagram.js";
import { CONN_ID_SIZE } from "../secure/datagram.js";
import { datagramMessageSize, decodeDatagram, DatagramKind, encodeDatagramMessages, encodeProbe, MAX_DATAGRAM_PLAINTEXT, type DatagramMessage } from "../wire/datagram.js";
import { UdpSocket, type UdpPeer } from "../transport/udp.js";

const key = (connId: Uint8Array) => String.fromCharCode(...connId);

/** One session's datagram path on the server. */
export class DatagramPeer {
  /** The client's current UDP address (moves when the client's port changes). */
  address: UdpPeer | undefined;
  /** Datagrams sent. */
  sent = 0;
  private batch: DatagramMessage[] = [];
  private batchBytes = 1;
  private scheduled = false;

  constructor(
    readonly keys: DatagramKeys,
    private readonly socket: UdpSocket,
  ) {}

  /** Whether the client has proven its UDP address (a valid PROBE arrived). */
  get ready(): boolean {
    return this.address !== undefined;
  }

  /** Whether a message of this size fits in one datagram. */
  fits(streamId: number, seq: number, length: number): boolean {
    return 1 + datagramMessageSize(streamId, seq, length) <= MAX_DATAGRAM_PLAINTEXT;
  }

  /** Queues one message; messages queued in one event-loop turn are packed into as few datagrams as fit. */
  send(streamId: number, seq: number, payload: Uint8Array): void {
    const size = datagramMessageSize(streamId, seq, payload.length);
    if (this.batchBytes + size > MAX_DATAGRAM_PLAINTEXT) this.flush();
    this.batch.push({ streamId, seq, payload });
    this.batchBytes += size;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.flush();
      });
    }
  }

  private flush(): void {
    if (this.batch.length === 0 || !this.address) return;
    this.socket.send(this.keys.seal(encodeDatagramMessages(this.batch)), this.address);
    this.sent++;
    this.batch = [];
    this.batchBytes = 1;
  }

  /** Authenticated datagrams that were malformed (dropped; datagrams never kill the session). */
  malformed = 0;

  /** Handles an authenticated plaintext from the client at `from`. */
  receive(pt: Uint8Array, from: UdpPeer): void {
    let d;
    try {
      d = decodeDatagram(pt);
    } catch {
      this.malformed++;
      return;
    }
    if (d.kind === DatagramKind.PROBE && d.token) {
      this.address = from; // a valid probe from a new port moves the path (connection migration)
      this.socket.send(this.keys.seal(encodeProbe(DatagramKind.PROBE_ACK, d.token)), from);
    }
  }
}

/** The UDP socket beside a TCP listener, shared by all sessions of that listener. */
export class ServerDatagrams {
  private readonly peers = new Map<string, DatagramPeer>();
  /** Datagrams dropped: unknown connection id or failed authentication. */
  dropped = 0;

  private constructor(private socket: UdpSocket) {}

  /**
   * Binds UDP on host:port. When that fails the error is returned instead of thrown: the listener
   * still serves TCP and DATAGRAM methods fall back to it.
   */
  static async bind(host: string, port: number): Promise<ServerDatagrams | Error> {
    let self: ServerDatagrams | undefined;
    try {
      const socket = await UdpSocket.bind(host, port, (msg, from) => self?.onMessage(msg, from));
      self = new ServerDatagrams(socket);
      return self;
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  }

  /** Registers a session's datagram keys. */
  register(keys: DatagramKeys): DatagramPeer {
    const peer = new DatagramPeer(keys, this.socket);
    this.peers.set(key(keys.connId), peer);
    return peer;
  }

  /** Forgets a session. */
  unregister(keys: DatagramKeys): void {
    this.peers.delete(key(keys.connId));
  }

  private onMessage(msg: Uint8Array, from: UdpPeer): void {
    const peer = msg.length > CONN_ID_SIZE ? this.peers.get(key(msg.subarray(0, CONN_ID_SIZE))) : undefined;
    const pt = peer?.keys.open(msg);
    if (!peer || !pt) {
      this.dropped++;
      return;
    }
    peer.receive(pt, from);
  }

  /** Closes the socket. */
  close(): void {
    this.socket.close();
  }
}
