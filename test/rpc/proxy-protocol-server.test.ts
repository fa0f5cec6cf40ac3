// A server behind trusted L4 proxies: PROXY v2 headers give handlers and per-source limits the real client; everything else is refused or never parsed.
import { expect } from "chai";
import type * as net from "node:net";
import { TestServiceDefinition } from "../../generated/grpc/testing/test_xtmp.js";
import { createTestService } from "../../services/test-service.js";
import { main } from "../../cli/main.js";
import { Code, createChannel, createClient, createServer, generateIdentity, parsePublicKey, type ServerInterceptor, type ServerOptions } from "../../src/index.js";
import { ProxiedDuplex, ProxyProtocol, peerAddressOf } from "../../src/server/proxy-accept.js";
import { ProxyHeaderError, PROXY_V2_SIGNATURE } from "../../src/transport/proxy-protocol.js";
import { TcpDuplex } from "../../src/transport/tcp.js";
import type { ByteReceiver } from "../../src/wire/duplex.js";
import { failure, until, within } from "../helpers/calls.js";
import { connectFromRelaySource, fakeClient, realClient, RELAY_SOURCE, startRelay, type HeaderFor } from "../helpers/proxy-relay.js";

const identity = generateIdentity();

// handlers' ctx.peerAddress, echoed in a response header
const echoPeer: ServerInterceptor = (next) => (req) => {
  req.ctx.responseHeaders.set("x-peer-address", req.ctx.peerAddress ?? "(undefined)");
  return next(req);
};

async function startServer(opts: Partial<ServerOptions> = {}, address = "xtmp://127.0.0.1:0") {
  const server = createServer({ identity, datagram: false, interceptors: [echoPeer], ...opts });
  server.add(TestServiceDefinition, createTestService());
  const { port } = await server.listen(address);
  return { server, port };
}

/** Makes one call to `address`; resolves with the peer address the handler saw. */
async function peerSeen(address: string): Promise<string> {
  let seen: string | undefined;
  const channel = createChannel(address, {
    serverKey: identity.publicKey,
    datagram: false,
    interceptors: [
      (next) => (req) => {
        const res = next(req);
        void res.header.then((h) => (seen = String(h.get("x-peer-address"))), () => undefined);
        return res;
      },
    ],
  });
  try {
    await within(createClient(TestServiceDefinition, channel).unaryCall({}), "call");
    return seen as string;
  } finally {
    channel.close();
  }
}

async function callThroughRelay(port: number, header: HeaderFor, options: { coalesce?: boolean } = {}): Promise<string> {
  const relay = await startRelay(port, header, options);
  try {
    return await peerSeen(`xtmp://127.0.0.1:${relay.port}`);
  } finally {
    await relay.close();
  }
}

/** A TcpDuplex look-alike (no socket) with the given address and methods. */
function fakeTcp(remoteAddress: string, methods: Record<string, unknown> = {}): TcpDuplex {
  const d = Object.create(TcpDuplex.prototype) as TcpDuplex;
  Object.defineProperty(d, "remoteAddress", { value: remoteAddress });
  return Object.assign(d, methods);
}

function closed(s: net.Socket): Promise<void> {
  return new Promise((resolve) => (s.destroyed ? resolve() : s.once("close", () => resolve())));
}

