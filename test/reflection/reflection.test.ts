// Server reflection over XTMP: a client built from our generated reflection stubs lists, walks and decodes the schema.
import { create, createFileRegistry, fromBinary, toBinary } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema, type FileDescriptorProto } from "@bufbuild/protobuf/wkt";
import { expect } from "chai";
import { files, importsFirst } from "../helpers/reflection-files.js";
import { BpciServiceDefinition } from "../../generated/bpci/v1/bpci_xtmp.js";
import { RegisterWalletRequest, WalletKind } from "../../generated/bpci/v1/bpci.js";
import { HealthDefinition } from "../../generated/grpc/health/v1/health_xtmp.js";
import { TestServiceDefinition } from "../../generated/grpc/testing/test_xtmp.js";
import type { ServerReflectionRequest, ServerReflectionResponse } from "../../generated/grpc/reflection/v1/reflection.js";
import { ServerReflectionDefinition as V1 } from "../../generated/grpc/reflection/v1/reflection_xtmp.js";
import { ServerReflectionDefinition as V1Alpha } from "../../generated/grpc/reflection/v1alpha/reflection_xtmp.js";
import { bpciDemoImpl } from "../../services/bpci-demo.js";
import { createChannel, createClient, createServer, generateIdentity, type Channel, type DeepPartial } from "../../src/index.js";
import { addReflection } from "../../src/reflection/service.js";
import { within } from "../helpers/calls.js";

/** Requests pushed one at a time into a bidi call. */
class Pipe<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private wake: (() => void) | undefined;
  private ended = false;
  push(item: T): void {
    this.items.push(item);
    this.wake?.();
  }
  end(): void {
    this.ended = true;
    this.wake?.();
  }
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      const item = this.items.shift();
      if (item !== undefined) yield item;
      else if (this.ended) return;
      else await new Promise<void>((r) => (this.wake = r));
    }
  }
}

type Ask = (request: DeepPartial<ServerReflectionRequest>) => Promise<ServerReflectionResponse>;

/** Opens one reflection stream; `ask` sends a request and waits for its answer. */
function stream(channel: Channel, version: typeof V1 | typeof V1Alpha): { ask: Ask; end: () => void } {
  const client = createClient(version as typeof V1, channel);
  const pipe = new Pipe<DeepPartial<ServerReflectionRequest>>();
  const responses = client.serverReflectionInfo(pipe)[Symbol.asyncIterator]();
  return {
    ask: async (request) => {
      pipe.push(request);
      const next = await within(responses.next(), "reflection answer");
      if (next.done) throw new Error("the reflection stream ended");
      return next.value;
    },
    end: () => pipe.end(),
  };
}


const symbol = (s: string): DeepPartial<ServerReflectionRequest> => ({ messageRequest: { $case: "fileContainingSymbol", fileContainingSymbol: s } });
const byName = (f: string): DeepPartial<ServerReflectionRequest> => ({ messageRequest: { $case: "fileByFilename", fileByFilename: f } });
const LIST: DeepPartial<ServerReflectionRequest> = { messageRequest: { $case: "listServices", listServices: "*" } };

