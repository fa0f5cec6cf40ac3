// Server: registers services, accepts encrypted XTMP connections over TCP, dispatches calls, shuts down.
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";
import { MuxSession } from "../mux/session.js";
import type { MuxStream } from "../mux/stream.js";
import { decodeTimeout } from "../rpc/deadline.js";
import type { AnyMethodDescriptor, ServiceDescriptor } from "../rpc/descriptor.js";
import { decodeHeaderBlock, encodeHeaderBlock, pseudoText } from "../rpc/header-block.js";
import { chain, type ServerInvoke } from "../rpc/interceptor.js";
import type { ImplementationOf } from "../rpc/typed.js";
import { acceptSession, type Session } from "../secure/handshake.js";
import { HandshakeError, type HandshakeFailureReason } from "../secure/handshake-error.js";
import { noResumptionStats, ticketIssuerFor, type TicketIssuer } from "../secure/ticket.js";
import { listenTcp, TcpDuplex, type TcpListener } from "../transport/tcp.js";
import { listenUnix, unixPath } from "../transport/unix.js";
import { listenMemory, memoryName, MemoryDuplex } from "../transport/memory.js";
import { attachWebSocket, listenWebSocket, WsDuplex, type WsListener } from "../transport/websocket.js";
import type { Server as HttpServer } from "node:http";
import { parseAddress } from "../transport/address.js";
import { ServerCall } from "./call.js";
import { ServedSession, type SessionHost } from "./served-session.js";
import { ServerDatagrams, sumDrops } from "./datagrams.js";
import { nodeCrypto } from "../secure/crypto-node.js";
import { adaptHandler } from "./handlers.js";
import type { DecompressionBudget } from "../rpc/decompression-budget.js";
import { FailureReporter } from "./reporter.js";
import { Admission, busyHello } from "./admission.js";
import { peerAddressOf, ProxyProtocol, type AcceptedDuplex } from "./proxy-accept.js";
import { GrpcBridge, type BridgeHost } from "./grpc-bridge.js";
import { addReflection } from "../reflection/service.js";
import type { ServerOptions, ServerStats } from "./options.js";
import { ServerTelemetry } from "./telemetry.js";
import { sessionCounters, type SessionCounters } from "../metrics/runtime-metrics.js";
import { clusterRole, type ClusterHooks } from "./workers.js";

export type { ServerOptions, ServerStats } from "./options.js";

interface Route {
  method: AnyMethodDescriptor;
  invoke: ServerInvoke;
}

interface Connection {
  duplex: AcceptedDuplex;
  mux?: MuxSession;
  session?: Session;
  budget?: DecompressionBudget;
}

/** The transport a connection's duplex is. */
function transportOf(duplex: AcceptedDuplex): "tcp" | "unix" | "memory" | "ws" {
  return duplex instanceof WsDuplex ? "ws" : duplex instanceof MemoryDuplex ? "memory" : duplex.remoteAddress === "unix" ? "unix" : "tcp";
}

/** An XTMP-RPC server. Create with `createServer`. */
export class Server {
  private readonly routes = new Map<string, Route>();
  private readonly services = new Map<string, ServiceDescriptor>();
  private readonly connections = new Set<Connection>();
  private listeners: TcpListener[] = [];
  private calls = 0;
  private failed = 0;
  private refusedConnections = 0;
  private refusedCalls = 0;
  private readonly sessionsClosed: Record<string, number> = {};
  private readonly reporter: FailureReporter;
  private readonly admission: Admission;
  private readonly proxy: ProxyProtocol;
  private readonly handshakeFailures: Partial<Record<HandshakeFailureReason, number>> = {};
  private closedRefusals = 0;
  private readonly udpEndpoints: ServerDatagrams[] = [];
  private readonly wsListeners: WsListener[] = [];
  private writeStallCloses = 0;
  private shuttingDown = false;
  private readonly datagramErrors: string[] = [];
  private readonly bridges: GrpcBridge[] = [];
  private readonly telemetry: ServerTelemetry;
  private sessionHost: SessionHost | undefined;
  private readonly tickets: TicketIssuer | undefined; // session tickets (PROTOCOL.md §4.2)
  private readonly bridgeHost: BridgeHost = {
    route: (path) => this.routes.get(path),
    begin: () => (this.calls < (this.opts.maxConcurrentCalls ?? 20_000) ? ++this.calls > 0 : !++this.refusedCalls),
    done: () => void this.calls--,
    report: (err, m) => (m ? this.reporter.callHook(() => this.opts.onError?.(err, m.path)) : this.reporter.report(err, "dispatch")),
  };

