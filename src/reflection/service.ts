// Server reflection (grpc.reflection.v1 and v1alpha) served from the descriptors embedded in generated code.
import { Code } from "../status/code.js";
import type { ServerContext } from "../rpc/context.js";
import type { MethodDescriptor, ServiceDescriptor } from "../rpc/descriptor.js";
import type { ImplementationOf } from "../rpc/typed.js";
import { FileIndex } from "./file-index.js";
import { ReflectionRequestCodec, ReflectionResponseCodec, type ReflectionAnswer, type ReflectionRequest, type ReflectionResponse } from "./messages.js";
import { file_grpc_reflection_v1_reflection } from "./gen/grpc/reflection/v1/reflection_descriptor.js";
import { file_grpc_reflection_v1alpha_reflection } from "./gen/grpc/reflection/v1alpha/reflection_descriptor.js";

function definition<P extends string>(pkg: P, file: ServiceDescriptor["file"]) {
  return {
    typeName: `grpc.reflection.${pkg}.ServerReflection` as const,
    file,
    rules: { compression: "default", signed: false },
    methods: {
      serverReflectionInfo: {
        name: "ServerReflectionInfo",
        path: `/grpc.reflection.${pkg}.ServerReflection/ServerReflectionInfo`,
        id: 1,
        kind: "bidi_streaming",
        requestType: ReflectionRequestCodec,
        responseType: ReflectionResponseCodec,
        rules: { delivery: "reliable", idempotency: "no_side_effects", signed: false, compression: "default" },
      } as MethodDescriptor<ReflectionRequest, ReflectionResponse, "bidi_streaming">,
    },
  } as const satisfies ServiceDescriptor;
}

/** Descriptor of `grpc.reflection.v1.ServerReflection`. */
export const ServerReflectionV1Definition = definition("v1", file_grpc_reflection_v1_reflection);
/** Descriptor of `grpc.reflection.v1alpha.ServerReflection` (the version older clients ask for). */
export const ServerReflectionV1AlphaDefinition = definition("v1alpha", file_grpc_reflection_v1alpha_reflection);

/** One implementation serves both versions: their messages are the same on the wire. */
export type ServerReflectionImplementation = ImplementationOf<typeof ServerReflectionV1Definition>;

/** The services to describe: a fixed list, or a function read on each request (services added later show up). */
export type ReflectionSource = readonly ServiceDescriptor[] | (() => readonly ServiceDescriptor[]);

/**
 * The reflection service over `services`: list_services, file_by_filename, file_containing_symbol,
 * file_containing_extension and all_extension_numbers_of_type, answered from the FileDescriptorProto
 * bytes generated code embeds (`ServiceDescriptor.file`), with transitive imports under their real
 * file names. Add the result under both `ServerReflectionV1Definition` and `ServerReflectionV1AlphaDefinition`.
 */
export function createReflectionService(services: ReflectionSource): ServerReflectionImplementation {
  let cached: { list: readonly ServiceDescriptor[]; index: FileIndex } | undefined;
  const current = (): FileIndex => {
    const list = typeof services === "function" ? services() : services;
    if (!cached || cached.list.length !== list.length || cached.list.some((s, i) => s !== list[i])) {
      cached = { list: [...list], index: new FileIndex(list) };
    }
    return cached.index;
  };
  return {
    async *serverReflectionInfo(requests: AsyncIterable<ReflectionRequest>, _ctx: ServerContext): AsyncIterable<ReflectionResponse> {
      // files already sent on this stream are not repeated as imports (at most every indexed file)
      const sent = new Set<string>();
      for await (const request of requests) {
        yield { validHost: request.host, originalRequest: request, messageResponse: answer(current(), request, sent) };
      }
    },
  };
}

function notFound(message: string): ReflectionAnswer {
  return { $case: "errorResponse", errorResponse: { errorCode: Code.NOT_FOUND, errorMessage: message } };
}

function filesOf(index: FileIndex, name: string, sent: Set<string>): ReflectionAnswer {
  const files = index.withDependencies(name, sent);
  for (const f of files) sent.add(f.name);
  return { $case: "fileDescriptorResponse", fileDescriptorResponse: { fileDescriptorProto: files.map((f) => f.bytes) } };
}

function answer(index: FileIndex, request: ReflectionRequest, sent: Set<string>): ReflectionAnswer {
  const q = request.messageRequest;
  switch (q?.$case) {
    case "listServices":
      return { $case: "listServicesResponse", listServicesResponse: { service: index.serviceNames.map((name) => ({ name })) } };
    case "fileByFilename":
      return index.file(q.fileByFilename) ? filesOf(index, q.fileByFilename, sent) : notFound(`file not found: ${q.fileByFilename}`);
    case "fileContainingSymbol": {
      const file = index.fileOfSymbol(q.fileContainingSymbol);
      return file ? filesOf(index, file, sent) : notFound(`symbol not found: ${q.fileContainingSymbol}`);
    }
    case "fileContainingExtension": {
      const { containingType, extensionNumber } = q.fileContainingExtension;
      const file = index.fileOfExtension(containingType, extensionNumber);
      return file ? filesOf(index, file, sent) : notFound(`extension not found: ${containingType}(${extensionNumber})`);
    }
    case "allExtensionNumbersOfType": {
      const numbers = index.extensionNumbers(q.allExtensionNumbersOfType);
      if (!numbers) return notFound(`type not found: ${q.allExtensionNumbersOfType}`);
      const baseTypeName = q.allExtensionNumbersOfType.replace(/^\./, "");
      return { $case: "allExtensionNumbersResponse", allExtensionNumbersResponse: { baseTypeName, extensionNumber: numbers } };
    }
    default:
      return { $case: "errorResponse", errorResponse: { errorCode: Code.INVALID_ARGUMENT, errorMessage: "the request asks nothing (message_request is not set)" } };
  }
}

/** What `addReflection` needs of a server: `add`, and the descriptors of the services added so far. */
export interface ReflectionHost {
  add<S extends ServiceDescriptor>(service: S, implementation: Partial<ImplementationOf<S>>): unknown;
  readonly registeredServices: readonly ServiceDescriptor[];
}

/** Adds reflection (v1 and v1alpha) to `server`, describing every service it has, including ones added later. */
export function addReflection<H extends ReflectionHost>(server: H): H {
  const impl = createReflectionService(() => server.registeredServices);
  server.add(ServerReflectionV1Definition, impl);
  server.add(ServerReflectionV1AlphaDefinition, impl);
  return server;
}
