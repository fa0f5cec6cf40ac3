// Test helper: a loopback UDP relay between one client and a server port, with hooks to tamper in each direction.
import * as dgram from "node:dgram";

/** What a relay does with each datagram (default: forward it). */
export interface RelayHooks {
  /** Client → server: return false to withhold the datagram. */
  toServer?(msg: Buffer): boolean;
  /** Server → client: call `send` for each datagram to deliver (none = drop). */
  toClient?(msg: Buffer, send: (m: Buffer) => void): void;
}

/** A running relay: clients send to `port`; `rebind()` changes its upstream source port (a NAT rebinding). */
export interface UdpRelay {
  readonly port: number;
  rebind(): Promise<void>;
  close(): void;
}

/** Starts a relay on 127.0.0.1 in front of `serverPort`. */
export async function udpRelay(serverPort: number, hooks: RelayHooks = {}): Promise<UdpRelay> {
  const front = dgram.createSocket("udp4");
  let back = dgram.createSocket("udp4");
  let client: { address: string; port: number } | undefined;
  const send = (m: Buffer) => client && front.send(m, client.port, client.address);
  const wire = (s: dgram.Socket) =>
    s.on("message", (m) => {
      if (!client) return;
      if (hooks.toClient) hooks.toClient(m, send);
      else send(m);
    });
  wire(back);
  front.on("message", (m, rinfo) => {
    client = { address: rinfo.address, port: rinfo.port };
    if (hooks.toServer?.(m) === false) return;
    back.send(m, serverPort, "127.0.0.1");
  });
  await new Promise<void>((r) => front.bind(0, "127.0.0.1", r));
  return {
    port: front.address().port,
    async rebind() {
      back.close();
      back = dgram.createSocket("udp4");
      wire(back);
      await new Promise<void>((r) => back.bind(0, "127.0.0.1", r));
    },
    close() {
      front.close();
      back.close();
    },
  };
}