  /** With `workers`: the pool (in the primary) or the link to the primary (in a worker); see workers.ts. */
  private readonly cluster: ClusterHooks | undefined;

  constructor(private readonly opts: ServerOptions) {
    this.cluster = clusterRole(opts, this, (fn) => this.reporter.callHook(fn));
    opts = this.opts = this.cluster?.options(opts) ?? opts;
    if (!opts.insecure && !opts.identity) throw new XtmpError(Code.INVALID_ARGUMENT, "createServer: an identity is required (or insecure: true)");
    this.reporter = new FailureReporter(opts.onUnexpectedError);
    this.admission = new Admission(opts);
    this.proxy = new ProxyProtocol(opts);
    this.tickets = ticketIssuerFor(opts, opts.crypto ?? nodeCrypto);
    this.telemetry = new ServerTelemetry(opts, { sessions: () => this.liveSessions(), datagramDrops: () => sumDrops(this.udpEndpoints) }, (fn) => this.reporter.callHook(fn));
    this.bridgeHost.telemetry = this.telemetry;
    if (opts.reflection) addReflection(this);
  }

  /**
   * Registers a service implementation; the types come from the generated descriptor. Methods left
   * out answer UNIMPLEMENTED, as in gRPC.
   */
  add<S extends ServiceDescriptor>(service: S, implementation: Partial<ImplementationOf<S>>): this {
    if (this.services.has(service.typeName)) throw new XtmpError(Code.ALREADY_EXISTS, `service ${service.typeName} is already registered`);
    this.services.set(service.typeName, service);
    const impl = implementation as Record<string, (input: unknown, ctx: never) => unknown>;
    for (const [local, method] of Object.entries(service.methods)) {
      const handler = impl[local];
      if (typeof handler !== "function") continue; // unimplemented methods answer UNIMPLEMENTED
      const invoke = chain(this.opts.interceptors ?? [], adaptHandler(method, handler.bind(implementation) as (i: unknown, c: unknown) => unknown));
      this.routes.set(method.path, { method, invoke });
      for (const b of this.bridges) b.register(method.path);
    }
    return this;
  }

  /** Descriptors of the services added so far, in order (what reflection describes). */
  get registeredServices(): readonly ServiceDescriptor[] { return [...this.services.values()]; }

  /** Counters. */
  get stats(): ServerStats {
    return {
      connections: this.connections.size,
      activeCalls: this.calls,
      failedHandshakes: this.failed,
      handshakeFailures: { ...this.handshakeFailures },
      admission: this.admission.stats,
      refusedConnections: this.refusedConnections,
      refusedCalls: this.refusedCalls,
      sessionsClosed: { ...this.sessionsClosed },
      unexpectedErrors: { ...this.reporter.counts },
      hookErrors: this.reporter.hookErrors,
      writeStallCloses: this.writeStallCloses,
      webSocket: this.wsListeners.map((w) => ({ ...w.stats })),
      decompressionRefusals: [...this.connections].reduce((n, c) => n + (c.budget?.refusedMessages ?? 0), this.closedRefusals),
      datagramErrors: this.datagramErrors,
      datagrams: this.udpEndpoints.map((u) => u.stats),
      proxyProtocol: this.proxy.stats,
      grpcBridge: this.bridges.map((b) => ({ ...b.stats })),
      resumption: this.tickets ? { ...this.tickets.stats, refused: { ...this.tickets.stats.refused } } : noResumptionStats(),
      ...(this.cluster?.stats ? { workers: this.cluster.stats } : {}),
    };
  }

