// `xtmp call`/`list`/`describe` without --proto against `xtmp serve`: schemas from server reflection, XTMP method options kept.
import { expect } from "chai";
import { serve, xtmp } from "../helpers/cli-run.js";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TestServiceDefinition } from "../../generated/grpc/testing/test_xtmp.js";
import { testServiceImpl } from "../../services/test-service.js";
import { createServer } from "../../src/index.js";


describe("xtmp call without --proto (server reflection)", function () {
  this.timeout(60_000);
  let server: Awaited<ReturnType<typeof serve>>;
  let target: string;
  let pin: string[];

  before(async () => {
    server = await serve(["--listen", "127.0.0.1:0"]);
    target = `127.0.0.1:${server.port}`;
    pin = ["--server-key", server.key];
  });
  after(async () => server?.stop());

  const call = (method: string, rest: string[]) => xtmp(["call", target, method, ...rest, ...pin]);

  it("unary: the request and response types come from reflection", async () => {
    const r = await call("grpc.testing.TestService/UnaryCall", ['{"responseType":"COMPRESSABLE","responseSize":5}']);
    expect(r).to.deep.equal({ code: 0, out: ['{"payload":{"body":"AAAAAAA="}}'], err: [] });
  });

  it("server streaming: one JSON object per line, in order", async () => {
    const r = await call("grpc.testing.TestService/StreamingOutputCall", ['{"responseParameters":[{"size":3},{"size":1},{"size":2}]}']);
    expect(r).to.deep.equal({ code: 0, out: ['{"payload":{"body":"AAAA"}}', '{"payload":{"body":"AA=="}}', '{"payload":{"body":"AAA="}}'], err: [] });
  });

  it("a signed method (RegisterWallet) is signed: its (xtmp.v1.method) options survive reflection; maps, enums, bytes and int64 as JSON", async () => {
    const dir = await mkdtemp(join(tmpdir(), "xtmp-reflect-"));
    try {
      expect((await xtmp(["keygen", "--out", dir])).code).to.equal(0);
      const req = { walletId: "w-reflect", publicKey: Buffer.alloc(32, 9).toString("base64"), kind: "WALLET_KIND_VALIDATOR", metadata: { region: "eu" }, createdAtMs: "9007199254740993" };
      const r = await call("bpci.v1.BpciService/RegisterWallet", [JSON.stringify(req), "--keys", dir]);
      expect(r.err).to.deep.equal([]);
      expect(r.code).to.equal(0);
      const res = JSON.parse(r.out[0] ?? "") as Record<string, unknown>;
      expect(res.walletId).to.equal("w-reflect");
      expect(res.accountNumber).to.be.a("string");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("list: services, and the methods of one service", async () => {
    const all = await xtmp(["list", target, ...pin]);
    expect(all.code).to.equal(0);
    expect(all.out).to.include.members(["bpci.v1.BpciService", "grpc.testing.TestService", "grpc.reflection.v1.ServerReflection"]);
    const one = await xtmp(["list", target, "bpci.v1.BpciService", ...pin]);
    expect(one.out).to.include.members(["bpci.v1.BpciService.RegisterWallet", "bpci.v1.BpciService.SubmitBundle"]);
  });

  it("describe: messages with oneofs and nested types, methods with their XTMP rules, unknown symbols exit 3", async () => {
    const msg = await xtmp(["describe", target, "bpci.v1.Bundle", ...pin]);
    expect(msg.code).to.equal(0);
    expect(msg.out[0]).to.match(/message Bundle \{/).and.match(/repeated \.bpci\.v1\.Transaction transactions = 2;/).and.match(/oneof routing \{\n\s+string shard = 4;\n\s+string wallet_affinity = 5;/);
    const rpc = await xtmp(["describe", target, "bpci.v1.BpciService.RegisterWallet", ...pin]);
    expect(rpc.out[0]).to.match(/rpc RegisterWallet\(\.bpci\.v1\.RegisterWalletRequest\) returns \(\.bpci\.v1\.RegisterWalletResponse\);.*, signed,/);
    const unknown = await xtmp(["describe", target, "bpci.v1.Nope", ...pin]);
    expect(unknown.code).to.equal(3);
    expect(unknown.err[0]).to.match(/unknown symbol bpci\.v1\.Nope/);
  });

  it("an unknown method is INVALID_ARGUMENT (exit 3) naming the known services", async () => {
    const r = await call("no.Such/Call", ["{}"]);
    expect(r.code).to.equal(3);
    expect(r.err[0]).to.match(/unknown service no\.Such \(known: .*bpci\.v1\.BpciService/);
  });
});

describe("xtmp call without --proto against a server without reflection", function () {
  this.timeout(30_000);
  const server = createServer({ insecure: true });
  server.add(TestServiceDefinition, testServiceImpl);
  let target = "";
  before(async () => {
    target = `xtmp://127.0.0.1:${(await server.listen("xtmp://127.0.0.1:0")).port}`;
  });
  after(() => server.forceShutdown());

  it("exits with UNIMPLEMENTED (12) and says to pass --proto; with --proto the same call works", async () => {
    const r = await xtmp(["call", target, "grpc.testing.TestService/EmptyCall", "{}", "--insecure"]);
    expect(r.code).to.equal(12);
    expect(r.out).to.deep.equal([]);
    expect(r.err).to.have.length(1);
    expect(r.err[0]).to.match(/^xtmp call: UNIMPLEMENTED: server reflection: .*pass --proto FILE/);
    const withProto = await xtmp(["call", target, "grpc.testing.TestService/EmptyCall", "{}", "--insecure", "--proto", "proto/grpc/testing/test.proto", "--import-path", "proto"]);
    expect(withProto).to.deep.equal({ code: 0, out: ["{}"], err: [] });
  });
});
