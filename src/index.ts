// Public entry point of xtmp-rpc: everything users import comes from here.
export { Code, codeName, isCode } from "./status/code.js";
export { XtmpError, RpcError, type XtmpErrorOptions, type ErrorMetadataEntry } from "./status/error.js";
export { Metadata, type MetadataInit, type MetadataValue } from "./rpc/metadata.js";
export type { CallOptions, StreamInput } from "./rpc/call-options.js";
export type { ServerContext } from "./rpc/context.js";
export type {
  AnyMethodDescriptor,
  CompressionPolicy,
  DeepPartial,
  Delivery,
  Idempotency,
  MessageCodec,
  MethodDescriptor,
  MethodKind,
  MethodRules,
  ServiceDescriptor,
  ServiceRules,
} from "./rpc/descriptor.js";
export type { ClientMethod, ClientOf, HandlerMethod, ImplementationOf } from "./rpc/typed.js";