  /** In a worker process of a server with `workers`: its index (0 .. workers-1); undefined elsewhere. */
  get worker(): number | undefined { return this.cluster?.index; }

  /**
   * Listens on `xtmp://host:port` (TCP), `unix:///path` (a unix socket), `memory://name` (in this process), `ws://host:port/path` (WebSocket on its own HTTP server) or
   * `grpc://` / `grpcs://host:port` (standard gRPC through the bridge); port 0 picks a free port. Resolves with the bound address.
   */
  async listen(address: string): Promise<{ host: string; port: number }> {
    return this.cluster ? this.cluster.listen(address, () => this.bind(address)) : this.bind(address);
  }

  private async bind(address: string): Promise<{ host: string; port: number }> {
    const socketPath = unixPath(address);
    if (socketPath !== undefined) return this.track(await listenUnix(socketPath, (duplex) => this.accept(duplex)));
    const memory = memoryName(address);
    if (memory !== undefined) return this.track(await listenMemory(memory, (duplex) => this.accept(duplex)));
    const { scheme, host, port, path } = parseAddress(address);
    if (scheme === "grpc" || scheme === "grpcs") return GrpcBridge.listen(this.bridges, this.bridgeHost, this.opts, this.routes.keys(), address);
    const udp: { endpoint?: ServerDatagrams } = {};
    const onConnection = (duplex: TcpDuplex | WsDuplex) => this.accept(duplex, udp.endpoint);
    if (scheme !== "xtmp" && scheme !== "ws") throw new XtmpError(Code.INVALID_ARGUMENT, `cannot listen on ${scheme}:// (use xtmp://, unix://, ws://, grpc:// or grpcs://)`);
    let l;
    if (scheme === "ws") {
      const ws = await listenWebSocket(host, port, path, onConnection, {
        ...(this.opts.wsHeadersTimeoutMs !== undefined ? { headersTimeoutMs: this.opts.wsHeadersTimeoutMs } : {}),
        ...(this.opts.wsMaxPendingConnections !== undefined ? { maxPendingConnections: this.opts.wsMaxPendingConnections } : {}),
      });
      this.wsListeners.push(ws);
      l = ws;
    } else {
      l = await listenTcp(host, port, onConnection);
    }
    this.listeners.push(l);
    if (scheme === "xtmp" && this.opts.datagram !== false) {
      const bound = await ServerDatagrams.bind(l.host, l.port, { onUnexpectedError: (e) => this.reporter.report(e, "datagram"), ...this.cluster?.datagrams(l.port) });
      if (bound instanceof ServerDatagrams) {
        udp.endpoint = bound;
        this.udpEndpoints.push(bound);
        this.listeners.push({ host: l.host, port: l.port, close: () => (bound.close(), Promise.resolve()) });
      } else {
        this.datagramErrors.push(bound.message);
      }
    }
    return { host: l.host, port: l.port };
  }

  private track(l: { host: string; port: number; close(): Promise<void> }): { host: string; port: number } {
    this.listeners.push(l);
    return { host: l.host, port: l.port };
  }

  /**
   * Serves XTMP over WebSocket on an HTTP(S) server the caller owns, at `path` (default `/xtmp`);
   * other requests and upgrade paths are left to the caller.
   */
  attach(http: HttpServer, options: { path?: string } = {}): this {
    const a = attachWebSocket(http, options.path ?? "/xtmp", (duplex) => this.accept(duplex));
    this.listeners.push({ host: "", port: 0, close: () => (a.close(), Promise.resolve()) });
    return this;
  }

