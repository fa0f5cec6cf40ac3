// Server options (limits, hooks, transports) and the counters a server keeps.
import type { ServerInterceptor } from "../rpc/interceptor.js";
import type { ServerSessionOptions } from "../secure/options.js";
import type { HandshakeFailureReason } from "../secure/handshake-error.js";
import type { ResumptionStats } from "../secure/ticket.js";
import type { WsListenerStats } from "../transport/websocket.js";
import type { ServerDatagrams } from "./datagrams.js";
import type { FailureSite } from "./reporter.js";
import type { AdmissionStats } from "./admission.js";
import type { ProxyProtocolOptions, ProxyProtocolStats } from "./proxy-accept.js";
import type { GrpcBridgeOptions, GrpcBridgeStats } from "./grpc-bridge.js";
import type { TelemetryOptions } from "../metrics/telemetry.js";

/** Server options: the secure-session options plus RPC limits and hooks. */
export interface ServerOptions extends ServerSessionOptions, ProxyProtocolOptions, GrpcBridgeOptions, TelemetryOptions {
  /** Interceptors, outermost first. */
  interceptors?: ServerInterceptor[];
  /** Largest request message, after decompression (default 4 MiB). */
  maxRecvMessage?: number;
  /** Concurrent calls per connection (default 1000). */
  maxConcurrentStreams?: number;
  /** Send a keepalive PING after this many idle ms (default 60,000; 0 = off). */
  keepaliveMs?: number;
  /** Compress responses per the methods' policies when the client supports zstd (default true). */
  compression?: boolean;
  /** Handler errors that are not XtmpErrors (sent to clients as UNKNOWN without details). Exceptions it throws are counted, never propagated. */
  onError?: (error: unknown, method: string) => void;
  /** Exceptions that are nobody's protocol error (bugs): counted in `stats.unexpectedErrors` and passed here. */
  onUnexpectedError?: (error: unknown, site: FailureSite) => void;
  /** Bind UDP beside each TCP listener (same port) for DATAGRAM methods (default true). */
  datagram?: boolean;
  /** Open connections (in handshake or established) beyond which new ones are closed at once (default 10,000). */
  maxConnections?: number;
  /** Calls served at once across all connections; more are refused with RESOURCE_EXHAUSTED (default 20,000). */
  maxConcurrentCalls?: number;
  /** Close a connection that has had no call for this long (default 300,000 ms; 0 = never). */
  idleTimeoutMs?: number;
  /** GOAWAY a connection after it has lived this long (default 0 = never)... */
  maxConnectionAgeMs?: number;
  /** ...and close it this long after that GOAWAY if calls are still open (default 30,000 ms). */
  maxConnectionAgeGraceMs?: number;
  /** PINGs plus SETTINGS a peer may send per second (burst 4x); more closes its session (default 50). */
  maxControlFramesPerSecond?: number;
  /** Streams a peer may reset (or have refused) per second (burst 5x); more closes its session (default 200). */
  maxResetsPerSecond?: number;
  /** Decompressed bytes per second a session's requests may cost beyond 8x their compressed size (default 64 MiB; more fail RESOURCE_EXHAUSTED). */
  maxDecompressedBytesPerSecond?: number;
  /** Largest header block (request metadata) accepted, however many frames it spans (default 65,536; RESET RESOURCE_EXHAUSTED beyond). */
  maxHeaderBytes?: number;
  /** WebSocket listeners: ms a connection may take to send its HTTP request (default 10,000; 408 after). */
  wsHeadersTimeoutMs?: number;
  /** WebSocket listeners: connections waiting for their upgrade, at most (default 1,024; more are closed). */
  wsMaxPendingConnections?: number;
  /** Serve grpc.reflection.v1 and v1alpha ServerReflection, describing every added service (default false). */
  reflection?: boolean;
  /** Worker processes (node:cluster) that run this program and share its ports; the primary serves nothing itself (default 0 = serve in this process). See src/server/workers.ts. */
  workers?: number;
  /** In the primary: a worker exited without being asked to (it is restarted after `restartInMs`). Exceptions it throws are counted, never propagated. */
  onWorkerExit?: (exit: WorkerExit) => void;
}

