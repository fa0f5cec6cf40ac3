// Index of the embedded .proto file descriptors of a set of services: files by name, symbols and extensions.
import { fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema, type DescriptorProto, type EnumDescriptorProto, type FieldDescriptorProto } from "@bufbuild/protobuf/wkt";
import type { FileDescriptorInfo, ServiceDescriptor } from "../rpc/descriptor.js";

/** One indexed file: its descriptor bytes and its direct imports. */
export interface IndexedFile {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly dependencies: readonly string[];
}

/** Files by name, the file declaring each fully-qualified symbol, and extensions by extended type. */
export class FileIndex {
  private readonly files = new Map<string, IndexedFile>();
  private readonly symbols = new Map<string, string>();
  /** Extended type (no leading dot) -> field number -> file. */
  private readonly extensions = new Map<string, Map<number, string>>();
  /** Service names, in registration order (services without an embedded file included). */
  readonly serviceNames: readonly string[];

  constructor(services: readonly ServiceDescriptor[]) {
    this.serviceNames = [...new Set(services.map((s) => s.typeName))];
    for (const s of services) if (s.file) this.addFile(s.file);
  }

  /** The file called `name`, if one of the services' files is or imports it. */
  file(name: string): IndexedFile | undefined {
    return this.files.get(name);
  }

  /** The name of the file declaring `symbol` (a package, service, method, message, field, enum, enum value or extension). */
  fileOfSymbol(symbol: string): string | undefined {
    return this.symbols.get(symbol.startsWith(".") ? symbol.slice(1) : symbol);
  }

  /** The name of the file declaring extension `number` of `type`. */
  fileOfExtension(type: string, number: number): string | undefined {
    return this.extensions.get(type.startsWith(".") ? type.slice(1) : type)?.get(number);
  }

  /** The field numbers of the known extensions of `type` (undefined when no indexed file declares the type). */
  extensionNumbers(type: string): number[] | undefined {
    const name = type.startsWith(".") ? type.slice(1) : type;
    if (!this.symbols.has(name)) return undefined;
    return [...(this.extensions.get(name)?.keys() ?? [])].sort((a, b) => a - b);
  }

  /** `name` and its transitive imports (breadth first, each once), leaving out `skip` except for `name` itself. */
  withDependencies(name: string, skip: ReadonlySet<string>): IndexedFile[] {
    const out: IndexedFile[] = [];
    const seen = new Set<string>([name]);
    const queue = [name];
    for (let i = 0; i < queue.length; i++) {
      const file = this.files.get(queue[i] as string);
      if (!file) continue;
      if (i === 0 || !skip.has(file.name)) out.push(file);
      for (const dep of file.dependencies) if (!seen.has(dep)) queue.push(dep), seen.add(dep);
    }
    return out;
  }

  private addFile(info: FileDescriptorInfo): void {
    // the same file reached twice (a shared import) is indexed once; generated trees have no cycles,
    // and `files` is set before the imports are walked, so a cycle would end here too
    if (this.files.has(info.name)) return;
    const bytes = Uint8Array.from(Buffer.from(info.base64, "base64"));
    const proto = fromBinary(FileDescriptorProtoSchema, bytes);
    this.files.set(info.name, { name: info.name, bytes, dependencies: info.dependencies.map((d) => d.name) });
    const pkg = proto.package;
    if (pkg !== "") this.symbol(pkg, info.name, true);
    const prefix = pkg === "" ? "" : `${pkg}.`;
    for (const m of proto.messageType) this.message(m, prefix, info.name);
    for (const e of proto.enumType) this.enumType(e, prefix, info.name);
    for (const x of proto.extension) this.extension(x, prefix, info.name);
    for (const s of proto.service) {
      this.symbol(prefix + s.name, info.name);
      for (const m of s.method) this.symbol(`${prefix}${s.name}.${m.name}`, info.name);
    }
    for (const dep of info.dependencies) this.addFile(dep);
  }

  /** Records a symbol; packages span files, so for them the first file wins. */
  private symbol(name: string, file: string, isPackage = false): void {
    if (!isPackage || !this.symbols.has(name)) this.symbols.set(name, file);
  }

  private message(m: DescriptorProto, prefix: string, file: string): void {
    const name = prefix + m.name;
    this.symbol(name, file);
    const inner = `${name}.`;
    for (const f of m.field) this.symbol(inner + f.name, file);
    for (const o of m.oneofDecl) this.symbol(inner + o.name, file);
    for (const n of m.nestedType) this.message(n, inner, file);
    for (const e of m.enumType) this.enumType(e, inner, file);
    for (const x of m.extension) this.extension(x, inner, file);
  }

  private enumType(e: EnumDescriptorProto, prefix: string, file: string): void {
    this.symbol(prefix + e.name, file);
    // enum values are scoped beside their enum (C++ rules), not inside it
    for (const v of e.value) this.symbol(prefix + v.name, file);
  }

  private extension(x: FieldDescriptorProto, prefix: string, file: string): void {
    this.symbol(prefix + x.name, file);
    const type = x.extendee.startsWith(".") ? x.extendee.slice(1) : x.extendee;
    const numbers = this.extensions.get(type) ?? new Map<number, string>();
    if (!numbers.has(x.number)) numbers.set(x.number, file);
    this.extensions.set(type, numbers);
  }
}