  private accept(duplex: AcceptedDuplex, udp?: ServerDatagrams): void {
    if (this.shuttingDown) {
      duplex.destroy();
      return;
    }
    if (this.connections.size >= (this.opts.maxConnections ?? 10_000)) {
      this.refusedConnections++;
      duplex.destroy();
      return;
    }
    if (this.proxy.expectsHeader(duplex)) {
      const pending: Connection = { duplex }; // counts toward maxConnections while its PROXY header arrives
      this.connections.add(pending);
      this.proxy.readHeader(duplex, (proxied) => {
        this.connections.delete(pending);
        if (proxied) this.accept(proxied, udp); // then as any connection, from the client's address
      });
      return;
    }
    // admission first: a refusal costs one cached write, no session objects (floods arrive by the thousand)
    const ticket = this.admission.admit(duplex.remoteAddress);
    if ("refused" in ticket) {
      this.handshakeFailed(duplex, ticket.refused, ticket.message);
      duplex.write(busyHello(ticket.message));
      duplex.destroy();
      return;
    }
    const conn: Connection = { duplex };
    this.connections.add(conn);
    acceptSession(duplex, this.opts, { remoteAddress: duplex.remoteAddress, admission: { admit: () => ticket }, ...(this.tickets ? { tickets: this.tickets } : {}) }).then(
      (session) => this.serve(conn, session, udp),
      (err: unknown) => {
        const reason: HandshakeFailureReason = err instanceof HandshakeError ? err.reason : "internal";
        // a bug (not the peer's doing) surfaces as reason "internal" with a non-XtmpError cause
        const bug = err instanceof HandshakeError ? (err.reason === "internal" && err.cause !== undefined && !(err.cause instanceof XtmpError) ? err.cause : undefined) : err;
        if (bug !== undefined) this.reporter.report(bug, "session");
        this.handshakeFailed(duplex, reason, err instanceof XtmpError ? err.rawMessage : "internal error");
        this.connections.delete(conn);
      },
    );
  }

  /** Whether a registered service declares the method `path` (calls to others are recorded as `_OTHER`). */
  private declares(service: string, path: string): boolean {
    return Object.values(this.services.get(service)?.methods ?? {}).some((m) => m.path === path);
  }

  /** Counts a failed (or refused) handshake, in stats, metrics and events. */
  private handshakeFailed(duplex: AcceptedDuplex, reason: HandshakeFailureReason, message: string): void {
    this.failed++;
    this.handshakeFailures[reason] = (this.handshakeFailures[reason] ?? 0) + 1;
    this.telemetry.runtime?.handshake(reason);
    if (this.telemetry.eventsOn) this.telemetry.emit({ type: "handshake_failed", side: "server", peerAddress: peerAddressOf(duplex), transport: transportOf(duplex), reason, message });
  }

  /** The open sessions' counters (read when metrics are collected). */
  private *liveSessions(): Iterable<SessionCounters> {
    for (const c of this.connections) if (c.session) yield sessionCounters(c.session, c.mux);
  }

  private serve(conn: Connection, session: Session, udp?: ServerDatagrams): void {
    conn.session = session;
    const served = new ServedSession((this.sessionHost ??= this.makeSessionHost()), conn, session, udp, peerAddressOf(conn.duplex), transportOf(conn.duplex));
    conn.mux = new MuxSession(session, served);
    if (this.shuttingDown) conn.mux.goAway("server is shutting down");
  }

  // what every served session shares (its hooks are the session's methods: no closure per session)
  private makeSessionHost(): SessionHost {
    return {
      opts: this.opts,
      telemetry: this.telemetry,
      reportFrameError: (err) => this.reporter.report(err, "frame"),
      callError: (err, m) => this.reporter.callHook(() => this.opts.onError?.(err, m.path)),
      callDone: () => void this.calls--,
      dispatch: (stream, headers, served) => this.dispatch(stream, headers, served),
      closed: (served, why) => {
        this.sessionsClosed[why] = (this.sessionsClosed[why] ?? 0) + 1;
        this.closedRefusals += served.decompressionRefusals;
        this.writeStallCloses += served.session.stats.writeStallCloses;
        this.connections.delete(served.conn);
      },
    };
  }

