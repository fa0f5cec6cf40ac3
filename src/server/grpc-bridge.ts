// The gRPC bridge: serves a server's routes over standard gRPC on HTTP/2 (grpc:// h2c, grpcs:// TLS) with grpc-js.
import * as grpc from "@grpc/grpc-js";
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";
import type { MethodKind } from "../rpc/descriptor.js";
import { parseAddress } from "../transport/address.js";
import { BridgedCall, type BridgeHost, type GrpcBridgeStats, type GrpcSurfaceCall } from "./grpc-call.js";

export { SIGNED_OVER_GRPC, type BridgeHost, type BridgeRoute, type GrpcBridgeStats } from "./grpc-call.js";

/** Server options of the gRPC bridge (`listen("grpc://…")` / `listen("grpcs://…")`). */
export interface GrpcBridgeOptions {
  /** Certificate chain and private key (PEM) for `grpcs://` listeners; required there, unused by `grpc://`. */
  grpcTls?: { cert: string | Buffer; key: string | Buffer };
}

/** The limits the bridge takes from the server's options (same names, same defaults). */
interface BridgeLimits extends GrpcBridgeOptions {
  maxRecvMessage?: number;
  maxConcurrentStreams?: number;
  keepaliveMs?: number;
  idleTimeoutMs?: number;
  maxConnectionAgeMs?: number;
  maxConnectionAgeGraceMs?: number;
}

const GRPC_KIND: Record<MethodKind, string> = { unary: "unary", server_streaming: "serverStream", client_streaming: "clientStream", bidi_streaming: "bidi" };
const identity = (b: Buffer): Buffer => b;

/** One grpc-js server listening on one address, dispatching to the host's routes. */
export class GrpcBridge {
  readonly stats: GrpcBridgeStats = { calls: 0, refusedCalls: 0, refusedSigned: 0, badMetadata: 0, cancelled: 0 };
  private readonly maxRecvMessage: number;
  private closed = false;

  private constructor(
    private readonly grpcServer: grpc.Server,
    private readonly host: BridgeHost,
    limits: BridgeLimits,
    /** The bound address. */
    readonly address: { host: string; port: number },
  ) {
    this.maxRecvMessage = limits.maxRecvMessage ?? 4 << 20;
  }

  /**
   * Binds `grpc://host:port` or `grpcs://host:port`, registers every path in `paths`, and adds the
   * bridge to `bridges` (so the server can register later services and shut it down).
   */
  static async listen(bridges: GrpcBridge[], host: BridgeHost, limits: BridgeLimits, paths: Iterable<string>, address: string): Promise<{ host: string; port: number }> {
    const a = parseAddress(address);
    let creds: grpc.ServerCredentials;
    if (a.scheme === "grpcs") {
      if (!limits.grpcTls) throw new XtmpError(Code.INVALID_ARGUMENT, "grpcs:// needs the grpcTls option (certificate and key)");
      creds = grpc.ServerCredentials.createSsl(null, [{ cert_chain: Buffer.from(limits.grpcTls.cert), private_key: Buffer.from(limits.grpcTls.key) }], false);
    } else creds = grpc.ServerCredentials.createInsecure();
    const options: grpc.ServerOptions = {
      "grpc.max_receive_message_length": limits.maxRecvMessage ?? 4 << 20,
      "grpc.max_concurrent_streams": limits.maxConcurrentStreams ?? 1000,
      ...positive("grpc.keepalive_time_ms", limits.keepaliveMs ?? 60_000),
      ...positive("grpc.max_connection_idle_ms", limits.idleTimeoutMs ?? 300_000),
      ...positive("grpc.max_connection_age_ms", limits.maxConnectionAgeMs ?? 0),
      "grpc.max_connection_age_grace_ms": limits.maxConnectionAgeGraceMs ?? 30_000,
    };
    const server = new grpc.Server(options);
    const target = a.host.includes(":") ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(target, creds, (err, p) => (err ? reject(new XtmpError(Code.UNAVAILABLE, `cannot listen on ${address}: ${err.message}`, { cause: err })) : resolve(p))),
    );
    const bridge = new GrpcBridge(server, host, limits, { host: a.host, port });
    for (const p of paths) bridge.register(p);
    bridges.push(bridge);
    return bridge.address;
  }

  /** Serves the route at `path` (a method registered with the server). */
  register(path: string): void {
    const route = this.host.route(path);
    if (!route || this.closed) return;
    const handler = (call: GrpcSurfaceCall, callback?: grpc.sendUnaryData<Buffer>) => {
      try {
        void new BridgedCall(route, call, typeof callback === "function" ? callback : undefined, this.host, this.stats, this.maxRecvMessage).run();
      } catch (err) {
        this.host.report(err);
        const status = { code: grpc.status.INTERNAL, details: "internal error" };
        if (typeof callback === "function") callback(status);
        else call.emit("error", Object.assign(new Error(status.details), status));
      }
    };
    this.grpcServer.register(path, handler as unknown as grpc.UntypedHandleCall, identity, identity, GRPC_KIND[route.method.kind]);
  }

  /** Graceful: stops accepting, sends GOAWAY, resolves when every bridged connection has closed. */
  drain(): Promise<void> {
    this.closed = true;
    return new Promise((resolve) => this.grpcServer.tryShutdown(() => resolve()));
  }

  /** Closes every bridged connection now; calls in flight are cancelled. */
  close(): void {
    this.closed = true;
    this.grpcServer.forceShutdown();
  }
}

function positive(key: string, ms: number): Record<string, number> {
  return ms > 0 ? { [key]: ms } : {};
}
