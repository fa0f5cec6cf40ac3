// Schemas for `xtmp call`/`list`/`describe` from server reflection (grpc.reflection.v1): FileDescriptorProtos to a protobufjs Root.
import protobuf from "protobufjs";
import "protobufjs/ext/descriptor/index.js";
import { fromBinary } from "@bufbuild/protobuf";
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import { FileDescriptorProtoSchema, type FileDescriptorProto } from "@bufbuild/protobuf/wkt";
import { Code, createClient, ServerReflectionV1Definition, XtmpError, type CallOptions, type Channel } from "../src/index.js";
import { SchemaError } from "./call-schema.js";

/** Most services a reflection answer may list, and most files the CLI collects (a bigger schema is refused, not held). */
export const MAX_REFLECTION_SERVICES = 4096;
export const MAX_REFLECTION_FILES = 4096;

/** Field number of the `(xtmp.v1.method)` / `(xtmp.v1.service)` options (xtmp/v1/options.proto). */
const XTMP_OPTIONS_FIELD = 51820;

type Query = { $case: "listServices"; listServices: string } | { $case: "fileContainingSymbol"; fileContainingSymbol: string };

/** One bidi ServerReflectionInfo stream: sends `queries`, returns the answers in order. */
async function ask(channel: Channel, queries: readonly Query[], options: CallOptions) {
  const client = createClient(ServerReflectionV1Definition, channel);
  async function* requests() {
    for (const q of queries) yield { host: "", messageRequest: q };
  }
  const answers = [];
  try {
    for await (const r of client.serverReflectionInfo(requests(), options)) answers.push(r.messageResponse);
  } catch (err) {
    if (err instanceof XtmpError) throw new XtmpError(err.code, `server reflection: ${err.rawMessage}${err.code === Code.UNIMPLEMENTED ? " (the server does not offer reflection: pass --proto FILE)" : ""}`);
    throw err;
  }
  return answers;
}

/**
 * Reads the schema of every service the server lists, plus the files declaring `symbols` (a symbol
 * the server does not know is left out: the lookup that follows reports it), as a protobufjs Root.
 */
export async function reflectSchema(channel: Channel, symbols: readonly string[], options: CallOptions): Promise<protobuf.Root> {
  const [listed] = await ask(channel, [{ $case: "listServices", listServices: "*" }], options);
  if (listed?.$case === "errorResponse") throw new XtmpError(listed.errorResponse.errorCode, `server reflection: ${listed.errorResponse.errorMessage}`);
  if (listed?.$case !== "listServicesResponse") throw new XtmpError(Code.INTERNAL, "server reflection: no answer to list_services");
  const services = listed.listServicesResponse.service.map((s) => s.name);
  if (services.length > MAX_REFLECTION_SERVICES) throw new XtmpError(Code.RESOURCE_EXHAUSTED, `server reflection: more than ${MAX_REFLECTION_SERVICES} services`);
  const wanted = [...new Set([...services, ...symbols.map((s) => s.replace(/^[./]+/, ""))])];
  const files = new Map<string, Uint8Array>();
  for (const a of await ask(channel, wanted.map((s) => ({ $case: "fileContainingSymbol", fileContainingSymbol: s })), options)) {
    if (a?.$case !== "fileDescriptorResponse") continue; // NOT_FOUND: e.g. a service without an embedded descriptor
    for (const bytes of a.fileDescriptorResponse.fileDescriptorProto) {
      if (files.size >= MAX_REFLECTION_FILES) throw new XtmpError(Code.RESOURCE_EXHAUSTED, `server reflection: more than ${MAX_REFLECTION_FILES} files`);
      const proto = decodeFile(bytes);
      if (!files.has(proto.name)) files.set(proto.name, bytes);
    }
  }
  return rootOf([...files.values()]);
}

function decodeFile(bytes: Uint8Array): FileDescriptorProto {
  try {
    return fromBinary(FileDescriptorProtoSchema, bytes);
  } catch (err) {
    throw new XtmpError(Code.INTERNAL, `server reflection: a file descriptor does not decode: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Builds a resolved Root from FileDescriptorProto bytes, keeping the XTMP method and service options. */
export function rootOf(files: readonly Uint8Array[]): protobuf.Root {
  const d = (protobuf as unknown as { descriptor: DescriptorTypes }).descriptor;
  let root: protobuf.Root;
  try {
    const set = d.FileDescriptorSet.create({ file: files.map((b) => d.FileDescriptorProto.decode(b)) });
    root = (protobuf.Root as unknown as { fromDescriptor(set: protobuf.Message): protobuf.Root }).fromDescriptor(set);
    root.resolveAll();
  } catch (err) {
    throw new SchemaError(`the schema from server reflection does not resolve: ${err instanceof Error ? err.message : String(err)}`);
  }
  // protobufjs drops extension options it decodes from descriptors: restore the XTMP ones from the raw bytes
  for (const bytes of files) {
    const file = decodeFile(bytes);
    const prefix = file.package === "" ? "" : `${file.package}.`;
    for (const s of file.service) {
      const svc = root.lookup(prefix + s.name);
      if (!(svc instanceof protobuf.Service)) continue;
      const sr = xtmpOption(s.options?.$unknown);
      if (sr) svc.parsedOptions = [{ "(xtmp.v1.service)": { compression: sr.get(1) ?? 0, signed: sr.get(2) === 1 } }];
      for (const m of s.method) {
        const method = svc.methods[m.name];
        const mr = xtmpOption(m.options?.$unknown);
        if (method && mr) method.parsedOptions = [{ "(xtmp.v1.method)": { delivery: mr.get(1) ?? 0, idempotency: mr.get(2) ?? 0, signed: mr.get(3) === 1, compression: mr.get(4) ?? 0 } }];
      }
    }
  }
  return root;
}

interface DescriptorTypes {
  FileDescriptorSet: { create(props: { file: protobuf.Message[] }): protobuf.Message };
  FileDescriptorProto: { decode(bytes: Uint8Array): protobuf.Message };
}

type UnknownField = { no: number; wireType: WireType; data: Uint8Array };

/** The varint fields of the XTMP options message in an options message's unknown fields (field 51820), by number. */
function xtmpOption(unknown: readonly UnknownField[] | undefined): Map<number, number> | undefined {
  let out: Map<number, number> | undefined;
  for (const u of unknown ?? []) {
    if (u.no !== XTMP_OPTIONS_FIELD || u.wireType !== WireType.LengthDelimited) continue;
    out ??= new Map();
    try {
      const r = new BinaryReader(u.data);
      const end = r.uint32() + r.pos; // `data` holds the length prefix, then the message
      while (r.pos < end) {
        const [field, type] = r.tag();
        if (type === WireType.Varint) out.set(field, r.int32());
        else r.skip(type, field);
      }
    } catch (err) {
      throw new XtmpError(Code.INTERNAL, `server reflection: bad (xtmp.v1) options: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return out;
}
