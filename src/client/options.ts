// Channel options: the secure-session options plus RPC, balancing, reconnection and retry behaviour.
import type { ClientInterceptor } from "../rpc/interceptor.js";
import type { ClientSessionOptions } from "../secure/options.js";
import type { LoadBalancingPolicy } from "../balancer/balancer.js";
import type { ConnectionBackoffOptions } from "../retry/backoff.js";
import type { Clock } from "../retry/clock.js";
import type { ServiceConfigInput } from "../retry/service-config.js";
import type { ResolverFactory } from "../resolver/resolver.js";
import type { TelemetryOptions } from "../metrics/telemetry.js";
import type { TicketCache } from "../secure/ticket-cache.js";

/** Channel options. */
export interface ChannelOptions extends ClientSessionOptions, TelemetryOptions {
  /** Interceptors, outermost first. */
  interceptors?: ClientInterceptor[];
  /** Largest response message, after decompression (default 4 MiB). */
  maxRecvMessage?: number;
  /** Smallest connect timeout (TCP connect and handshake) in ms; an attempt may take max(this, current backoff) (default 20,000). */
  connectTimeoutMs?: number;
  /** Keepalive PING after this many idle ms (default 30,000; 0 = off). */
  keepaliveMs?: number;
  /** Offer zstd and compress requests per the methods' policies (default true). */
  compression?: boolean;
  /**
   * A `ws://` or `wss://` URL to use when connecting to an endpoint fails (e.g. a firewall blocks
   * the XTMP port): the same handshake and encryption run inside the WebSocket.
   */
  fallback?: string;
  /** Open a UDP path beside the TCP session for DATAGRAM methods (default true; falls back to TCP). */
  datagram?: boolean;
  /** Where to send UDP when it is not the server's TCP host:port (a UDP relay or load balancer). */
  datagramAddress?: string;
  /**
   * Session tickets for resumed handshakes (PROTOCOL.md §4.2): reconnecting to an endpoint skips the
   * static DH and signatures. Default: a cache of this channel's own (256 endpoints); pass one
   * TicketCache to several channels with the same `identity` to share tickets; `false` = always a full handshake.
   */
  ticketCache?: TicketCache | false;
  /** Decompressed bytes per second a session's responses may cost beyond 8x their compressed size (default 64 MiB; more fail RESOURCE_EXHAUSTED). */
  maxDecompressedBytesPerSecond?: number;
  /** Exceptions that are nobody's protocol error (bugs) caught in the channel's sessions; the session involved is closed. */
  onUnexpectedError?: (error: unknown) => void;
  /** Largest response header block (headers or trailers, all fragments) accepted (default 64 KiB; larger fail RESOURCE_EXHAUSTED). */
  maxHeaderBytes?: number;
  /** Calls that may wait for the server's concurrency limit (MAX_CONCURRENT_STREAMS) per session (default 10,000); more fail RESOURCE_EXHAUSTED at once. */
  maxQueuedStreams?: number;
  /** How calls are spread over the resolved endpoints (default the service config's policy, else `pick_first`). */
  loadBalancing?: LoadBalancingPolicy;
  /** gRPC service config (JSON text or object): `methodConfig` (retryPolicy, hedgingPolicy, waitForReady, timeout), `retryThrottling`, `loadBalancingConfig`. */
  serviceConfig?: ServiceConfigInput;
  /** Retries at all: transparent ones and policies (default true). */
  retries?: boolean;
  /** Bytes of request messages one call keeps for a possible retry (default 1 MiB); beyond, the call commits to its current attempt. */
  perCallRetryBufferBytes?: number;
  /** Bytes of request messages all calls of the channel keep for retries (default 16 MiB). */
  retryBufferBytes?: number;
  /** Reconnect backoff (gRPC connection backoff: 1 s initial, x1.6, jitter 0.2, 120 s max). */
  backoff?: ConnectionBackoffOptions;
  /**
   * Health-aware balancing: each connection watches `grpc.health.v1.Health/Watch` for this service
   * name (`true` = the server as a whole, ""), and an endpoint reporting NOT_SERVING gets no calls
   * (default off). A server without the health service counts as serving.
   */
  healthCheck?: boolean | { service: string };
  /** Resolvers for more target schemes (a factory for a built-in scheme replaces it). */
  resolvers?: Readonly<Record<string, ResolverFactory>>;
  /** Shortest interval between two DNS resolutions, ms (default 30,000). */
  minResolutionIntervalMs?: number;
  /** @internal Testing only: the first stream id of each session (to cross the end of the 31-bit id space). */
  firstStreamId?: number;
  /** @internal Testing only: time source for backoff, retries and resolution. */
  clock?: Clock;
  /** @internal Testing only: random source for jitter, retry delays and balancing. */
  random?: () => number;
}
