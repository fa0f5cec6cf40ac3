// Text for `xtmp list` (services, methods) and `xtmp describe` (a service, method, message or enum as .proto source).
import protobuf from "protobufjs";
import { findService, fullName, listServices, methodKind, methodRules, SchemaError } from "./call-schema.js";

/** Service names, one a line; or, given a service, its methods as `pkg.Service.Method`. */
export function listText(root: protobuf.Root, service?: string): string[] {
  if (service === undefined) return listServices(root).map(fullName);
  const svc = findService(root, service);
  return svc.methodsArray.map((m) => `${fullName(svc)}.${m.name}`);
}

/** The definition of a service, method, message or enum (fully-qualified name) as .proto text. */
export function describeSymbol(root: protobuf.Root, symbol: string): string {
  const name = symbol.replace(/^\./, "").replace("/", ".");
  let obj: protobuf.ReflectionObject | null;
  try {
    obj = root.lookup(name);
  } catch {
    obj = null;
  }
  if (!obj || obj.fullName.replace(/^\./, "") !== name) throw new SchemaError(`unknown symbol ${symbol}`);
  if (obj instanceof protobuf.Service) return `${fullName(obj)} is a service:\n${serviceText(obj)}`;
  if (obj instanceof protobuf.Method) return `${fullName(obj)} is a method:\n${rpcText(obj)}`;
  if (obj instanceof protobuf.Type) return `${fullName(obj)} is a message:\n${messageText(obj, "")}`;
  if (obj instanceof protobuf.Enum) return `${fullName(obj)} is an enum:\n${enumText(obj, "")}`;
  throw new SchemaError(`${symbol} is a ${obj.constructor.name.toLowerCase()}, not a service, method, message or enum`);
}

function serviceText(s: protobuf.Service): string {
  return `service ${s.name} {\n${s.methodsArray.map((m) => `  ${rpcText(m)}`).join("\n")}\n}`;
}

function rpcText(m: protobuf.Method): string {
  m.resolve();
  const req = m.resolvedRequestType ? `.${fullName(m.resolvedRequestType)}` : m.requestType;
  const res = m.resolvedResponseType ? `.${fullName(m.resolvedResponseType)}` : m.responseType;
  const rules = m.parent instanceof protobuf.Service ? methodRules(m.parent, m) : undefined;
  const notes = rules ? `  // xtmp: ${methodKind(m)}, ${rules.delivery}, idempotency ${rules.idempotency}${rules.signed ? ", signed" : ""}, compression ${rules.compression}` : "";
  return `rpc ${m.name}(${m.requestStream ? "stream " : ""}${req}) returns (${m.responseStream ? "stream " : ""}${res});${notes}`;
}

function fieldType(f: protobuf.Field): string {
  const t = f.resolvedType ? `.${fullName(f.resolvedType)}` : f.type;
  if (f instanceof protobuf.MapField) return `map<${f.keyType}, ${t}>`;
  return t;
}

function fieldText(f: protobuf.Field): string {
  const label = f.repeated && !(f instanceof protobuf.MapField) ? "repeated " : f.options?.proto3_optional ? "optional " : "";
  return `${label}${fieldType(f)} ${f.protoName ?? f.name} = ${f.id};`;
}

// protobufjs keeps lowerCamelCase names (keepCase false); .proto text shows the declared snake_case name
function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function messageText(t: protobuf.Type, indent: string): string {
  t.resolveAll();
  const inOneof = new Set<protobuf.Field>();
  const body: string[] = [];
  for (const o of t.oneofsArray) {
    const fields = o.fieldsArray.filter((f) => !f.options?.proto3_optional);
    if (o.fieldsArray.length === 1 && o.fieldsArray[0]?.options?.proto3_optional) continue; // synthetic oneof of `optional`
    fields.forEach((f) => inOneof.add(f));
    body.push(`${indent}  oneof ${snake(o.name)} {\n${fields.map((f) => `${indent}    ${fieldText(f)}`).join("\n")}\n${indent}  }`);
  }
  for (const f of t.fieldsArray) if (!inOneof.has(f)) body.unshift(`${indent}  ${fieldText(f)}`);
  body.sort((a, b) => fieldNumber(a) - fieldNumber(b));
  for (const n of t.nestedArray) {
    if (n instanceof protobuf.Type && !isMapEntry(n)) body.push(messageText(n, `${indent}  `));
    if (n instanceof protobuf.Enum) body.push(enumText(n, `${indent}  `));
  }
  return `${indent}message ${t.name} {\n${body.join("\n")}${body.length > 0 ? "\n" : ""}${indent}}`;
}

// orders fields and oneofs by their (first) field number, as declared
function fieldNumber(line: string): number {
  const m = / = (\d+);/.exec(line);
  return m ? Number(m[1]) : Number.MAX_SAFE_INTEGER;
}

function isMapEntry(t: protobuf.Type): boolean {
  return t.options?.map_entry === true;
}

function enumText(e: protobuf.Enum, indent: string): string {
  const values = Object.entries(e.values).map(([k, v]) => `${indent}  ${k} = ${v};`);
  return `${indent}enum ${e.name} {\n${values.join("\n")}\n${indent}}`;
}
