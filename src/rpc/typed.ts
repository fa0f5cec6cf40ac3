// Mapped types from a service descriptor to its typed client and server implementation.
import type { CallOptions, StreamInput } from "./call-options.js";
import type { Streamed } from "./batch.js";
import type { ServerContext } from "./context.js";
import type { DeepPartial, MethodDescriptor, ServiceDescriptor } from "./descriptor.js";

/** The client method type of one method descriptor. */
export type ClientMethod<M> =
  M extends MethodDescriptor<infer I, infer O, "unary">
    ? (request: DeepPartial<I>, options?: CallOptions) => Promise<O>
    : M extends MethodDescriptor<infer I, infer O, "server_streaming">
      ? (request: DeepPartial<I>, options?: CallOptions) => AsyncIterable<O>
      : M extends MethodDescriptor<infer I, infer O, "client_streaming">
        ? (requests: StreamInput<DeepPartial<I>>, options?: CallOptions) => Promise<O>
        : M extends MethodDescriptor<infer I, infer O, "bidi_streaming">
          ? (requests: StreamInput<DeepPartial<I>>, options?: CallOptions) => AsyncIterable<O>
          : never;

/** The handler type of one method descriptor. */
export type HandlerMethod<M> =
  M extends MethodDescriptor<infer I, infer O, "unary">
    ? (request: I, ctx: ServerContext) => Promise<DeepPartial<O>> | DeepPartial<O>
    : M extends MethodDescriptor<infer I, infer O, "server_streaming">
      ? (request: I, ctx: ServerContext) => AsyncIterable<Streamed<DeepPartial<O>>>
      : M extends MethodDescriptor<infer I, infer O, "client_streaming">
        ? (requests: AsyncIterable<I>, ctx: ServerContext) => Promise<DeepPartial<O>> | DeepPartial<O>
        : M extends MethodDescriptor<infer I, infer O, "bidi_streaming">
          ? (requests: AsyncIterable<I>, ctx: ServerContext) => AsyncIterable<Streamed<DeepPartial<O>>>
          : never;

/** The typed client of a service; the generated `<Service>Client` interface is the same type, spelled out. */
export type ClientOf<S extends ServiceDescriptor> = { [K in keyof S["methods"]]: ClientMethod<S["methods"][K]> };

/** The server implementation of a service; the generated `<Service>Implementation` interface is the same type, spelled out. */
export type ImplementationOf<S extends ServiceDescriptor> = { [K in keyof S["methods"]]: HandlerMethod<S["methods"][K]> };
