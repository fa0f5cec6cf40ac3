// protoc-gen-xtmp entry point: CodeGeneratorRequest on stdin -> CodeGeneratorResponse on stdout.
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { CodeGeneratorRequestSchema, CodeGeneratorResponseSchema } from "@bufbuild/protobuf/wkt";
import { generate } from "./generate.js";

const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
const request = fromBinary(CodeGeneratorRequestSchema, Buffer.concat(chunks));
process.stdout.write(toBinary(CodeGeneratorResponseSchema, generate(request)));
