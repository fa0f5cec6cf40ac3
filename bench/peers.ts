// Benchmark peers: one server and one client adapter per stack (XTMP-RPC, grpc-js, Connect), same service.
import * as grpc from "@grpc/grpc-js";
import { createClient as createConnectClient, type Client as ConnectClient } from "@connectrpc/connect";
import { connectNodeAdapter, createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import * as http2 from "node:http2";
import {
  PingPongRequest,
  PingPongResponse,
  ServerStreamRequest,
  ServerStreamResponse,
  UnaryRequest,
  UnaryResponse,
} from "./gen/bench/v1/bench.js";
import { BenchServiceDefinition, type BenchServiceImplementation } from "./gen/bench/v1/bench_xtmp.js";
import { BenchService as BenchServiceEs } from "./gen/es/bench/v1/bench_pb.js";
import { batch, createChannel, createClient, createServer, generateIdentity, parsePublicKey, TicketCache, type Channel, type CipherName } from "../src/index.js";
import { createPrometheusMeterProvider } from "../src/prometheus/index.js";
import { MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import type { MeterProvider as ApiMeterProvider } from "@opentelemetry/api";

/**
 * The benchmark measures capacity from one client host, so the per-source admission limits, the
 * connection cap and handshake cookies (which a hostile client would meet) are lifted; grpc-js and
 * Connect have no such limits either.
 */
export const CAPACITY = {
  maxConnections: 50_000,
  maxHandshakesInFlightPerSource: 64,
  handshakesPerSecondPerSource: 1e9,
  handshakeBurstPerSource: 1e9,
  handshakeCookies: "never",
} as const;

/** The operations every scenario uses, implemented once per stack. */
export interface PeerClient {
  /** One unary call with a payload; resolves with the response payload size. */
  unary(payload: Uint8Array, responseSize: number): Promise<number>;
  /** Reads a server stream until `shouldStop()`; resolves with the count of messages received (`batch`: the XTMP batch size asked of the server). */
  serverStream(size: number, shouldStop: () => boolean, batch?: number): Promise<number>;
  /** Opens a bidi stream; `ping()` resolves after one round trip. */
  pingPong(): { ping(payload: Uint8Array): Promise<void>; close(): void };
  /** Closes connections. */
  close(): void;
}

/** Server addresses, as printed by the server process. */
export interface Addresses {
  xtmp: string;
  xtmpKey: string;
  xtmpInsecure: string;
  /** XTMP AES-GCM with metrics recorded into prom-client (`xtmp-rpc/prometheus`), on both ends. */
  xtmpPrometheus: string;
  /** XTMP AES-GCM with metrics recorded by the OpenTelemetry SDK, on both ends. */
  xtmpOtel: string;
  grpc: string;
  grpcTls: string;
  grpcCert: string;
  connect: string;
}

/** The peers in the order they are reported. */
export const PEERS = ["xtmp-aesgcm", "xtmp-chachapoly", "xtmp-insecure", "grpc-js", "grpc-js-tls", "connect-h2c"] as const;
/** XTMP AES-GCM with metrics off (the plain peer) and on, through each kind of meter provider. */
export const METRICS_PEERS = ["xtmp-aesgcm", "xtmp-metrics-prometheus", "xtmp-metrics-otel"] as const;
/** The batched server stream: XTMP peers whose handler yields `batch()`es, and grpc-js TLS (streaming as usual) as the base. */
export const BATCH_PEERS = ["xtmp-aesgcm", "xtmp-insecure", "grpc-js-tls"] as const;
/** New connections that resume with a session ticket (one identity and ticket cache for every connection), and the base. */
export const RESUME_PEERS = ["xtmp-aesgcm-resume", "grpc-js-tls"] as const;
/** A peer name. */
export type PeerName = (typeof PEERS)[number] | (typeof METRICS_PEERS)[number] | (typeof RESUME_PEERS)[number];

// the resuming peer: a returning client (same identity) holding tickets from earlier connections
const resumeIdentity = generateIdentity();
const resumeCache = new TicketCache();

/** A metric reader nobody collects from: the SDK still aggregates every measurement, which is the cost measured. */
class IdleReader extends MetricReader {
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

/** A meter provider of the kind a metrics peer uses. */
function meterProviderFor(kind: "prometheus" | "otel"): ApiMeterProvider {
  return kind === "prometheus" ? createPrometheusMeterProvider() : new MeterProvider({ readers: [new IdleReader()] });
}

/** The bench service's handlers (XTMP side): unary answers `responseSize` zero bytes. */
export const impl: BenchServiceImplementation = {
  unary: (req) => ({ payload: new Uint8Array(req.responseSize) }),
  async *serverStream(req, ctx) {
    const msg = { payload: new Uint8Array(req.size) };
    if (req.batch > 1) {
      const group = batch(Array.from({ length: req.batch }, () => msg));
      for (let i = 0; i < req.count && !ctx.signal.aborted; i += req.batch) yield group;
      return;
    }
    for (let i = 0; i < req.count && !ctx.signal.aborted; i++) yield msg;
  },
  async *pingPong(reqs) {
    for await (const r of reqs) yield { payload: r.payload };
  },
};

const grpcDef: grpc.ServiceDefinition = {
  unary: {
    path: "/bench.v1.BenchService/Unary",
    requestStream: false,
    responseStream: false,
    requestSerialize: (m: UnaryRequest) => Buffer.from(UnaryRequest.encode(m).finish()),
    requestDeserialize: (b: Buffer) => UnaryRequest.decode(b),
    responseSerialize: (m: UnaryResponse) => Buffer.from(UnaryResponse.encode(m).finish()),
    responseDeserialize: (b: Buffer) => UnaryResponse.decode(b),
  },
  serverStream: {
    path: "/bench.v1.BenchService/ServerStream",
    requestStream: false,
    responseStream: true,
    requestSerialize: (m: ServerStreamRequest) => Buffer.from(ServerStreamRequest.encode(m).finish()),
    requestDeserialize: (b: Buffer) => ServerStreamRequest.decode(b),
    responseSerialize: (m: ServerStreamResponse) => Buffer.from(ServerStreamResponse.encode(m).finish()),
    responseDeserialize: (b: Buffer) => ServerStreamResponse.decode(b),
  },
  pingPong: {
    path: "/bench.v1.BenchService/PingPong",
    requestStream: true,
    responseStream: true,
    requestSerialize: (m: PingPongRequest) => Buffer.from(PingPongRequest.encode(m).finish()),
    requestDeserialize: (b: Buffer) => PingPongRequest.decode(b),
    responseSerialize: (m: PingPongResponse) => Buffer.from(PingPongResponse.encode(m).finish()),
    responseDeserialize: (b: Buffer) => PingPongResponse.decode(b),
  },
};

/** Starts every server in this process; returns their addresses. */
export async function startServers(): Promise<Addresses> {
  const identity = generateIdentity();
  const xtmp = createServer({ identity, maxConcurrentStreams: 10_000, keepaliveMs: 0, ...CAPACITY });
  xtmp.add(BenchServiceDefinition, impl);
  const insecure = createServer({ insecure: true, maxConcurrentStreams: 10_000, keepaliveMs: 0, ...CAPACITY });
  insecure.add(BenchServiceDefinition, impl);
  const xa = await xtmp.listen("127.0.0.1:0");
  const xi = await insecure.listen("127.0.0.1:0");
  const metered = async (kind: "prometheus" | "otel") => {
    const s = createServer({ identity, maxConcurrentStreams: 10_000, keepaliveMs: 0, ...CAPACITY, meterProvider: meterProviderFor(kind) });
    s.add(BenchServiceDefinition, impl);
    return `127.0.0.1:${(await s.listen("127.0.0.1:0")).port}`;
  };
  const xtmpPrometheus = await metered("prometheus");
  const xtmpOtel = await metered("otel");

  const grpcImpl: grpc.UntypedServiceImplementation = {
    unary: (call: grpc.ServerUnaryCall<UnaryRequest, UnaryResponse>, cb: grpc.sendUnaryData<UnaryResponse>) => cb(null, { payload: new Uint8Array(call.request.responseSize) }),
    serverStream: (call: grpc.ServerWritableStream<ServerStreamRequest, ServerStreamResponse>) => {
      const msg = { payload: new Uint8Array(call.request.size) };
      let i = 0;
      let cancelled = false;
      call.on("cancelled", () => (cancelled = true));
      const pump = () => {
        while (i < call.request.count && !cancelled) {
          i++;
          if (!call.write(msg)) return void call.once("drain", pump);
        }
        call.end();
      };
      pump();
    },
    pingPong: (call: grpc.ServerDuplexStream<PingPongRequest, PingPongResponse>) => {
      call.on("data", (r: PingPongRequest) => call.write({ payload: r.payload }));
      call.on("end", () => call.end());
    },
  };
  const selfsigned = await import("selfsigned");
  const pems = await selfsigned.generate([{ name: "commonName", value: "localhost" }], { keyType: "ec" });
  const bind = (creds: grpc.ServerCredentials) =>
    new Promise<number>((resolve, reject) => {
      const s = new grpc.Server({ "grpc.max_receive_message_length": 8 << 20, "grpc.max_concurrent_streams": 10_000 });
      s.addService(grpcDef, grpcImpl);
      s.bindAsync("127.0.0.1:0", creds, (err, port) => (err ? reject(err) : resolve(port)));
    });
  const gp = await bind(grpc.ServerCredentials.createInsecure());
  const gtp = await bind(grpc.ServerCredentials.createSsl(null, [{ private_key: Buffer.from(pems.private), cert_chain: Buffer.from(pems.cert) }], false));

  const h2 = http2.createServer(
    connectNodeAdapter({
      grpc: true,
      grpcWeb: false,
      connect: false,
      routes: (router) =>
        router.service(BenchServiceEs, {
          unary: (req) => ({ payload: new Uint8Array(req.responseSize) }),
          async *serverStream(req, ctx) {
            const payload = new Uint8Array(req.size);
            for (let i = 0; i < req.count && !ctx.signal.aborted; i++) yield { payload };
          },
          async *pingPong(reqs) {
            for await (const r of reqs) yield { payload: r.payload };
          },
        }),
    }),
  );
  const cp = await new Promise<number>((resolve) => h2.listen(0, "127.0.0.1", () => resolve((h2.address() as { port: number }).port)));
  return {
    xtmp: `127.0.0.1:${xa.port}`,
    xtmpKey: Buffer.from(identity.publicKey).toString("hex"),
    xtmpInsecure: `127.0.0.1:${xi.port}`,
    xtmpPrometheus,
    xtmpOtel,
    grpc: `127.0.0.1:${gp}`,
    grpcTls: `127.0.0.1:${gtp}`,
    grpcCert: pems.cert,
    connect: `http://127.0.0.1:${cp}`,
  };
}

function xtmpClient(channel: Channel): PeerClient {
  const c = createClient(BenchServiceDefinition, channel);
  return {
    unary: async (payload, responseSize) => (await c.unary({ payload, responseSize })).payload.length,
    async serverStream(size, shouldStop, batch = 0) {
      let n = 0;
      // every message is decoded and its payload read, batched or not
      for await (const m of c.serverStream({ count: 2_000_000_000, size, batch })) if (m.payload.length === size && ++n % 256 === 0 && shouldStop()) break;
      return n;
    },
    pingPong() {
      return pushPull((input) => c.pingPong(input));
    },
    close: () => channel.close(),
  };
}

/** A bidi call driven one message at a time: each ping() pushes a request and awaits its response. */
function pushPull(open: (input: AsyncIterable<{ payload: Uint8Array }>) => AsyncIterable<unknown>): ReturnType<PeerClient["pingPong"]> {
  let wake: ((v: { payload: Uint8Array } | null) => void) | undefined;
  const input = {
    async *[Symbol.asyncIterator]() {
      for (;;) {
        const v = await new Promise<{ payload: Uint8Array } | null>((r) => (wake = r));
        if (v === null) return;
        yield v;
      }
    },
  };
  const it = open(input)[Symbol.asyncIterator]();
  return {
    async ping(payload) {
      // the input generator may not be waiting yet on the first ping
      while (!wake) await Promise.resolve();
      const w = wake;
      wake = undefined;
      w({ payload });
      await it.next();
    },
    close: () => wake?.(null),
  };
}

/** Connects a client of `peer` (a fresh connection, so handshake cost lands here). */
export async function connectPeer(peer: PeerName, a: Addresses): Promise<PeerClient> {
  switch (peer) {
    case "xtmp-aesgcm":
    case "xtmp-chachapoly": {
      const cipher: CipherName = peer === "xtmp-aesgcm" ? "AESGCM" : "ChaChaPoly";
      const ch = createChannel(`xtmp://${a.xtmp}`, { serverKey: parsePublicKey(a.xtmpKey), cipher, keepaliveMs: 0, compression: false, maxRecvMessage: 8 << 20 });
      await ch.connect();
      return xtmpClient(ch);
    }
    case "xtmp-aesgcm-resume": {
      const ch = createChannel(`xtmp://${a.xtmp}`, { serverKey: parsePublicKey(a.xtmpKey), identity: resumeIdentity, ticketCache: resumeCache, keepaliveMs: 0, compression: false, maxRecvMessage: 8 << 20 });
      await ch.connect();
      return xtmpClient(ch);
    }
    case "xtmp-metrics-prometheus":
    case "xtmp-metrics-otel": {
      const kind = peer === "xtmp-metrics-otel" ? "otel" : "prometheus";
      const ch = createChannel(`xtmp://${kind === "otel" ? a.xtmpOtel : a.xtmpPrometheus}`, {
        serverKey: parsePublicKey(a.xtmpKey),
        keepaliveMs: 0,
        compression: false,
        maxRecvMessage: 8 << 20,
        meterProvider: meterProviderFor(kind),
      });
      await ch.connect();
      return xtmpClient(ch);
    }
    case "xtmp-insecure": {
      const ch = createChannel(`xtmp://${a.xtmpInsecure}`, { insecure: true, keepaliveMs: 0, compression: false, maxRecvMessage: 8 << 20 });
      await ch.connect();
      return xtmpClient(ch);
    }
    case "grpc-js":
    case "grpc-js-tls": {
      const Ctor = grpc.makeGenericClientConstructor(grpcDef, "BenchService");
      const tls = peer === "grpc-js-tls";
      const creds = tls ? grpc.credentials.createSsl(Buffer.from(a.grpcCert)) : grpc.credentials.createInsecure();
      const client = new Ctor(tls ? a.grpcTls : a.grpc, creds, { "grpc.max_receive_message_length": 8 << 20, "grpc.ssl_target_name_override": "localhost", "grpc.use_local_subchannel_pool": 1 }) as grpc.Client & Record<string, Function>;
      await new Promise<void>((res, rej) => client.waitForReady(Date.now() + 5000, (e?: Error) => (e ? rej(e) : res())));
      return {
        unary: (payload, responseSize) =>
          new Promise((res, rej) => client.unary({ payload, responseSize }, (e: Error | null, r: UnaryResponse) => (e ? rej(e) : res(r.payload.length)))),
        serverStream: (size, shouldStop) =>
          new Promise((res) => {
            const call = client.serverStream({ count: 2_000_000_000, size, batch: 0 }) as grpc.ClientReadableStream<ServerStreamResponse>;
            let n = 0;
            call.on("data", () => {
              if (++n % 256 === 0 && shouldStop()) call.cancel();
            });
            call.on("error", () => res(n));
            call.on("end", () => res(n));
          }),
        pingPong() {
          const call = client.pingPong() as grpc.ClientDuplexStream<PingPongRequest, PingPongResponse>;
          let waiter: (() => void) | undefined;
          call.on("data", () => waiter?.());
          call.on("error", () => undefined);
          return {
            ping: (payload) => new Promise<void>((r) => ((waiter = r), call.write({ payload }))),
            close: () => call.end(),
          };
        },
        close: () => client.close(),
      };
    }
    case "connect-h2c": {
      const sessionManager = new Http2SessionManager(a.connect);
      const transport = createGrpcTransport({ baseUrl: a.connect, sessionManager, readMaxBytes: 8 << 20 });
      const c: ConnectClient<typeof BenchServiceEs> = createConnectClient(BenchServiceEs, transport);
      await c.unary({ responseSize: 0 });
      return {
        unary: async (payload, responseSize) => (await c.unary({ payload, responseSize })).payload.length,
        async serverStream(size, shouldStop) {
          const ac = new AbortController();
          let n = 0;
          try {
            for await (const _ of c.serverStream({ count: 2_000_000_000, size }, { signal: ac.signal })) {
              if (++n % 256 === 0 && shouldStop()) ac.abort();
            }
          } catch {
            // aborting ends the stream with an error; the count is what matters
          }
          return n;
        },
        pingPong: () => pushPull((input) => c.pingPong(input)),
        close: () => sessionManager.abort(),
      };
    }
  }
}