/** A worker that exited without being asked to. */
export interface WorkerExit {
  /** Its slot, 0 .. workers-1 (its replacement keeps it). */
  index: number;
  pid: number;
  /** Exit code, or null when a signal ended it. */
  code: number | null;
  signal: string | null;
  /** When the replacement starts; undefined when it is not restarted (it exited before the server was up). */
  restartInMs: number | undefined;
}

/** The primary's view of its workers (every other counter is per process: each worker has its own). */
export interface WorkerStats {
  /** One entry per slot: the live process (pid undefined while it restarts), whether it has made every listen call, restarts. */
  workers: ReadonlyArray<{ index: number; pid: number | undefined; listening: boolean; restarts: number }>;
  /** Workers that exited without being asked to (crashes, kills). */
  unexpectedExits: number;
  /** Workers that shut their own server down (not restarted). */
  retired: number;
  /** UDP datagrams relayed from the worker that received them to its siblings (sessions live in one worker). */
  datagramsRelayed: number;
}

/** Counters for tests and metrics. */
export interface ServerStats {
  /** Open connections (sessions established or in handshake). */
  connections: number;
  /** Calls being served. */
  activeCalls: number;
  /** Handshakes that failed (refusals by admission control included). */
  failedHandshakes: number;
  /** Failed handshakes by reason (`timeout`, `bad_preamble`, `auth`, `busy`, `rate_limited`, `cookie`, …). */
  handshakeFailures: Readonly<Partial<Record<HandshakeFailureReason, number>>>;
  /** Admission control: handshakes in flight, refusals, RETRYs sent, whether the server is under load. */
  admission: AdmissionStats;
  /** Session tickets issued, resumptions accepted and tickets refused by reason (PROTOCOL.md §4.2). */
  resumption: ResumptionStats;
  /** Connections closed at once because `maxConnections` were open. */
  refusedConnections: number;
  /** Calls refused because `maxConcurrentCalls` were being served. */
  refusedCalls: number;
  /** Sessions that ended, by gRPC status name of the reason (`OK` for orderly closes, e.g. idle timeout). */
  sessionsClosed: Readonly<Record<string, number>>;
  /** Unexpected exceptions (bugs) caught, by where they were caught. */
  unexpectedErrors: Readonly<Partial<Record<FailureSite, number>>>;
  /** Exceptions thrown by the application's hooks (onError, onUnexpectedError). */
  hookErrors: number;
  /** Sessions closed because the peer did not read what we sent for `writeStallTimeoutMs`. */
  writeStallCloses: number;
  /** WebSocket listeners' counters (wrong paths, bad or slow requests, refused pending connections), one per listener. */
  webSocket: ReadonlyArray<WsListenerStats>;
  /** Compressed messages refused because their session's decompression budget was spent. */
  decompressionRefusals: number;
  /** Why UDP could not be bound beside a TCP listener (DATAGRAM methods then use TCP there). */
  datagramErrors: readonly string[];
  /** The UDP endpoints' counters (received, accepted, dropped by reason, challenges, errors), one per listener. */
  datagrams: ReadonlyArray<ServerDatagrams["stats"]>;
  /** PROXY protocol headers from `trustedProxies`: accepted, and connections rejected by reason. */
  proxyProtocol: ProxyProtocolStats;
  /** gRPC bridge listeners' counters (calls, refusals, signed-method refusals, bad metadata, cancellations), one per listener. */
  grpcBridge: GrpcBridgeStats[];
  /** In the primary of a server with `workers`: the workers (the other counters are this process's: zero there). */
  workers?: WorkerStats;
}
