// protobufjs 8 (parsed .proto + protojson) agrees with the generated ts-proto code: same bytes, same proto3 JSON.
import { expect } from "chai";
import { LiveUpdatesResponse, RegisterWalletRequest, SubmitBundleRequest, SubmitBundlesResponse, WalletKind, BundleStatus } from "../../generated/bpci/v1/bpci.js";
import { PayloadType, SimpleRequest, StreamingOutputCallRequest, LoadBalancerStatsResponse } from "../../generated/grpc/testing/messages.js";
import { BpciServiceDefinition } from "../../generated/bpci/v1/bpci_xtmp.js";
import { TestServiceDefinition } from "../../generated/grpc/testing/test_xtmp.js";
import { HealthDefinition } from "../../generated/grpc/health/v1/health_xtmp.js";
import { findMethod, loadSchema } from "../../cli/call-schema.js";
import { JsonInputError, lines, requestFromJson, responseToJson } from "../../cli/call-json.js";
import type { MessageCodec, ServiceDescriptor } from "../../src/index.js";

interface Sample {
  name: string;
  codec: MessageCodec<unknown> & { toJSON(m: unknown): unknown };
  message: unknown;
}

const key = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff);

const SAMPLES: Sample[] = [
  {
    name: "bpci.v1.RegisterWalletRequest",
    codec: RegisterWalletRequest as Sample["codec"],
    message: RegisterWalletRequest.fromPartial({
      walletId: "alice",
      publicKey: key,
      kind: WalletKind.WALLET_KIND_INSTITUTIONAL,
      metadata: new Map([["region", "eu-west"], ["tier", "gold"], ["ünï", "ç☃"]]),
      createdAtMs: 9_007_199_254_740_993n, // above 2^53: must not pass through a double
    }),
  },
  {
    name: "bpci.v1.SubmitBundleRequest",
    codec: SubmitBundleRequest as Sample["codec"],
    message: SubmitBundleRequest.fromPartial({
      bundle: {
        bundleId: "b-1",
        transactions: [
          { txId: "t1", fromWallet: "a", toWallet: "b", amount: -9_223_372_036_854_775_808n, fee: 18_446_744_073_709_551_615n, payload: new Uint8Array([0, 255, 128]) },
          { txId: "t2", fromWallet: "b", toWallet: "a", amount: 0n, fee: 0n, payload: new Uint8Array() },
        ],
        submittedAtMs: -5n,
        routing: { $case: "walletAffinity", walletAffinity: "alice" },
      },
    }),
  },
  {
    name: "bpci.v1.LiveUpdatesResponse",
    codec: LiveUpdatesResponse as Sample["codec"],
    message: LiveUpdatesResponse.fromPartial({
      sequence: 42n,
      topic: "bundles",
      timestampMs: 1_700_000_000_123n,
      event: { $case: "bundle", bundle: { bundleId: "b-1", status: BundleStatus.BUNDLE_STATUS_REJECTED, reason: "fee", sequence: 7n, bundleHash: key } },
    }),
  },
  {
    name: "bpci.v1.SubmitBundlesResponse",
    codec: SubmitBundlesResponse as Sample["codec"],
    message: SubmitBundlesResponse.fromPartial({ received: 3, accepted: 2, rejected: 1, totalAmount: 123n, receipts: [{ bundleId: "x", sequence: 1n }, { bundleId: "y" }] }),
  },
  {
    name: "grpc.testing.SimpleRequest",
    codec: SimpleRequest as Sample["codec"],
    message: SimpleRequest.fromPartial({
      responseType: PayloadType.COMPRESSABLE,
      responseSize: 314159,
      payload: { body: new Uint8Array(271).map((_, i) => i & 0xff) },
      fillUsername: true,
      responseCompressed: { value: true },
      responseStatus: { code: 5, message: "not here" },
      expectCompressed: { value: false },
    }),
  },
  {
    name: "grpc.testing.StreamingOutputCallRequest",
    codec: StreamingOutputCallRequest as Sample["codec"],
    message: StreamingOutputCallRequest.fromPartial({ responseParameters: [{ size: 1, intervalUs: 10 }, { size: 0 }, { size: 70000 }], payload: { body: new Uint8Array([1, 2, 3]) } }),
  },
  {
    name: "grpc.testing.LoadBalancerStatsResponse",
    codec: LoadBalancerStatsResponse as Sample["codec"],
    message: LoadBalancerStatsResponse.fromPartial({
      rpcsByPeer: new Map([["a", 1], ["b", 2]]),
      numFailures: 3,
    }),
  },
];

async function schema() {
  return loadSchema(["proto/bpci/v1/bpci.proto", "proto/grpc/testing/test.proto"], ["proto"]);
}

