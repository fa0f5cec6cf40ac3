// The messages of grpc.reflection.v1 / v1alpha (identical on the wire) and their protobuf codecs.
import { BinaryReader, BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import type { DeepPartial, MessageCodec } from "../rpc/descriptor.js";

/** ExtensionRequest: an extension named by the type it extends and its field number. */
export interface ExtensionRequest {
  containingType: string;
  extensionNumber: number;
}

/** What a ServerReflectionRequest asks (its `message_request` oneof). */
export type ReflectionQuery =
  | { $case: "fileByFilename"; fileByFilename: string }
  | { $case: "fileContainingSymbol"; fileContainingSymbol: string }
  | { $case: "fileContainingExtension"; fileContainingExtension: ExtensionRequest }
  | { $case: "allExtensionNumbersOfType"; allExtensionNumbersOfType: string }
  | { $case: "listServices"; listServices: string };

/** ServerReflectionRequest. */
export interface ReflectionRequest {
  host: string;
  messageRequest?: ReflectionQuery | undefined;
}

/** The answer of a ServerReflectionResponse (its `message_response` oneof). */
export type ReflectionAnswer =
  | { $case: "fileDescriptorResponse"; fileDescriptorResponse: { fileDescriptorProto: Uint8Array[] } }
  | { $case: "allExtensionNumbersResponse"; allExtensionNumbersResponse: { baseTypeName: string; extensionNumber: number[] } }
  | { $case: "listServicesResponse"; listServicesResponse: { service: { name: string }[] } }
  | { $case: "errorResponse"; errorResponse: { errorCode: number; errorMessage: string } };

/** ServerReflectionResponse. */
export interface ReflectionResponse {
  validHost: string;
  originalRequest?: ReflectionRequest | undefined;
  messageResponse?: ReflectionAnswer | undefined;
}

const STRING_QUERIES = { 3: "fileByFilename", 4: "fileContainingSymbol", 6: "allExtensionNumbersOfType", 7: "listServices" } as const;

function writeRequest(m: ReflectionRequest, w: BinaryWriter): BinaryWriter {
  if (m.host !== "") w.uint32(10).string(m.host);
  const q = m.messageRequest;
  switch (q?.$case) {
    case "fileByFilename":
      w.uint32(26).string(q.fileByFilename);
      break;
    case "fileContainingSymbol":
      w.uint32(34).string(q.fileContainingSymbol);
      break;
    case "fileContainingExtension": {
      const e = q.fileContainingExtension;
      w.uint32(42).fork();
      if (e.containingType !== "") w.uint32(10).string(e.containingType);
      if (e.extensionNumber !== 0) w.uint32(16).int32(e.extensionNumber);
      w.join();
      break;
    }
    case "allExtensionNumbersOfType":
      w.uint32(50).string(q.allExtensionNumbersOfType);
      break;
    case "listServices":
      w.uint32(58).string(q.listServices);
      break;
  }
  return w;
}

function readExtensionRequest(r: BinaryReader, end: number): ExtensionRequest {
  const e: ExtensionRequest = { containingType: "", extensionNumber: 0 };
  while (r.pos < end) {
    const [field, type] = r.tag();
    if (field === 1 && type === WireType.LengthDelimited) e.containingType = r.string();
    else if (field === 2 && type === WireType.Varint) e.extensionNumber = r.int32();
    else r.skip(type, field);
  }
  return e;
}

function readRequest(r: BinaryReader, end: number): ReflectionRequest {
  const m: ReflectionRequest = { host: "" };
  while (r.pos < end) {
    const [field, type] = r.tag();
    if (type !== WireType.LengthDelimited) {
      r.skip(type, field);
      continue;
    }
    if (field === 1) m.host = r.string();
    else if (field === 5) m.messageRequest = { $case: "fileContainingExtension", fileContainingExtension: readExtensionRequest(r, r.uint32() + r.pos) };
    else if (field === 3 || field === 4 || field === 6 || field === 7) {
      const key = STRING_QUERIES[field];
      m.messageRequest = { $case: key, [key]: r.string() } as ReflectionQuery;
    } else r.skip(type, field);
  }
  return m;
}

function fullRequest(p: DeepPartial<ReflectionRequest> | undefined): ReflectionRequest {
  const q = p?.messageRequest;
  const m: ReflectionRequest = { host: p?.host ?? "" };
  if (q?.$case === "fileContainingExtension") {
    const e = q.fileContainingExtension;
    m.messageRequest = { $case: q.$case, fileContainingExtension: { containingType: e?.containingType ?? "", extensionNumber: e?.extensionNumber ?? 0 } };
  } else if (q) {
    m.messageRequest = { $case: q.$case, [q.$case]: (q as Record<string, unknown>)[q.$case] ?? "" } as ReflectionQuery;
  }
  return m;
}

/** Codec of ServerReflectionRequest. */
export const ReflectionRequestCodec: MessageCodec<ReflectionRequest> = {
  encode(message, writer = new BinaryWriter()) {
    return writeRequest(message, writer);
  },
  decode(bytes) {
    const r = new BinaryReader(bytes);
    return readRequest(r, r.len);
  },
  fromPartial: fullRequest,
};

function writeAnswer(a: ReflectionAnswer, w: BinaryWriter): void {
  switch (a.$case) {
    case "fileDescriptorResponse":
      w.uint32(34).fork();
      for (const b of a.fileDescriptorResponse.fileDescriptorProto) w.uint32(10).bytes(b);
      w.join();
      break;
    case "allExtensionNumbersResponse": {
      const x = a.allExtensionNumbersResponse;
      w.uint32(42).fork();
      if (x.baseTypeName !== "") w.uint32(10).string(x.baseTypeName);
      if (x.extensionNumber.length > 0) {
        w.uint32(18).fork();
        for (const n of x.extensionNumber) w.int32(n);
        w.join();
      }
      w.join();
      break;
    }
    case "listServicesResponse":
      w.uint32(50).fork();
      for (const s of a.listServicesResponse.service) w.uint32(10).fork().uint32(10).string(s.name).join();
      w.join();
      break;
    case "errorResponse": {
      const e = a.errorResponse;
      w.uint32(58).fork();
      if (e.errorCode !== 0) w.uint32(8).int32(e.errorCode);
      if (e.errorMessage !== "") w.uint32(18).string(e.errorMessage);
      w.join();
      break;
    }
  }
}

/** Reads the fields of a nested message of `end`, calling `each` for every field it does not skip. */
function fields(r: BinaryReader, end: number, each: (field: number, type: WireType) => boolean): void {
  while (r.pos < end) {
    const [field, type] = r.tag();
    if (!each(field, type)) r.skip(type, field);
  }
}

function readAnswer(r: BinaryReader, field: number): ReflectionAnswer | undefined {
  const end = r.uint32() + r.pos;
  const LEN = WireType.LengthDelimited;
  switch (field) {
    case 4: {
      const protos: Uint8Array[] = [];
      fields(r, end, (f, t) => f === 1 && t === LEN && protos.push(r.bytes()) > 0);
      return { $case: "fileDescriptorResponse", fileDescriptorResponse: { fileDescriptorProto: protos } };
    }
    case 5: {
      const x = { baseTypeName: "", extensionNumber: [] as number[] };
      fields(r, end, (f, t) => {
        if (f === 1 && t === LEN) x.baseTypeName = r.string();
        else if (f === 2 && t === WireType.Varint) x.extensionNumber.push(r.int32());
        else if (f === 2 && t === LEN) for (const e = r.uint32() + r.pos; r.pos < e; ) x.extensionNumber.push(r.int32());
        else return false;
        return true;
      });
      return { $case: "allExtensionNumbersResponse", allExtensionNumbersResponse: x };
    }
    case 6: {
      const service: { name: string }[] = [];
      fields(r, end, (f, t) => {
        if (f !== 1 || t !== LEN) return false;
        const s = { name: "" };
        fields(r, r.uint32() + r.pos, (g, u) => g === 1 && u === LEN && (s.name = r.string()) !== undefined);
        service.push(s);
        return true;
      });
      return { $case: "listServicesResponse", listServicesResponse: { service } };
    }
    default: {
      const e = { errorCode: 0, errorMessage: "" };
      fields(r, end, (f, t) => {
        if (f === 1 && t === WireType.Varint) e.errorCode = r.int32();
        else if (f === 2 && t === LEN) e.errorMessage = r.string();
        else return false;
        return true;
      });
      return { $case: "errorResponse", errorResponse: e };
    }
  }
}

/** Codec of ServerReflectionResponse. */
export const ReflectionResponseCodec: MessageCodec<ReflectionResponse> = {
  encode(message, writer = new BinaryWriter()) {
    if (message.validHost !== "") writer.uint32(10).string(message.validHost);
    if (message.originalRequest) writeRequest(message.originalRequest, writer.uint32(18).fork()).join();
    if (message.messageResponse) writeAnswer(message.messageResponse, writer);
    return writer;
  },
  decode(bytes) {
    const r = new BinaryReader(bytes);
    const m: ReflectionResponse = { validHost: "" };
    while (r.pos < r.len) {
      const [field, type] = r.tag();
      if (type !== WireType.LengthDelimited) r.skip(type, field);
      else if (field === 1) m.validHost = r.string();
      else if (field === 2) m.originalRequest = readRequest(r, r.uint32() + r.pos);
      else if (field >= 4 && field <= 7) m.messageResponse = readAnswer(r, field);
      else r.skip(type, field);
    }
    return m;
  },
  fromPartial(p) {
    // the service builds complete responses; this only fills what a caller left out
    const m: ReflectionResponse = { validHost: p.validHost ?? "" };
    if (p.originalRequest) m.originalRequest = fullRequest(p.originalRequest);
    if (p.messageResponse) m.messageResponse = p.messageResponse as ReflectionAnswer;
    return m;
  },
};
