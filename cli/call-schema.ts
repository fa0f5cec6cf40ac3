// Schemas for `xtmp call`/`list`/`describe`: .proto files parsed at run time with protobufjs, as method descriptors.
import protobuf from "protobufjs";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { AnyMethodDescriptor, CompressionPolicy, Delivery, Idempotency, MessageCodec, MethodKind, MethodRules } from "../src/index.js";

/** A user error in the schema or the method name (`xtmp call` exits with INVALID_ARGUMENT). */
export class SchemaError extends Error {}

/** One method found in a schema, with everything needed to call it. */
export interface ResolvedMethod {
  readonly service: protobuf.Service;
  readonly method: protobuf.Method;
  readonly requestType: protobuf.Type;
  readonly responseType: protobuf.Type;
  readonly descriptor: AnyMethodDescriptor;
}

// protobufjs ships google/protobuf/*.proto (descriptor.proto, well-known types) beside its package.json
const BUNDLED = path.dirname(createRequire(import.meta.url).resolve("protobufjs/package.json"));

/**
 * Parses `files` and their imports. Imports resolve as protoc does: against each import path in
 * order (default: the directory of each named file, then the working directory), then protobufjs's bundled google/protobuf files.
 */
export async function loadSchema(files: readonly string[], importPaths: readonly string[]): Promise<protobuf.Root> {
  if (files.length === 0) throw new SchemaError("no schema: pass --proto FILE");
  const dirs = importPaths.length > 0 ? importPaths : [...new Set([...files.map((f) => path.dirname(f)), "."])];
  const root = new protobuf.Root();
  root.resolvePath = (origin, target) => {
    if (origin === "") return target; // a file named on the command line
    for (const dir of [...dirs, BUNDLED]) {
      const p = path.join(dir, target);
      if (existsSync(p)) return p;
    }
    return path.resolve(path.dirname(origin), target); // not found anywhere: the error names this path
  };
  try {
    await root.load([...files], { keepCase: false });
    root.resolveAll();
  } catch (err) {
    throw new SchemaError(`cannot load ${files.join(", ")}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return root;
}

/** Every service in the schema, by full name (without a leading dot), sorted. */
export function listServices(root: protobuf.Root): protobuf.Service[] {
  const out: protobuf.Service[] = [];
  const walk = (ns: protobuf.NamespaceBase) => {
    for (const child of ns.nestedArray) {
      if (child instanceof protobuf.Service) out.push(child);
      if (child instanceof protobuf.Namespace || child instanceof protobuf.Type) walk(child);
    }
  };
  walk(root);
  return out.sort((a, b) => fullName(a).localeCompare(fullName(b)));
}

/** A reflection object's fully-qualified name without the leading dot. */
export function fullName(obj: protobuf.ReflectionObject): string {
  return obj.fullName.replace(/^\./, "");
}

/** Finds a service by full name; throws SchemaError naming the known ones. */
export function findService(root: protobuf.Root, name: string): protobuf.Service {
  const svc = listServices(root).find((s) => fullName(s) === name.replace(/^\./, ""));
  if (!svc) throw new SchemaError(`unknown service ${name} (known: ${listServices(root).map(fullName).join(", ") || "none"})`);
  return svc;
}

/** Resolves `pkg.Service/Method` (or `pkg.Service.Method`, or a leading `/`) to a callable method. */
export function findMethod(root: protobuf.Root, name: string): ResolvedMethod {
  const text = name.replace(/^\//, "");
  const slash = text.lastIndexOf("/");
  const dot = text.lastIndexOf(".");
  const cut = slash >= 0 ? slash : dot;
  if (cut <= 0 || cut === text.length - 1) throw new SchemaError(`method ${JSON.stringify(name)}: expected pkg.Service/Method`);
  const service = findService(root, text.slice(0, cut));
  const methodName = text.slice(cut + 1);
  const method = service.methods[methodName];
  if (!method) throw new SchemaError(`unknown method ${methodName} in ${fullName(service)} (methods: ${service.methodsArray.map((m) => m.name).join(", ")})`);
  method.resolve();
  const requestType = method.resolvedRequestType;
  const responseType = method.resolvedResponseType;
  if (!requestType || !responseType) throw new SchemaError(`method ${methodName}: unresolved message types`);
  const descriptor: AnyMethodDescriptor = {
    name: method.name,
    path: `/${fullName(service)}/${method.name}`,
    id: service.methodsArray.indexOf(method) + 1,
    kind: methodKind(method),
    requestType: codec(requestType),
    responseType: codec(responseType),
    rules: methodRules(service, method),
  };
  return { service, method, requestType, responseType, descriptor };
}

/** The streaming kind of a method. */
export function methodKind(m: protobuf.Method): MethodKind {
  if (m.requestStream) return m.responseStream ? "bidi_streaming" : "client_streaming";
  return m.responseStream ? "server_streaming" : "unary";
}

/** A protobufjs type as a runtime codec: messages are protobufjs Message objects (built from JSON beforehand). */
function codec(type: protobuf.Type): MessageCodec<unknown> {
  return {
    encode: (message: unknown) => type.encode(message as protobuf.Message),
    decode: (bytes: Uint8Array) => type.decode(bytes),
    fromPartial: (object: unknown) => (object instanceof protobuf.Message ? object : type.fromObject(object as Record<string, unknown>)),
  };
}

type OptionBag = Record<string, unknown>;

/** The value of custom option `(name)` from parsedOptions (message-valued options are objects). */
function customOption(obj: protobuf.ReflectionObject, name: string): OptionBag {
  const merged: OptionBag = {};
  for (const entry of (obj.parsedOptions ?? []) as OptionBag[]) {
    const v = entry[`(${name})`];
    if (v && typeof v === "object") Object.assign(merged, v);
  }
  return merged;
}

const DELIVERY: Record<string, Delivery> = { DELIVERY_DATAGRAM: "datagram", 2: "datagram" };
const IDEMPOTENCY: Record<string, Idempotency> = { IDEMPOTENCY_NO_SIDE_EFFECTS: "no_side_effects", 1: "no_side_effects", IDEMPOTENCY_IDEMPOTENT: "idempotent", 2: "idempotent" };
const COMPRESSION: Record<string, CompressionPolicy> = { COMPRESSION_NEVER: "never", 1: "never", COMPRESSION_AUTO: "auto", 2: "auto", COMPRESSION_ALWAYS: "always", 3: "always" };

/** The XTMP rules of a method from its `(xtmp.v1.method)` and its service's `(xtmp.v1.service)` options, as the generator applies them. */
export function methodRules(service: protobuf.Service, method: protobuf.Method): MethodRules {
  const m = customOption(method, "xtmp.v1.method");
  const s = customOption(service, "xtmp.v1.service");
  const methodCompression = COMPRESSION[String(m.compression)];
  return {
    delivery: DELIVERY[String(m.delivery)] ?? "reliable",
    idempotency: IDEMPOTENCY[String(m.idempotency)] ?? "unknown",
    signed: m.signed === true || s.signed === true,
    compression: methodCompression ?? COMPRESSION[String(s.compression)] ?? "default",
  };
}
