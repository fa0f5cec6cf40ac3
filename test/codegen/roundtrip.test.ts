// Every BPCI, TestService and health message: ts-proto code agrees with protobuf-es on the wire.
import { create, createFileRegistry, equals, fromBinary, toBinary, type DescMessage } from "@bufbuild/protobuf";
import { expect } from "chai";
import fc from "fast-check";
import { buildDescriptorSet } from "../../codegen/test/build-request.js";
import { Bundle, SubmitBundleRequest, Transaction } from "../../generated/bpci/v1/bpci.js";
import { LoadBalancerStatsResponse } from "../../generated/grpc/testing/messages.js";
import { messageInit } from "../helpers/random-message.js";

interface TsCodec {
  encode(message: unknown): { finish(): Uint8Array };
  decode(bytes: Uint8Array): unknown;
  fromPartial(object: unknown): unknown;
}

const FILES = ["proto/bpci/v1/bpci.proto", "proto/grpc/testing/messages.proto", "proto/grpc/testing/empty.proto", "proto/grpc/health/v1/health.proto"];

describe("message round trips (ts-proto vs protobuf-es)", function () {
  this.timeout(60_000);
  const registry = createFileRegistry(buildDescriptorSet(FILES));
  const targets: { desc: DescMessage; module: string; exportName: string }[] = [];
  for (const path of FILES) {
    const file = registry.getFile(path.slice("proto/".length));
    if (!file) throw new Error(`missing ${path}`);
    const walk = (msgs: readonly DescMessage[]): void => {
      for (const desc of msgs) {
        if (desc.proto.options?.mapEntry) continue;
        const exportName = desc.typeName.slice(file.proto.package.length + 1).replace(/\./g, "_");
        targets.push({ desc, module: `../../generated/${file.name}.js`, exportName });
        walk(desc.nestedMessages);
      }
    };
    walk(file.messages);
  }

  it("covers every message of the schemas", () => {
    expect(targets.map((t) => t.desc.typeName)).to.include.members([
      "bpci.v1.RegisterWalletRequest",
      "bpci.v1.Bundle",
      "bpci.v1.LiveUpdatesResponse",
      "grpc.testing.SimpleRequest",
      "grpc.testing.LoadBalancerStatsResponse",
      "grpc.health.v1.HealthCheckResponse",
    ]);
    expect(targets.length).to.be.greaterThan(30);
  });

  for (const { desc, module, exportName } of targets) {
    it(`${desc.typeName}: random messages survive es→ts→es`, async () => {
      const mod = (await import(module)) as Record<string, TsCodec>;
      const codec = mod[exportName];
      if (!codec) throw new Error(`${module} does not export ${exportName}`);
      fc.assert(
        fc.property(messageInit(desc), (init) => {
          const original = create(desc, init);
          const bytes = toBinary(desc, original);
          const decoded = codec.decode(bytes);
          const reencoded = codec.encode(decoded).finish();
          const back = fromBinary(desc, reencoded);
          expect(equals(desc, original, back), "es→ts→es changed the message").to.equal(true);
          expect(codec.decode(reencoded)).to.deep.equal(decoded);
          expect(codec.fromPartial(decoded)).to.deep.equal(decoded);
        }),
        { numRuns: 60 },
      );
    });
  }

  it("int64 extremes, bytes, oneofs and maps survive exactly", () => {
    const tx = Transaction.fromPartial({
      txId: "t",
      amount: -(2n ** 63n),
      fee: 2n ** 64n - 1n,
      nonce: 2n ** 63n,
      payload: new Uint8Array([0, 255, 1, 254]),
    });
    const bundle = Bundle.fromPartial({ bundleId: "b", transactions: [tx, { amount: 2n ** 63n - 1n }], routing: { $case: "walletAffinity", walletAffinity: "w" } });
    const decoded = SubmitBundleRequest.decode(SubmitBundleRequest.encode({ bundle }).finish());
    expect(decoded.bundle?.transactions[0]?.amount).to.equal(-(2n ** 63n));
    expect(decoded.bundle?.transactions[0]?.fee).to.equal(2n ** 64n - 1n);
    expect(decoded.bundle?.transactions[1]?.amount).to.equal(2n ** 63n - 1n);
    expect([...(decoded.bundle?.transactions[0]?.payload ?? [])]).to.deep.equal([0, 255, 1, 254]);
    expect(decoded.bundle?.routing).to.deep.equal({ $case: "walletAffinity", walletAffinity: "w" });
    const stats = LoadBalancerStatsResponse.decode(
      LoadBalancerStatsResponse.encode({ rpcsByPeer: new Map([["a", 1], ["", -5], ["__proto__", 3]]), numFailures: 2 }).finish(),
    );
    // maps are ES Maps (useMapType): even the key "__proto__" is kept as data
    expect([...stats.rpcsByPeer]).to.deep.equal([["a", 1], ["", -5], ["__proto__", 3]]);
  });
});
