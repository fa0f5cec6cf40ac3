// Public entry point of xtmp-rpc (the RPC framework); the low-level session API is src/session.ts.
export { Code, codeName, isCode } from "./status/code.js";
export { XtmpError, RpcError, type XtmpErrorOptions, type ErrorMetadataEntry } from "./status/error.js";
export {
  BadRequest,
  DebugInfo,
  decodeDetail,
  detailType,
  ErrorInfo,
  findDetails,
  Help,
  listDetails,
  LocalizedMessage,
  MAX_RETRY_INFO_DELAY_MS,
  packDetail,
  PreconditionFailure,
  QuotaFailure,
  RequestInfo,
  ResourceInfo,
  RetryInfo,
  retryInfoDelayMs,
  statusDetail,
  TYPE_URL_PREFIX,
  type DetailCodec,
  type DetailReader,
  type DetailType,
  type StatusDetailEntry,
} from "./status/details.js";
export { Metadata, type MetadataInit, type MetadataValue } from "./rpc/metadata.js";
export type { CallOptions, DatagramCallStats, StreamInput } from "./rpc/call-options.js";
export { batch, MessageBatch, type Streamed } from "./rpc/batch.js";
export { createContextKey, ContextValues, type CallTransport, type ContextKey, type ServerContext } from "./rpc/context.js";
export type { TelemetryOptions } from "./metrics/telemetry.js";
export type { EventListener, EventSide, GoAwayEvent, HandshakeFailedEvent, SessionClosedEvent, SessionOpenedEvent, XtmpEvent } from "./metrics/events.js";
export { DURATION_BUCKETS, OTHER_METHOD } from "./metrics/call-metrics.js";
export { METER_NAME } from "./metrics/meter.js";
export { TRACER_NAME } from "./tracing/call-tracer.js";
export type {
  AnyMethodDescriptor,
  CompressionPolicy,
  DeepPartial,
  Delivery,
  FileDescriptorInfo,
  Idempotency,
  MessageCodec,
  MethodDescriptor,
  MethodKind,
  MethodRules,
  ServiceDescriptor,
  ServiceRules,
} from "./rpc/descriptor.js";
export type { ClientMethod, ClientOf, HandlerMethod, ImplementationOf } from "./rpc/typed.js";
export { generateIdentity, identityFromSeed, type Identity } from "./secure/identity.js";
export { saveIdentity, loadIdentity, parsePublicKey } from "./secure/keyfile.js";
export { issueCertificate, parseCertificate, type Certificate } from "./secure/certificate.js";
export type { TrustPolicy } from "./secure/trust.js";
// Types of public options and results that come from the session layer (ChannelOptions and
// ServerOptions extend the session options: `crypto`, `cipher`/`ciphers`, `kem`, `rekey`;
// Channel#sessionInfo; ServerStats#handshakeFailures). The values for `crypto` and `kem`
// (nodeCrypto, nobleCrypto, mlKem768) and the session API itself come from `xtmp-rpc/session`.
export type { CipherName, CryptoBackend } from "./secure/crypto.js";
export type { Kem } from "./secure/kem.js";
export type { RekeyPolicy } from "./secure/record-sealer.js";
export { TicketCache, type TicketCacheOptions } from "./secure/ticket-cache.js";
export type { StoredTicket } from "./secure/resume.js";
export type { ResumptionStats, TicketRefusal } from "./secure/ticket.js";
export type { SessionInfo } from "./secure/options.js";
export type { HandshakeFailureReason } from "./secure/handshake-error.js";
export type { ClientInterceptor, ClientInvoke, ClientRequest, ClientResponse, ServerInterceptor, ServerInvoke, ServerRequest } from "./rpc/interceptor.js";
export { createChannel, Channel, type ChannelCloseOptions, type ChannelOptions, type ChannelState } from "./client/channel.js";
export { createClient, type ClientCallOptions } from "./client/client.js";
export type { SubchannelInfo } from "./client/subchannel.js";
export { resumableStream, type ResumableStreamOptions } from "./client/resumable.js";
export { addReflection, createReflectionService, ServerReflectionV1AlphaDefinition, ServerReflectionV1Definition, type ReflectionHost, type ReflectionSource, type ServerReflectionImplementation } from "./reflection/service.js";
export { DEFAULT_RETRY_POLICY } from "./client/retry-policy.js";
export { createResolver, parseTarget, DEFAULT_MIN_REFRESH_INTERVAL_MS, type Endpoint, type Resolver, type ResolverFactory, type ResolverListener, type ResolverOptions, type Target } from "./resolver/resolver.js";
export type { BalancedEndpoint, EndpointState, LoadBalancingPolicy } from "./balancer/balancer.js";
export { parseServiceConfig, type HedgingPolicy, type MethodConfig, type RetryPolicy, type RetryThrottlingConfig, type ServiceConfig, type ServiceConfigInput } from "./retry/service-config.js";
export { RetryThrottle } from "./retry/throttle.js";
export type { ConnectionBackoffOptions } from "./retry/backoff.js";
export type { Clock } from "./retry/clock.js";
export { createServer, Server, type ServerOptions, type ServerStats } from "./server/server.js";
export type { WorkerExit, WorkerStats } from "./server/options.js";
export { SIGNED_OVER_GRPC, type GrpcBridgeOptions, type GrpcBridgeStats } from "./server/grpc-bridge.js";
export type { ProxyProtocolOptions, ProxyProtocolStats } from "./server/proxy-accept.js";
export type { ProxyRejectReason } from "./transport/proxy-protocol.js";