describe("PROXY protocol v2 from trusted proxies", function () {
  this.timeout(30_000);

  it("shows handlers the client named by the header (IPv4 and IPv6), and counts it", async () => {
    const { server, port } = await startServer({ trustedProxies: [RELAY_SOURCE] });
    try {
      expect(await callThroughRelay(port, fakeClient(Uint8Array.of(203, 0, 113, 9), 4711))).to.equal("203.0.113.9:4711");
      const v6 = Uint8Array.from(Buffer.from("20010db8000000000000000000000009", "hex"));
      expect(await callThroughRelay(port, fakeClient(v6, 4712))).to.equal("[2001:db8::9]:4712");
      const relay = await startRelay(port, realClient);
      try {
        const seen = await peerSeen(`xtmp://127.0.0.1:${relay.port}`);
        expect(seen).to.equal(`127.0.0.1:${relay.clientPorts[0]}`); // the client's own socket, not the relay's
      } finally {
        await relay.close();
      }
      expect(server.stats.proxyProtocol).to.deep.equal({ accepted: 3, rejected: {} });
    } finally {
      server.forceShutdown();
    }
  });

  it("serves the XTMP bytes that arrive in the same segment as the header", async () => {
    const { server, port } = await startServer({ trustedProxies: ["127.0.0.0/24"] });
    try {
      expect(await callThroughRelay(port, fakeClient(Uint8Array.of(198, 51, 100, 7), 80), { coalesce: true })).to.equal("198.51.100.7:80");
      expect(server.stats.proxyProtocol.accepted).to.equal(1);
    } finally {
      server.forceShutdown();
    }
  });

  it("reads a header split into single bytes and passes the bytes after it on untouched, in order", async () => {
    const received: Uint8Array[] = [];
    let inner: ByteReceiver | undefined;
    const stub = fakeTcp("127.0.0.2:999", {
      setReceiver: (r: ByteReceiver) => (inner = r),
      pauseReading: () => undefined,
      resumeReading: () => undefined,
      destroy: () => undefined,
    });
    let result: ProxiedDuplex | ProxyHeaderError | undefined;
    new ProxiedDuplex(stub, 10_000, 1024, (r) => (result = r));
    const header = fakeClient(Uint8Array.of(192, 0, 2, 55), 5555)(undefined as unknown as net.Socket) as Uint8Array;
    const after = Uint8Array.from([1, 2, 3, 4, 5, 6]);
    const bytes = Buffer.concat([header, after]);
    for (let i = 0; i < header.length + 2; i++) inner?.onData(bytes.subarray(i, i + 1)); // header + 2 bytes, one at a time
    expect(result).to.be.instanceOf(ProxiedDuplex);
    const proxied = result as ProxiedDuplex;
    expect(proxied.remoteAddress).to.equal("192.0.2.55:5555");
    proxied.setReceiver({ onData: (c) => received.push(c.slice()), onEnd: () => undefined });
    await until(() => received.length > 0, 1000);
    inner?.onData(bytes.subarray(header.length + 2));
    expect(Buffer.concat(received)).to.deep.equal(Buffer.from(after));
  });

  it("closes a trusted proxy's connection that starts without a header (not_proxy), or with PROXY v1 (v1)", async () => {
    const { server, port } = await startServer({ trustedProxies: [RELAY_SOURCE] });
    try {
      const plain = await startRelay(port, () => undefined);
      const err = await failure(createClient(TestServiceDefinition, createChannel(`xtmp://127.0.0.1:${plain.port}`, { serverKey: identity.publicKey, datagram: false })).unaryCall({}, { deadline: 10_000 }));
      expect(err.code).to.equal(Code.UNAVAILABLE);
      await plain.close();
      const v1 = await startRelay(port, () => Buffer.from("PROXY TCP4 192.0.2.1 127.0.0.1 5000 80\r\n"));
      await failure(createClient(TestServiceDefinition, createChannel(`xtmp://127.0.0.1:${v1.port}`, { serverKey: identity.publicKey, datagram: false })).unaryCall({}, { deadline: 10_000 }));
      await v1.close();
      expect(await until(() => server.stats.proxyProtocol.rejected.v1 === 1)).to.equal(true);
      expect(server.stats.proxyProtocol).to.deep.equal({ accepted: 0, rejected: { not_proxy: 1, v1: 1 } });
      expect(server.stats.handshakeFailures, "no handshake was attempted").to.deep.equal({});
    } finally {
      server.forceShutdown();
    }
  });

  it("closes a trusted connection whose header does not complete within proxyHeaderTimeoutMs, or exceeds maxProxyHeaderBytes", async () => {
    const { server, port } = await startServer({ trustedProxies: [RELAY_SOURCE], proxyHeaderTimeoutMs: 200, maxProxyHeaderBytes: 64 });
    try {
      const slow = await connectFromRelaySource(port);
      slow.on("error", () => undefined);
      slow.write(PROXY_V2_SIGNATURE.subarray(0, 8)); // a plausible start, then nothing
      await within(closed(slow), "close of a connection that never finishes its header");
      const long = await connectFromRelaySource(port);
      long.on("error", () => undefined);
      long.write(Uint8Array.of(...PROXY_V2_SIGNATURE, 0x21, 0x11, 0x00, 65)); // 65 bytes of addresses and TLVs to follow
      await within(closed(long), "close of a connection with a long header");
      expect(server.stats.proxyProtocol.rejected).to.deep.equal({ timeout: 1, too_long: 1 });
      expect(server.stats.connections).to.equal(0);
    } finally {
      server.forceShutdown();
    }
  });

  it("never parses a header from an untrusted source: it is XTMP (a bad preamble), so a client cannot spoof its address", async () => {
    for (const trustedProxies of [undefined, ["10.0.0.0/8", "::1"]]) {
      const { server, port } = await startServer(trustedProxies ? { trustedProxies } : {});
      try {
        const relay = await startRelay(port, fakeClient(Uint8Array.of(10, 1, 2, 3), 1));
        await failure(createClient(TestServiceDefinition, createChannel(`xtmp://127.0.0.1:${relay.port}`, { serverKey: identity.publicKey, datagram: false })).unaryCall({}, { deadline: 10_000 }));
        await relay.close();
        expect(await until(() => server.stats.failedHandshakes === 1)).to.equal(true);
        expect(server.stats.handshakeFailures).to.deep.equal({ bad_preamble: 1 });
        expect(server.stats.proxyProtocol).to.deep.equal({ accepted: 0, rejected: {} });
      } finally {
        server.forceShutdown();
      }
    }
  });

  it("per-source handshake limits apply to the client the header names, not to the proxy", async () => {
    const { server, port } = await startServer({ trustedProxies: [RELAY_SOURCE], handshakesPerSecondPerSource: 0.001, handshakeBurstPerSource: 1 });
    try {
      const a = fakeClient(Uint8Array.of(198, 51, 100, 1), 1000);
      expect(await callThroughRelay(port, a)).to.equal("198.51.100.1:1000");
      const relay = await startRelay(port, a);
      const err = await failure(createClient(TestServiceDefinition, createChannel(`xtmp://127.0.0.1:${relay.port}`, { serverKey: identity.publicKey, datagram: false })).unaryCall({}, { deadline: 10_000 }));
      await relay.close();
      expect(err.code).to.equal(Code.UNAVAILABLE);
      expect(server.stats.handshakeFailures.rate_limited).to.equal(1);
      expect(await callThroughRelay(port, fakeClient(Uint8Array.of(198, 51, 100, 2), 1000)), "another client behind the same proxy").to.equal("198.51.100.2:1000");
    } finally {
      server.forceShutdown();
    }
  });

  it("shows handlers the socket's address on direct TCP (IPv4, IPv6) and WebSocket connections", async () => {
    const { server, port } = await startServer();
    try {
      const ws = await server.listen("ws://127.0.0.1:0/xtmp");
      expect(await peerSeen(`xtmp://127.0.0.1:${port}`)).to.match(/^127\.0\.0\.1:\d+$/).and.not.equal(`127.0.0.1:${port}`);
      expect(await peerSeen(`ws://127.0.0.1:${ws.port}/xtmp`)).to.match(/^127\.0\.0\.1:\d+$/).and.not.equal(`127.0.0.1:${ws.port}`);
    } finally {
      server.forceShutdown();
    }
    const v6 = await startServer({}, "xtmp://[::1]:0").catch(() => undefined); // hosts without IPv6 loopback skip this part
    if (v6) {
      try {
        expect(await peerSeen(`xtmp://[::1]:${v6.port}`)).to.match(/^\[::1\]:\d+$/);
      } finally {
        v6.server.forceShutdown();
      }
    }
  });

  it("validates trustedProxies and matches IPv4 entries against IPv4-mapped IPv6 sockets", () => {
    for (const bad of ["10.0.0.0/33", "::1/129", "example.com", "10.0.0.1/8/8", "10.0.0.0/"]) {
      expect(() => createServer({ identity, trustedProxies: [bad] }), bad).to.throw(RangeError, /trustedProxies/);
    }
    const p = new ProxyProtocol({ trustedProxies: ["10.0.0.0/8", "2001:db8::/32"] });
    const at = (remoteAddress: string) => fakeTcp(remoteAddress);
    expect(p.expectsHeader(at("10.9.8.7:1"))).to.equal(true);
    expect(p.expectsHeader(at("::ffff:10.9.8.7:1"))).to.equal(true);
    expect(p.expectsHeader(at("2001:db8:1::5:443"))).to.equal(true);
    expect(p.expectsHeader(at("11.0.0.1:1"))).to.equal(false);
    expect(p.expectsHeader(at("2001:db9::1:443"))).to.equal(false);
    expect(p.expectsHeader(at("undefined:undefined"))).to.equal(false);
    expect(new ProxyProtocol({}).expectsHeader(at("10.9.8.7:1"))).to.equal(false);
    expect(peerAddressOf(at("::1:5000"))).to.equal("[::1]:5000");
    expect(peerAddressOf(at("undefined:undefined"))).to.equal(undefined);
  });

  it("xtmp serve --trusted-proxies wires the option (documented in --help)", async () => {
    const help: string[] = [];
    await main(["--help"], { out: (s) => help.push(s), err: () => undefined });
    expect(help.join("\n")).to.match(/--trusted-proxies CIDR\[,CIDR\.\.\.\]/);
    const errs: string[] = [];
    expect(await main(["serve", "--listen", "127.0.0.1:0", "--trusted-proxies", "10.0.0.0/40"], { out: () => undefined, err: (s) => errs.push(s) }, Promise.resolve())).to.equal(1);
    expect(errs.join("\n")).to.match(/trustedProxies/);
    for (const flag of [["--trusted-proxies", `10.0.0.0/8, ${RELAY_SOURCE}`], []]) {
      const out: string[] = [];
      let stop!: () => void;
      const done = main(["serve", "--listen", "127.0.0.1:0", ...flag], { out: (s) => out.push(s), err: () => undefined }, new Promise<void>((r) => (stop = r)));
      try {
        expect(await until(() => out.some((l) => l.startsWith("server key")), 10_000)).to.equal(true);
        const port = Number(/:(\d+)/.exec(out[0] ?? "")?.[1]);
        const key = parsePublicKey(out[1]?.split(" ")[2] ?? "");
        const relay = await startRelay(port, fakeClient(Uint8Array.of(192, 0, 2, 1), 1));
        const channel = createChannel(`xtmp://127.0.0.1:${relay.port}`, { serverKey: key, datagram: false });
        try {
          const call = createClient(TestServiceDefinition, channel).unaryCall({ fillServerId: true }, { deadline: 10_000 });
          if (flag.length > 0) expect((await call).serverId, "served through the relay").to.match(/:\d+$/);
          else await failure(call); // without the flag the header is a bad XTMP preamble
        } finally {
          channel.close();
          await relay.close();
        }
      } finally {
        stop();
        expect(await done).to.equal(0);
      }
    }
  });
});
