// Test helper: compiles .proto files with buf (descriptor sets, CodeGeneratorRequests).
import { create, fromBinary } from "@bufbuild/protobuf";
import { CodeGeneratorRequestSchema, FileDescriptorSetSchema, type CodeGeneratorRequest, type FileDescriptorSet } from "@bufbuild/protobuf/wkt";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Repository root. */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

// both proto roots as one workspace, so fixtures can import xtmp/v1/options.proto
const CONFIG = JSON.stringify({ version: "v2", modules: [{ path: "proto" }, { path: "codegen/test/proto" }] });

/** Compiles the given paths (relative to the repo root) and their imports with buf. */
export function buildDescriptorSet(paths: string[]): FileDescriptorSet {
  const dir = mkdtempSync(join(tmpdir(), "xtmp-gen-"));
  try {
    const out = join(dir, "image.binpb");
    const args = ["build", ".", "--config", CONFIG, "--as-file-descriptor-set", "-o", out];
    for (const p of paths) args.push("--path", p);
    execFileSync(join(ROOT, "node_modules/.bin/buf"), args, { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
    return fromBinary(FileDescriptorSetSchema, readFileSync(out));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Builds a request for `files` (paths relative to codegen/test/proto) with the real compiler. */
export function buildRequest(files: string[], parameter = "runtime=xtmp-rpc"): CodeGeneratorRequest {
  const set = buildDescriptorSet(files.map((f) => join("codegen/test/proto", f)));
  return create(CodeGeneratorRequestSchema, { fileToGenerate: files, parameter, protoFile: set.file });
}
