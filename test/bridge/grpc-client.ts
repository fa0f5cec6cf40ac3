// A stock @grpc/grpc-js generic client for one of our services, with serializers from the generated message codecs.
import * as grpc from "@grpc/grpc-js";
import type { AnyMethodDescriptor, ServiceDescriptor } from "../../src/index.js";

/** A grpc-js client whose methods are named as in the .proto (`UnaryCall`, `FullDuplexCall`, …). */
export type GenericClient = grpc.Client & Record<string, (...args: unknown[]) => unknown>;

function definition(service: ServiceDescriptor): grpc.ServiceDefinition {
  const def: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  for (const m of Object.values(service.methods) as AnyMethodDescriptor[]) {
    def[m.name] = {
      path: m.path,
      requestStream: m.kind === "client_streaming" || m.kind === "bidi_streaming",
      responseStream: m.kind === "server_streaming" || m.kind === "bidi_streaming",
      requestSerialize: (v: unknown) => Buffer.from(m.requestType.encode(m.requestType.fromPartial(v as never)).finish()),
      requestDeserialize: (b: Buffer) => m.requestType.decode(b),
      responseSerialize: (v: unknown) => Buffer.from(m.responseType.encode(m.responseType.fromPartial(v as never)).finish()),
      responseDeserialize: (b: Buffer) => m.responseType.decode(b),
      originalName: m.name,
    };
  }
  return def;
}

/** Creates a grpc-js client for `service` at `target` (`host:port`). */
export function grpcClient(service: ServiceDescriptor, target: string, creds = grpc.credentials.createInsecure(), options: grpc.ClientOptions = {}): GenericClient {
  const Ctor = grpc.makeGenericClientConstructor(definition(service), service.typeName);
  return new Ctor(target, creds, options) as unknown as GenericClient;
}

/** Calls a unary method; resolves with the response, rejects with the grpc-js ServiceError. */
export function unary<T>(client: GenericClient, name: string, request: unknown, metadata = new grpc.Metadata(), options: grpc.CallOptions = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    const fn = client[name] as (r: unknown, md: grpc.Metadata, o: grpc.CallOptions, cb: (e: grpc.ServiceError | null, v: T) => void) => unknown;
    fn.call(client, request, metadata, options, (err, value) => (err ? reject(err) : resolve(value)));
  });
}

/** The status a call ended with (rejects if it succeeded). */
export async function grpcFailure(p: Promise<unknown>): Promise<grpc.ServiceError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof Error && "code" in err) return err as grpc.ServiceError;
    throw err;
  }
  throw new Error("expected the call to fail");
}

/** Collects a stream's messages and its final status (once both `status` and `end`/`error` have fired). */
export function drain<T>(stream: grpc.ClientReadableStream<T> | grpc.ClientDuplexStream<unknown, T>): Promise<{ messages: T[]; status: grpc.StatusObject }> {
  const messages: T[] = [];
  stream.on("data", (m: T) => messages.push(m));
  const ended = new Promise<void>((resolve) => {
    stream.on("end", resolve);
    stream.on("error", () => resolve()); // the status event carries the outcome
  });
  const status = new Promise<grpc.StatusObject>((resolve) => stream.on("status", resolve));
  return Promise.all([status, ended]).then(([s]) => ({ messages, status: s }));
}
