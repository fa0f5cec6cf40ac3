// protoc-gen-xtmp core: turns a CodeGeneratorRequest into typed service descriptors and stubs.
import { create, createFileRegistry, getExtension, type DescExtension, type DescFile, type DescMethod, type DescService } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import {
  CodeGeneratorResponse_Feature,
  CodeGeneratorResponse_FileSchema,
  CodeGeneratorResponseSchema,
  type CodeGeneratorRequest,
  type CodeGeneratorResponse,
} from "@bufbuild/protobuf/wkt";
import { posix } from "node:path";

/** Options the plugin takes from `opt:` (comma-separated `key=value`). */
export interface GeneratorOptions {
  /** Module the generated code imports runtime types from: a package name, or a path starting with `.` relative to the output root. */
  runtime: string;
}

const DELIVERY = ["reliable", "reliable", "datagram"] as const;
const IDEMPOTENCY = ["unknown", "no_side_effects", "idempotent"] as const;
const COMPRESSION = ["default", "never", "auto", "always"] as const;

/** Parses the plugin parameter string. */
export function parseOptions(parameter: string): GeneratorOptions {
  const options: GeneratorOptions = { runtime: "xtmp-rpc" };
  for (const part of parameter.split(",").map((p) => p.trim()).filter(Boolean)) {
    const [key, value = ""] = part.split("=", 2) as [string, string?];
    if (key === "runtime" && value !== "") options.runtime = value;
    else throw new Error(`protoc-gen-xtmp: unknown option "${part}"`);
  }
  return options;
}

/** Runs the generator: one `<name>_xtmp.ts` per requested .proto file that declares services. */
export function generate(request: CodeGeneratorRequest): CodeGeneratorResponse {
  const response = create(CodeGeneratorResponseSchema, {
    supportedFeatures: BigInt(CodeGeneratorResponse_Feature.PROTO3_OPTIONAL),
  });
  try {
    const options = parseOptions(request.parameter);
    const registry = createFileRegistry(create(FileDescriptorSetSchema, { file: request.protoFile }));
    const methodExt = registry.getExtension("xtmp.v1.method");
    const serviceExt = registry.getExtension("xtmp.v1.service");
    for (const name of request.fileToGenerate) {
      const file = registry.getFile(name);
      if (!file || file.services.length === 0) continue;
      response.file.push(
        create(CodeGeneratorResponse_FileSchema, {
          name: name.replace(/\.proto$/, "_xtmp.ts"),
          content: emitFile(file, options, methodExt, serviceExt),
        }),
      );
    }
  } catch (err) {
    response.error = err instanceof Error ? err.message : String(err);
  }
  return response;
}

interface Rules {
  delivery: string;
  idempotency: string;
  signed: boolean;
  compression: string;
}

function readRules(method: DescMethod, methodExt?: DescExtension, serviceExt?: DescExtension): Rules {
  const svc = serviceRules(method.parent, serviceExt);
  const rules: Rules = { delivery: "reliable", idempotency: "unknown", signed: svc.signed, compression: svc.compression };
  const opts = method.proto.options;
  if (methodExt && opts) {
    const m = getExtension(opts, methodExt) as unknown as Record<string, number | boolean>;
    rules.delivery = DELIVERY[Number(m.delivery)] ?? "reliable";
    rules.idempotency = IDEMPOTENCY[Number(m.idempotency)] ?? "unknown";
    rules.signed = rules.signed || m.signed === true;
    if (Number(m.compression) !== 0) rules.compression = COMPRESSION[Number(m.compression)] ?? "default";
  }
  if (opts?.idempotencyLevel && rules.idempotency === "unknown") {
    rules.idempotency = IDEMPOTENCY[opts.idempotencyLevel] ?? "unknown";
  }
  if (rules.delivery === "datagram" && method.methodKind !== "server_streaming") {
    throw new Error(`${method.parent.typeName}.${method.name}: DELIVERY_DATAGRAM is only valid on server-streaming methods`);
  }
  return rules;
}