describe("server reflection over XTMP", function () {
  this.timeout(20_000);
  const id = generateIdentity();
  const server = createServer({ identity: id });
  server.add(BpciServiceDefinition, bpciDemoImpl()).add(HealthDefinition, {}).add(TestServiceDefinition, {});
  addReflection(server);
  let channel: Channel;
  before(async () => {
    const { port } = await server.listen("xtmp://127.0.0.1:0");
    channel = createChannel(`xtmp://127.0.0.1:${port}`, { serverKey: id.publicKey });
  });
  after(() => {
    channel.close();
    server.forceShutdown();
  });

  for (const [label, version] of [["v1", V1], ["v1alpha", V1Alpha]] as const) {
    describe(label, () => {
      it("list_services names every registered service, reflection included", async () => {
        const s = stream(channel, version);
        const res = await s.ask({ host: "example", ...LIST });
        s.end();
        expect(res.validHost).to.equal("example");
        expect(res.originalRequest?.messageRequest?.$case).to.equal("listServices");
        const r = res.messageResponse;
        expect(r?.$case).to.equal("listServicesResponse");
        const names = r?.$case === "listServicesResponse" ? r.listServicesResponse.service.map((x) => x.name) : [];
        expect(names).to.deep.equal([
          "bpci.v1.BpciService",
          "grpc.health.v1.Health",
          "grpc.testing.TestService",
          "grpc.reflection.v1.ServerReflection",
          "grpc.reflection.v1alpha.ServerReflection",
        ]);
      });

      it("every file fetched by name, walking imports, builds a registry that encodes and decodes BPCI messages", async () => {
        const s = stream(channel, version);
        const got = new Map<string, FileDescriptorProto>();
        const wanted: string[] = [];
        const want = (name: string): void => void (got.has(name) || wanted.includes(name) || wanted.push(name));
        // where each listed service is declared, then every import by its file name
        const list = await s.ask(LIST);
        const services = list.messageResponse?.$case === "listServicesResponse" ? list.messageResponse.listServicesResponse.service : [];
        for (const svc of services) want(files(await s.ask(symbol(svc.name)))[0]?.name ?? "?");
        while (wanted.length > 0) {
          const name = wanted.shift() as string;
          const [first] = files(await s.ask(byName(name)));
          expect(first?.name, "the file asked for comes first, under its own name").to.equal(name);
          got.set(name, first as FileDescriptorProto);
          for (const dep of first?.dependency ?? []) want(dep);
        }
        s.end();
        expect([...got.keys()].sort()).to.deep.equal([
          "bpci/v1/bpci.proto",
          "google/protobuf/descriptor.proto",
          "grpc/health/v1/health.proto",
          "grpc/reflection/v1/reflection.proto",
          "grpc/reflection/v1alpha/reflection.proto",
          "grpc/testing/empty.proto",
          "grpc/testing/messages.proto",
          "grpc/testing/test.proto",
          "xtmp/v1/options.proto",
        ]);
        const registry = createFileRegistry(create(FileDescriptorSetSchema, { file: importsFirst(got) }));
        const bpci = registry.getService("bpci.v1.BpciService");
        expect(bpci?.methods.map((m) => m.name)).to.deep.equal(Object.values(BpciServiceDefinition.methods).map((m) => m.name));
        const schema = registry.getMessage("bpci.v1.RegisterWalletRequest");
        if (!schema) throw new Error("bpci.v1.RegisterWalletRequest is not in the registry");
        // bytes from the generated code decode through the reflected schema and back, unchanged
        const original = RegisterWalletRequest.fromPartial({
          walletId: "w-1",
          publicKey: new Uint8Array([1, 2, 3]),
          kind: WalletKind.WALLET_KIND_INSTITUTIONAL,
          metadata: new Map([["region", "eu-west"]]),
          createdAtMs: 1234567890123n,
        });
        const bytes = RegisterWalletRequest.encode(original).finish();
        const dynamic = fromBinary(schema, bytes) as unknown as Record<string, unknown>;
        expect(dynamic.walletId).to.equal("w-1");
        expect(dynamic.metadata).to.deep.equal({ region: "eu-west" });
        expect(dynamic.createdAtMs).to.equal(1234567890123n);
        expect(RegisterWalletRequest.decode(toBinary(schema, fromBinary(schema, bytes)))).to.deep.equal(original);
        // the custom options survive: the method option extension is declared where options.proto says
        expect(registry.getExtension("xtmp.v1.method")?.number).to.equal(51820);
      });

      it("file_containing_symbol answers for a method and a nested type with the declaring file, then imports not sent yet", async () => {
        const s = stream(channel, version);
        const method = files(await s.ask(symbol("bpci.v1.BpciService.RegisterWallet"))).map((f) => f.name);
        expect(method).to.deep.equal(["bpci/v1/bpci.proto", "xtmp/v1/options.proto", "google/protobuf/descriptor.proto"]);
        // the map entry is a nested message; its file and imports were sent already on this stream
        const nested = files(await s.ask(symbol("bpci.v1.RegisterWalletRequest.MetadataEntry"))).map((f) => f.name);
        expect(nested).to.deep.equal(["bpci/v1/bpci.proto"]);
        const nestedEnum = files(await s.ask(symbol(".grpc.health.v1.HealthCheckResponse.ServingStatus"))).map((f) => f.name);
        expect(nestedEnum).to.deep.equal(["grpc/health/v1/health.proto"]);
        const test = files(await s.ask(symbol("grpc.testing.TestService.UnaryCall"))).map((f) => f.name);
        expect(test).to.deep.equal(["grpc/testing/test.proto", "grpc/testing/empty.proto", "grpc/testing/messages.proto"]);
        s.end();
        // a fresh stream sends the imports again
        const fresh = stream(channel, version);
        expect(files(await fresh.ask(symbol("bpci.v1.RegisterWalletRequest.MetadataEntry"))).map((f) => f.name)).to.have.length(3);
        fresh.end();
      });

      it("extensions: the file declaring xtmp.v1.method, and the extension numbers of MethodOptions", async () => {
        const s = stream(channel, version);
        const ext = await s.ask({ messageRequest: { $case: "fileContainingExtension", fileContainingExtension: { containingType: "google.protobuf.MethodOptions", extensionNumber: 51820 } } });
        expect(files(ext).map((f) => f.name)).to.deep.equal(["xtmp/v1/options.proto", "google/protobuf/descriptor.proto"]);
        const nums = await s.ask({ messageRequest: { $case: "allExtensionNumbersOfType", allExtensionNumbersOfType: "google.protobuf.MethodOptions" } });
        expect(nums.messageResponse).to.deep.equal({
          $case: "allExtensionNumbersResponse",
          allExtensionNumbersResponse: { baseTypeName: "google.protobuf.MethodOptions", extensionNumber: [51820] },
        });
        s.end();
      });

      it("unknown symbol, file and extension get a NOT_FOUND error response, and the stream keeps answering", async () => {
        const s = stream(channel, version);
        for (const req of [
          symbol("bpci.v1.NoSuchThing"),
          byName("no/such/file.proto"),
          { messageRequest: { $case: "fileContainingExtension", fileContainingExtension: { containingType: "google.protobuf.MethodOptions", extensionNumber: 1 } } },
          { messageRequest: { $case: "allExtensionNumbersOfType", allExtensionNumbersOfType: "no.such.Type" } },
        ] as DeepPartial<ServerReflectionRequest>[]) {
          const r = (await s.ask(req)).messageResponse;
          expect(r?.$case).to.equal("errorResponse");
          expect(r?.$case === "errorResponse" ? r.errorResponse.errorCode : -1).to.equal(5);
          expect(r?.$case === "errorResponse" ? r.errorResponse.errorMessage : "").to.match(/not found/);
        }
        const empty = (await s.ask({ host: "h" })).messageResponse;
        expect(empty?.$case === "errorResponse" ? empty.errorResponse.errorCode : -1, "a request asking nothing").to.equal(3);
        expect((await s.ask(LIST)).messageResponse?.$case).to.equal("listServicesResponse");
        s.end();
      });
    });
  }

  it("a service added after reflection is listed and described", async () => {
    const late = createServer({ identity: id });
    addReflection(late);
    late.add(HealthDefinition, {});
    const { port } = await late.listen("xtmp://127.0.0.1:0");
    const ch = createChannel(`xtmp://127.0.0.1:${port}`, { serverKey: id.publicKey });
    try {
      const s = stream(ch, V1);
      const r = (await s.ask(LIST)).messageResponse;
      const names = r?.$case === "listServicesResponse" ? r.listServicesResponse.service.map((x) => x.name) : [];
      expect(names).to.include("grpc.health.v1.Health");
      expect(files(await s.ask(symbol("grpc.health.v1.Health.Watch")))[0]?.name).to.equal("grpc/health/v1/health.proto");
      s.end();
    } finally {
      ch.close();
      late.forceShutdown();
    }
  });
});
