// A loopback TCP relay that plays an L4 proxy: connects to the backend from 127.0.0.2 and prepends a (chosen) PROXY header.
import * as net from "node:net";
import { encodeProxyHeader } from "../../src/transport/proxy-protocol.js";

/** The address the relay connects to backends from (trust it in servers under test). */
export const RELAY_SOURCE = "127.0.0.2";

/** What the relay sends before the client's bytes, given the client's socket (undefined: nothing). */
export type HeaderFor = (client: net.Socket) => Uint8Array | undefined;

/** Header naming the client's real address (as HAProxy's send-proxy-v2 does). */
export const realClient: HeaderFor = (client) =>
  encodeProxyHeader({
    command: "proxy",
    source: { ip: ipv4(client.remoteAddress ?? ""), port: client.remotePort ?? 0 },
    destination: { ip: ipv4(client.localAddress ?? ""), port: client.localPort ?? 0 },
  });

/** Header naming a made-up client `ip:port` (IPv4 or IPv6 as 16 bytes). */
export function fakeClient(ip: Uint8Array, port: number): HeaderFor {
  const dst = ip.length === 16 ? new Uint8Array(16) : Uint8Array.of(127, 0, 0, 1);
  return () => encodeProxyHeader({ command: "proxy", source: { ip, port }, destination: { ip: dst, port: 1 } });
}

/** Dotted IPv4 text (also `::ffff:`-mapped) as 4 bytes. */
export function ipv4(text: string): Uint8Array {
  return Uint8Array.from(text.replace(/^::ffff:/i, "").split(".").map(Number));
}

export interface Relay {
  readonly port: number;
  /** Ports of the clients accepted so far (their side of the connection). */
  readonly clientPorts: number[];
  close(): Promise<void>;
}

/**
 * Listens on 127.0.0.1:0 and relays every connection to `backendPort`, from RELAY_SOURCE. With
 * `coalesce`, the header and the client's first bytes go out in one write (one segment).
 */
export async function startRelay(backendPort: number, header: HeaderFor, options: { coalesce?: boolean } = {}): Promise<Relay> {
  const sockets = new Set<net.Socket>();
  const clientPorts: number[] = [];
  const server = net.createServer((client) => {
    clientPorts.push(client.remotePort ?? 0);
    client.pause();
    const backend = net.connect({ host: "127.0.0.1", port: backendPort, localAddress: RELAY_SOURCE });
    for (const s of [client, backend]) {
      sockets.add(s);
      s.on("error", () => undefined); // the other side's close ends both
      s.on("close", () => {
        sockets.delete(s);
        client.destroy();
        backend.destroy();
      });
    }
    backend.once("connect", () => {
      const h = header(client);
      if (options.coalesce && h) {
        client.once("data", (first: Buffer) => {
          backend.write(Buffer.concat([h, first]));
          client.pipe(backend);
        });
      } else {
        if (h) backend.write(h);
        client.pipe(backend);
      }
      backend.pipe(client);
      client.resume();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    clientPorts,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Opens a raw TCP connection from RELAY_SOURCE (a trusted proxy) to `port`. */
export function connectFromRelaySource(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: "127.0.0.1", port, localAddress: RELAY_SOURCE });
    s.once("connect", () => resolve(s));
    s.once("error", reject);
  });
}