function serviceRules(service: DescService, serviceExt?: DescExtension): { compression: string; signed: boolean } {
  const opts = service.proto.options;
  if (!serviceExt || !opts) return { compression: "default", signed: false };
  const s = getExtension(opts, serviceExt) as unknown as Record<string, number | boolean>;
  return { compression: COMPRESSION[Number(s.compression)] ?? "default", signed: s.signed === true };
}

/** Leading comment of a descriptor element, from the file's source code info. */
function comment(file: DescFile, path: number[]): string | undefined {
  const loc = file.proto.sourceCodeInfo?.location.find(
    (l) => l.path.length === path.length && l.path.every((v, i) => v === path[i]),
  );
  const text = loc?.leadingComments?.trim();
  return text ? text : undefined;
}

function jsdoc(text: string | undefined, indent: string, extra: string[] = []): string {
  const lines = [...(text ? text.split("\n").map((l) => l.trim()) : []), ...extra];
  if (lines.length === 0) return "";
  return `${indent}/**\n${lines.map((l) => `${indent} *${l ? " " + l.replace(/\*\//g, "*\\/") : ""}`).join("\n")}\n${indent} */\n`;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** Relative ESM specifier from one generated file to another module path (both relative to the output root). */
function relativeImport(fromFile: string, toModule: string): string {
  const rel = posix.relative(posix.dirname(fromFile), toModule);
  return rel.startsWith(".") ? rel : `./${rel}`;
}

function emitFile(file: DescFile, options: GeneratorOptions, methodExt?: DescExtension, serviceExt?: DescExtension): string {
  const outName = file.name + "_xtmp.ts";
  const runtime = options.runtime.startsWith(".") ? relativeImport(outName, options.runtime) : options.runtime;
  // message imports, grouped by the ts-proto module that defines them
  const imports = new Map<string, Set<string>>();
  const localNames = new Map<string, string>(); // typeName -> identifier used here
  const taken = new Set<string>();
  const useMessage = (typeName: string, msgFile: DescFile, name: string): string => {
    const known = localNames.get(typeName);
    if (known) return known;
    let ident = name;
    for (let i = 2; taken.has(ident); i++) ident = `${name}$${i}`;
    taken.add(ident);
    localNames.set(typeName, ident);
    const mod = relativeImport(outName, `${msgFile.name}.js`);
    const set = imports.get(mod) ?? new Set<string>();
    set.add(ident === name ? name : `${name} as ${ident}`);
    imports.set(mod, set);
    return ident;
  };
  const body: string[] = [];
  file.services.forEach((service, si) => {
    const typeName = service.typeName;
    const svcRules = serviceRules(service, serviceExt);
    const methods = service.methods.map((m, mi) => {
      // ts-proto names nested messages Outer_Inner
      const reqName = m.input.typeName.slice(m.input.file.proto.package ? m.input.file.proto.package.length + 1 : 0).replace(/\./g, "_");
      const resName = m.output.typeName.slice(m.output.file.proto.package ? m.output.file.proto.package.length + 1 : 0).replace(/\./g, "_");
      return {
        m,
        id: mi + 1,
        local: lowerFirst(m.name),
        req: useMessage(m.input.typeName, m.input.file, reqName),
        res: useMessage(m.output.typeName, m.output.file, resName),
        rules: readRules(m, methodExt, serviceExt),
        doc: comment(file, [6, si, 2, mi]),
      };
    });
    const svcDoc = comment(file, [6, si]);
    const def = `${service.name}Definition`;
    body.push(
      jsdoc(svcDoc, "", [...(svcDoc ? [""] : []), `Descriptor of \`${typeName}\`: pass it to \`createClient\` or \`server.add\`.`]) +
        `export const ${def} = {\n` +
        `  typeName: ${JSON.stringify(typeName)},\n` +
        `  rules: { compression: ${JSON.stringify(svcRules.compression)}, signed: ${svcRules.signed} },\n` +
        `  methods: {\n` +
        methods
          .map(
            ({ m, id, local, req, res, rules, doc }) =>
              jsdoc(doc, "    ") +
              `    ${local}: {\n` +
              `      name: ${JSON.stringify(m.name)},\n` +
              `      path: ${JSON.stringify(`/${typeName}/${m.name}`)},\n` +
              `      id: ${id},\n` +
              `      kind: ${JSON.stringify(m.methodKind)},\n` +
              `      requestType: ${req},\n` +
              `      responseType: ${res},\n` +
              `      rules: { delivery: ${JSON.stringify(rules.delivery)}, idempotency: ${JSON.stringify(rules.idempotency)}, signed: ${rules.signed}, compression: ${JSON.stringify(rules.compression)} },\n` +
              `    } as MethodDescriptor<${req}, ${res}, ${JSON.stringify(m.methodKind)}>,\n`,
          )
          .join("") +
        `  },\n} as const satisfies ServiceDescriptor;\n`,
    );
    const clientSig = (x: (typeof methods)[number]): string => {
      const reqIn = `DeepPartial<${x.req}>`;
      switch (x.m.methodKind) {
        case "unary":
          return `(request: ${reqIn}, options?: CallOptions): Promise<${x.res}>`;
        case "server_streaming":
          return `(request: ${reqIn}, options?: CallOptions): AsyncIterable<${x.res}>`;
        case "client_streaming":
          return `(requests: StreamInput<${reqIn}>, options?: CallOptions): Promise<${x.res}>`;
        default:
          return `(requests: StreamInput<${reqIn}>, options?: CallOptions): AsyncIterable<${x.res}>`;
      }
    };
    const serverSig = (x: (typeof methods)[number]): string => {
      const resOut = `DeepPartial<${x.res}>`;
      switch (x.m.methodKind) {
        case "unary":
          return `(request: ${x.req}, ctx: ServerContext): Promise<${resOut}> | ${resOut}`;
        case "server_streaming":
          return `(request: ${x.req}, ctx: ServerContext): AsyncIterable<${resOut}>`;
        case "client_streaming":
          return `(requests: AsyncIterable<${x.req}>, ctx: ServerContext): Promise<${resOut}> | ${resOut}`;
        default:
          return `(requests: AsyncIterable<${x.req}>, ctx: ServerContext): AsyncIterable<${resOut}>`;
      }
    };
    body.push(
      jsdoc(undefined, "", [`Typed client of \`${typeName}\` (what \`createClient(${def}, channel)\` returns).`]) +
        `export interface ${service.name}Client {\n` +
        methods.map((x) => jsdoc(x.doc, "  ") + `  ${x.local}${clientSig(x)};\n`).join("") +
        `}\n`,
    );
    body.push(
      jsdoc(undefined, "", [`Server implementation of \`${typeName}\` (what \`server.add(${def}, impl)\` takes).`]) +
        `export interface ${service.name}Implementation {\n` +
        methods.map((x) => jsdoc(x.doc, "  ") + `  ${x.local}${serverSig(x)};\n`).join("") +
        `}\n`,
    );
  });
  const head =
    `// Code generated by protoc-gen-xtmp. DO NOT EDIT.\n` +
    `// source: ${file.proto.name}\n\n` +
    `import type { ${runtimeTypes(body.join(""))} } from ${JSON.stringify(runtime)};\n` +
    [...imports.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([mod, names]) => `import { ${[...names].sort().join(", ")} } from ${JSON.stringify(mod)};\n`)
      .join("") +
    "\n";
  return head + body.join("\n");
}

const RUNTIME_TYPES = ["CallOptions", "DeepPartial", "MethodDescriptor", "ServerContext", "ServiceDescriptor", "StreamInput"];

/** The runtime type names a generated body uses, sorted. */
function runtimeTypes(body: string): string {
  return RUNTIME_TYPES.filter((t) => new RegExp(`\\b${t}\\b`).test(body)).join(", ");
}
