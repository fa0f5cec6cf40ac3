// Server reflection through the gRPC bridge: a stock @grpc/grpc-js client lists services and walks every file by name (v1 and v1alpha).
import { createFileRegistry, create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema, type FileDescriptorProto } from "@bufbuild/protobuf/wkt";
import { expect } from "chai";
import { files, importsFirst } from "../helpers/reflection-files.js";
import type * as grpc from "@grpc/grpc-js";
import { BpciServiceDefinition } from "../../generated/bpci/v1/bpci_xtmp.js";
import { RegisterWalletRequest, WalletKind } from "../../generated/bpci/v1/bpci.js";
import { TestServiceDefinition } from "../../generated/grpc/testing/test_xtmp.js";
import type { ServerReflectionRequest, ServerReflectionResponse } from "../../generated/grpc/reflection/v1/reflection.js";
import { ServerReflectionDefinition as V1 } from "../../generated/grpc/reflection/v1/reflection_xtmp.js";
import { ServerReflectionDefinition as V1Alpha } from "../../generated/grpc/reflection/v1alpha/reflection_xtmp.js";
import { bpciDemoImpl } from "../../services/bpci-demo.js";
import { testServiceImpl } from "../../services/test-service.js";
import { createServer, type DeepPartial } from "../../src/index.js";
import { within } from "../helpers/calls.js";
import { grpcClient, type GenericClient } from "./grpc-client.js";

type Duplex = grpc.ClientDuplexStream<DeepPartial<ServerReflectionRequest>, ServerReflectionResponse>;

/** One ServerReflectionInfo stream over grpc-js; `ask` writes a request and waits for its answer. */
function stream(client: GenericClient) {
  const call = (client.ServerReflectionInfo as () => Duplex).call(client);
  const answers: ServerReflectionResponse[] = [];
  const waiting: ((r: ServerReflectionResponse | Error) => void)[] = [];
  call.on("data", (r: ServerReflectionResponse) => (waiting.length > 0 ? waiting.shift()?.(r) : answers.push(r)));
  call.on("error", (e: Error) => waiting.splice(0).forEach((w) => w(e)));
  const status = new Promise<grpc.StatusObject>((resolve) => call.on("status", resolve));
  return {
    async ask(request: DeepPartial<ServerReflectionRequest>): Promise<ServerReflectionResponse> {
      call.write(request);
      const got = answers.shift() ?? (await within(new Promise<ServerReflectionResponse | Error>((r) => waiting.push(r)), "reflection answer"));
      if (got instanceof Error) throw got;
      return got;
    },
    /** Half-closes the stream and resolves with its final status. */
    end: () => (call.end(), within(status, "reflection status")),
  };
}


const LIST: DeepPartial<ServerReflectionRequest> = { host: "bridge", messageRequest: { $case: "listServices", listServices: "*" } };
const symbol = (s: string): DeepPartial<ServerReflectionRequest> => ({ messageRequest: { $case: "fileContainingSymbol", fileContainingSymbol: s } });
const byName = (f: string): DeepPartial<ServerReflectionRequest> => ({ messageRequest: { $case: "fileByFilename", fileByFilename: f } });

describe("server reflection over the gRPC bridge (@grpc/grpc-js client)", function () {
  this.timeout(30_000);
  const server = createServer({ insecure: true, reflection: true });
  server.add(BpciServiceDefinition, bpciDemoImpl()).add(TestServiceDefinition, testServiceImpl);
  const clients: GenericClient[] = [];
  let target = "";
  before(async () => {
    target = `127.0.0.1:${(await server.listen("grpc://127.0.0.1:0")).port}`;
  });
  after(() => {
    for (const c of clients) c.close();
    server.forceShutdown();
  });

  for (const [label, version] of [["v1", V1], ["v1alpha", V1Alpha]] as const) {
    describe(label, () => {
      it("list_services over a bidi ServerReflectionInfo call names every service, and the call ends OK", async () => {
        const client = grpcClient(version, target);
        clients.push(client);
        const s = stream(client);
        const res = await s.ask(LIST);
        expect(res.validHost).to.equal("bridge");
        const r = res.messageResponse;
        expect(r?.$case).to.equal("listServicesResponse");
        const names = r?.$case === "listServicesResponse" ? r.listServicesResponse.service.map((x) => x.name) : [];
        expect(names).to.deep.equal(["grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection", "bpci.v1.BpciService", "grpc.testing.TestService"]);
        expect((await s.end()).code).to.equal(0);
      });

      it("file_by_filename walks every import under its real name, and the files build a working registry", async () => {
        const client = grpcClient(version, target);
        clients.push(client);
        const s = stream(client);
        const got = new Map<string, FileDescriptorProto>();
        const wanted: string[] = [];
        const want = (name: string): void => void (got.has(name) || wanted.includes(name) || wanted.push(name));
        want(files(await s.ask(symbol("bpci.v1.BpciService")))[0]?.name ?? "?");
        want(files(await s.ask(symbol("grpc.testing.TestService")))[0]?.name ?? "?");
        // several requests on one stream, each answered in turn
        while (wanted.length > 0) {
          const name = wanted.shift() as string;
          const [first] = files(await s.ask(byName(name)));
          expect(first?.name, "the file asked for comes first, under its own name").to.equal(name);
          got.set(name, first as FileDescriptorProto);
          for (const dep of first?.dependency ?? []) want(dep);
        }
        const missing = await s.ask(byName("no/such.proto"));
        expect(missing.messageResponse).to.deep.equal({ $case: "errorResponse", errorResponse: { errorCode: 5, errorMessage: "file not found: no/such.proto" } });
        expect((await s.end()).code).to.equal(0);
        expect([...got.keys()].sort()).to.deep.equal([
          "bpci/v1/bpci.proto",
          "google/protobuf/descriptor.proto",
          "grpc/testing/empty.proto",
          "grpc/testing/messages.proto",
          "grpc/testing/test.proto",
          "xtmp/v1/options.proto",
        ]);
        // a registry from the answers alone: its RegisterWalletRequest reads the bytes ts-proto wrote
        const registry = createFileRegistry(create(FileDescriptorSetSchema, { file: importsFirst(got) }));
        const desc = registry.getMessage("bpci.v1.RegisterWalletRequest");
        expect(desc, "bpci.v1.RegisterWalletRequest in the registry").to.not.equal(undefined);
        const bytes = RegisterWalletRequest.encode(RegisterWalletRequest.fromPartial({ walletId: "w", publicKey: new Uint8Array([1, 2]), kind: WalletKind.WALLET_KIND_VALIDATOR, metadata: new Map([["a", "b"]]), createdAtMs: 7n })).finish();
        const msg = fromBinary(desc!, bytes);
        expect(toBinary(desc!, msg)).to.deep.equal(bytes);
        expect(registry.getService("grpc.testing.TestService")?.methods.map((m) => m.name)).to.include("FullDuplexCall");
      });
    });
  }
});