  private dispatch(stream: MuxStream, block: Uint8Array, env: ServedSession): void {
    let headers;
    try {
      headers = decodeHeaderBlock(block);
    } catch (err) {
      if (!(err instanceof XtmpError)) this.reporter.report(err, "dispatch");
      stream.reset(Code.INTERNAL, XtmpError.from(err, Code.INTERNAL).rawMessage);
      return;
    }
    const path = pseudoText(headers, ":path");
    if (path === undefined) {
      stream.reset(Code.INTERNAL, "protocol error: OPEN without a UTF-8 :path");
      return;
    }
    if (this.calls >= (this.opts.maxConcurrentCalls ?? 20_000)) {
      this.refusedCalls++;
      env.durations?.record(this.routes.has(path) ? path : undefined, Code.RESOURCE_EXHAUSTED, performance.now());
      stream.reset(Code.RESOURCE_EXHAUSTED, "the server is serving too many calls", true);
      return;
    }
    const route = this.routes.get(path);
    if (!route) {
      const service = path.split("/")[1] ?? "";
      const message = this.services.has(service) ? `method ${path} is not implemented` : `unknown service ${service || "(none)"}`;
      stream.setHandler({ onHeaders() {}, onMessage: () => stream.messageConsumed(), onEnd() {}, onTrailers() {}, onReset() {}, onDrain() {} });
      stream.sendTrailers(encodeHeaderBlock([[":status", String(Code.UNIMPLEMENTED)], [":message", message]]));
      env.durations?.record(this.declares(service, path) ? path : undefined, Code.UNIMPLEMENTED, performance.now());
      return;
    }
    this.calls++;
    const wantsDatagram = route.method.rules.delivery === "datagram" && pseudoText(headers, ":delivery") === "datagram";
    const call = new ServerCall(stream, route.method, headers.metadata, decodeTimeout(pseudoText(headers, ":timeout")), wantsDatagram ? env.datagramEnv : env);
    const { tracer } = env;
    if (!tracer) return void call.run(route.invoke);
    const traced = tracer.startServer(path, headers.metadata, "xtmp", env.peerAddress);
    call.span = traced.span;
    void tracer.run(traced.context, () => call.run(route.invoke));
  }

  /**
   * Graceful shutdown: stop listening, send GOAWAY, let in-flight calls finish for up to `graceMs`
   * (default 10 s), then close every connection.
   */
  async shutdown(options: { graceMs?: number } = {}): Promise<void> {
    const workers = this.cluster?.shutdown(options); // the primary: every worker drains, then exits
    if (workers) return workers;
    this.shuttingDown = true;
    await Promise.all(this.listeners.map((l) => l.close()));
    this.listeners = [];
    // each session closes (CLOSE NO_ERROR) as soon as its calls are done; forceShutdown() ends the rest
    const drained = Promise.all(
      [...this.connections].map(async ({ mux }) => {
        mux?.goAway("server is shutting down");
        await mux?.drained();
        mux?.close();
      }),
    );
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([Promise.all([drained, ...this.bridges.map((b) => b.drain())]), new Promise<void>((r) => (timer = setTimeout(r, Math.min(options.graceMs ?? 10_000, MAX_TIMER))))]);
    clearTimeout(timer);
    this.forceShutdown();
  }

  /** Closes every connection now; in-flight calls fail with UNAVAILABLE. */
  forceShutdown(): void {
    if (this.cluster?.forceShutdown()) return;
    this.shuttingDown = true;
    for (const l of this.listeners) void l.close();
    this.listeners = [];
    for (const b of this.bridges.splice(0)) b.close();
    for (const c of [...this.connections]) {
      if (c.mux) c.mux.close(new XtmpError(Code.UNAVAILABLE, "server shut down"));
      else c.duplex.destroy();
    }
    this.connections.clear();
  }
}

// the longest delay setTimeout takes (longer ones fire at once): user-given durations are clamped to it
const MAX_TIMER = 0x7fffffff;

/** Creates a server with the given identity, trust policy and limits. */
export function createServer(options: ServerOptions): Server {
  return new Server(options);
}