describe("xtmp call: protobufjs schemas and proto3 JSON", () => {
  for (const s of SAMPLES) {
    it(`${s.name}: protobufjs decodes, prints, re-parses and re-encodes the ts-proto bytes byte-identically, with the same JSON as ts-proto`, async () => {
      const root = await schema();
      const type = root.lookupType(s.name);
      const bytes = s.codec.encode(s.message).finish();
      const json = responseToJson(type, type.decode(bytes));
      const again = type.encode(requestFromJson(type, json, "sample")).finish();
      expect(Buffer.from(again).toString("hex")).to.equal(Buffer.from(bytes).toString("hex"));
      expect(JSON.parse(json)).to.deep.equal(s.codec.toJSON(s.message));
      // and ts-proto reads protobufjs's bytes back to the same message
      expect(s.codec.decode(again)).to.deep.equal(s.message);
    });
  }

  it("accepts the proto3 JSON input forms: int64 as string or number, enums by name or number, bytes base64 or base64url, oneof by its field", async () => {
    const type = (await schema()).lookupType("bpci.v1.RegisterWalletRequest");
    const a = requestFromJson(type, JSON.stringify({ walletId: "w", kind: "WALLET_KIND_VALIDATOR", createdAtMs: "-9007199254740993", publicKey: "+/8=" }), "a");
    const b = requestFromJson(type, JSON.stringify({ wallet_id: "w", kind: 3, createdAtMs: -9007199254740993, publicKey: "-_8" }), "b");
    const decoded = RegisterWalletRequest.decode(type.encode(a).finish());
    expect(decoded.createdAtMs).to.equal(-9_007_199_254_740_993n);
    expect(decoded.kind).to.equal(WalletKind.WALLET_KIND_VALIDATOR);
    expect([...decoded.publicKey]).to.deep.equal([0xfb, 0xff]);
    // a JSON number above 2^53 is already rounded by JSON.parse; only the string form is exact
    const fromNumber = RegisterWalletRequest.decode(type.encode(b).finish());
    expect(fromNumber.kind).to.equal(WalletKind.WALLET_KIND_VALIDATOR);
    expect([...fromNumber.publicKey]).to.deep.equal([0xfb, 0xff]);
    const bundle = (await schema()).lookupType("bpci.v1.Bundle");
    const routed = requestFromJson(bundle, '{"shard":"s-9"}', "c");
    const ts = SubmitBundleRequest.decode(SubmitBundleRequest.encode({ bundle: undefined }).finish());
    expect(ts.bundle).to.equal(undefined);
    expect(SubmitBundleRequest.decode(new Uint8Array([10, ...lengthPrefixed(bundle.encode(routed).finish())])).bundle?.routing).to.deep.equal({ $case: "shard", shard: "s-9" });
  });

  it("refuses bad requests with a JsonInputError naming the problem: not JSON, unknown field, bad enum, fractional int64, two fields of one oneof", async () => {
    const root = await schema();
    const type = root.lookupType("bpci.v1.RegisterWalletRequest");
    const bad: [string, RegExp][] = [
      ['{"walletId":', /not JSON/],
      ['{"nope":1}', /unknown field/],
      ['{"kind":"WALLET_KIND_MARTIAN"}', /enum/],
      ['{"createdAtMs":1.5}', /integer/],
      ["[1]", /object/],
    ];
    for (const [text, why] of bad) {
      expect(() => requestFromJson(type, text, "request"), text).to.throw(JsonInputError, why);
    }
    expect(() => requestFromJson(root.lookupType("bpci.v1.Bundle"), '{"shard":"a","walletAffinity":"b"}', "request")).to.throw(JsonInputError, /oneof|routing/);
  });

  it("derives the same method paths, kinds and XTMP rules from the .proto files as the generated descriptors", async () => {
    const root = await loadSchema(["proto/bpci/v1/bpci.proto", "proto/grpc/testing/test.proto", "proto/grpc/health/v1/health.proto"], ["proto"]);
    const services: ServiceDescriptor[] = [BpciServiceDefinition, TestServiceDefinition, HealthDefinition];
    let n = 0;
    for (const svc of services) {
      for (const m of Object.values(svc.methods)) {
        const found = findMethod(root, m.path).descriptor;
        expect({ path: found.path, id: found.id, kind: found.kind, rules: found.rules }, m.path).to.deep.equal({ path: m.path, id: m.id, kind: m.kind, rules: m.rules });
        n++;
      }
    }
    expect(n).to.be.greaterThan(10);
    expect(findMethod(root, "bpci.v1.BpciService.SubmitBundle").descriptor.rules.signed).to.equal(true);
  });

  it("splits stdin into JSON lines across chunk boundaries, CRLF and blank lines, and refuses an over-long line", async () => {
    async function* chunks(...parts: string[]) {
      for (const p of parts) yield new TextEncoder().encode(p);
    }
    const got: string[] = [];
    for await (const l of lines(chunks('{"a":', '1}\r\n\n{"b"', ":2}\n", '{"c":3}'))) got.push(l);
    expect(got).to.deep.equal(['{"a":1}', '{"b":2}', '{"c":3}']);
    const long = async () => {
      for await (const _ of lines(chunks("x".repeat(50), "y".repeat(60)), 100)) void _;
    };
    let err: unknown;
    await long().catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(JsonInputError);
  });
});

function lengthPrefixed(bytes: Uint8Array): number[] {
  const out: number[] = [];
  let n = bytes.length;
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n, ...bytes);
  return out;
}
