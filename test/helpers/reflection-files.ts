// Reflection answers for tests: the FileDescriptorProtos of a response, and files ordered imports first.
import { fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema, type FileDescriptorProto } from "@bufbuild/protobuf/wkt";
import type { ServerReflectionResponse } from "../../generated/grpc/reflection/v1/reflection.js";

/** The files of a file_descriptor_response (throws on any other answer). */
export function files(res: ServerReflectionResponse): FileDescriptorProto[] {
  const r = res.messageResponse;
  if (r?.$case !== "fileDescriptorResponse") throw new Error(`expected files, got ${JSON.stringify(r)}`);
  return r.fileDescriptorResponse.fileDescriptorProto.map((b) => fromBinary(FileDescriptorProtoSchema, b));
}

/** The files ordered so each comes after its imports (what a FileDescriptorSet needs). */
export function importsFirst(byFileName: ReadonlyMap<string, FileDescriptorProto>): FileDescriptorProto[] {
  const out: FileDescriptorProto[] = [];
  const visit = (name: string): void => {
    const f = byFileName.get(name);
    if (!f || out.includes(f)) return;
    f.dependency.forEach(visit);
    out.push(f);
  };
  [...byFileName.keys()].forEach(visit);
  return out;
}
