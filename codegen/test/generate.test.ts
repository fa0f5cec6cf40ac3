// Golden-file and behaviour tests of protoc-gen-xtmp.
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema, MethodDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { expect } from "chai";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generate, parseOptions } from "../generate.js";
import { buildRequest, ROOT } from "./build-request.js";

const GOLDEN = join(ROOT, "codegen/test/golden");

function output(files: string[], parameter?: string): Map<string, string> {
  const res = generate(buildRequest(files, parameter));
  expect(res.error ?? "").to.equal("");
  return new Map(res.file.map((f) => [f.name, f.content]));
}

function golden(name: string, actual: string): void {
  const path = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === "1") writeFileSync(path, actual);
  expect(actual).to.equal(readFileSync(path, "utf8"), `${name} differs; rerun with UPDATE_GOLDEN=1 if intended`);
}

describe("protoc-gen-xtmp", function () {
  this.timeout(60_000);

  it("matches the golden output for a schema with options", () => {
    const files = output(["fixture/v1/fixture.proto"]);
    expect([...files.keys()]).to.deep.equal(["fixture/v1/fixture_xtmp.ts"]);
    golden("fixture_xtmp.ts.golden", files.get("fixture/v1/fixture_xtmp.ts") ?? "");
  });

  it("generates a schema that does not import the options, with defaults", () => {
    const req = buildRequest(["fixture/v1/plain.proto"]);
    expect(req.protoFile.map((f) => f.name)).to.not.include("xtmp/v1/options.proto");
    const res = generate(req);
    expect(res.error ?? "").to.equal("");
    const text = res.file[0]?.content ?? "";
    golden("plain_xtmp.ts.golden", text);
    expect(text).to.include(`rules: { delivery: "reliable", idempotency: "unknown", signed: false, compression: "default" }`);
  });

  it("declares proto3 optional support", () => {
    expect(generate(buildRequest(["fixture/v1/plain.proto"])).supportedFeatures & 1n).to.equal(1n);
  });

  it("keeps method ids stable when methods are appended", () => {
    const req = buildRequest(["fixture/v1/fixture.proto"]);
    const ids = (text: string) => [...text.matchAll(/path: "([^"]+)",\n\s+id: (\d+)/g)].map((m) => `${m[1]}=${m[2]}`);
    const before = ids(generate(req).file[0]?.content ?? "");
    const file = req.protoFile.find((f) => f.name === "fixture/v1/fixture.proto");
    file?.service[0]?.method.push(
      create(MethodDescriptorProtoSchema, { name: "Appended", inputType: ".fixture.v1.EchoRequest", outputType: ".fixture.v1.EchoResponse" }),
    );
    const after = ids(generate(req).file[0]?.content ?? "");
    expect(before).to.have.length(4);
    expect(after.slice(0, 4)).to.deep.equal(before);
    expect(after[4]).to.equal("/fixture.v1.EchoService/Appended=5");
  });

  it("rejects DELIVERY_DATAGRAM on a non-server-streaming method", () => {
    const req = buildRequest(["fixture/v1/fixture.proto"]);
    const svc = req.protoFile.find((f) => f.name === "fixture/v1/fixture.proto")?.service[0];
    const ticks = svc?.method.find((m) => m.name === "Ticks");
    if (!ticks) throw new Error("fixture changed");
    ticks.serverStreaming = false;
    expect(generate(req).error).to.match(/DELIVERY_DATAGRAM is only valid on server-streaming/);
  });

  it("resolves a relative runtime path per output file and rejects unknown options", () => {
    const text = output(["fixture/v1/plain.proto"], "runtime=../src/index.js").get("fixture/v1/plain_xtmp.ts") ?? "";
    expect(text).to.include(`from "../../../src/index.js"`);
    expect(() => parseOptions("bogus=1")).to.throw(/unknown option/);
    expect(generate(buildRequest(["fixture/v1/plain.proto"], "bogus=1")).error).to.match(/unknown option/);
  });

  it("embeds the request's FileDescriptorProto of the file and of each import, imports first, under their real names", () => {
    const req = buildRequest(["fixture/v1/fixture.proto"]);
    const text = generate(req).file[0]?.content ?? "";
    const consts = [...text.matchAll(/^(?:export )?const (file_\w+) = \{\n  name: "([^"]+)",\n  base64: "([^"]+)",\n  dependencies: \[([^\]]*)\],/gm)];
    expect(consts.map((m) => `${m[1]} ${m[2]} [${m[4]}]`)).to.deep.equal([
      "file_google_protobuf_descriptor google/protobuf/descriptor.proto []",
      "file_xtmp_v1_options xtmp/v1/options.proto [file_google_protobuf_descriptor]",
      "file_fixture_v1_fixture fixture/v1/fixture.proto [file_xtmp_v1_options]",
    ]);
    expect(text).to.match(/^export const file_fixture_v1_fixture = /m);
    expect(text).to.include("  file: file_fixture_v1_fixture,\n");
    for (const m of consts) {
      const embedded = fromBinary(FileDescriptorProtoSchema, Buffer.from(m[3] as string, "base64"));
      const original = req.protoFile.find((f) => f.name === m[2]);
      if (!original) throw new Error(`${m[2]} is not in the request`);
      // the compiled file keeps its comments; imports outside the run are embedded without them
      if (m[2] === "fixture/v1/fixture.proto") {
        expect(embedded.sourceCodeInfo?.location.length ?? 0).to.be.greaterThan(0);
        expect(toBinary(FileDescriptorProtoSchema, embedded)).to.deep.equal(toBinary(FileDescriptorProtoSchema, original));
      } else {
        expect(embedded.sourceCodeInfo).to.equal(undefined);
        expect(toBinary(FileDescriptorProtoSchema, embedded)).to.deep.equal(
          toBinary(FileDescriptorProtoSchema, create(FileDescriptorProtoSchema, { ...original, sourceCodeInfo: undefined })),
        );
      }
    }
  });

  it("descriptors= emits only descriptor modules, and names a file missing from the request", () => {
    const files = output(["fixture/v1/fixture.proto"], "runtime=x,descriptors=xtmp/v1/options.proto");
    expect([...files.keys()]).to.deep.equal(["xtmp/v1/options_descriptor.ts"]);
    const text = files.get("xtmp/v1/options_descriptor.ts") ?? "";
    expect(text.startsWith("// Code generated by protoc-gen-xtmp. DO NOT EDIT.\n")).to.equal(true);
    expect(text).to.not.match(/^import /m);
    expect([...text.matchAll(/^(?:export )?const (\w+)/gm)].map((m) => m[0])).to.deep.equal(["const file_google_protobuf_descriptor", "export const file_xtmp_v1_options"]);
    expect(generate(buildRequest(["fixture/v1/plain.proto"], "descriptors=no/such.proto")).error).to.match(/descriptors=no\/such\.proto: no such file/);
  });
});
