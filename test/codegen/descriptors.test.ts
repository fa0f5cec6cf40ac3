// The generated descriptors carry names, paths, ids, kinds, codecs and proto options.
import { expect } from "chai";
import { RegisterWalletRequest, RegisterWalletResponse } from "../../generated/bpci/v1/bpci.js";
import { BpciServiceDefinition } from "../../generated/bpci/v1/bpci_xtmp.js";
import { HealthDefinition } from "../../generated/grpc/health/v1/health_xtmp.js";
import { TestServiceDefinition, UnimplementedServiceDefinition } from "../../generated/grpc/testing/test_xtmp.js";
import type { ServiceDescriptor } from "../../src/index.js";

function table(def: ServiceDescriptor): string[] {
  return Object.entries(def.methods).map(([local, m]) => `${m.id} ${local} ${m.path} ${m.kind}`);
}

describe("generated descriptors", () => {
  it("describe every BPCI method in declaration order", () => {
    expect(BpciServiceDefinition.typeName).to.equal("bpci.v1.BpciService");
    expect(table(BpciServiceDefinition)).to.deep.equal([
      "1 registerWallet /bpci.v1.BpciService/RegisterWallet unary",
      "2 submitBundle /bpci.v1.BpciService/SubmitBundle unary",
      "3 submitBundles /bpci.v1.BpciService/SubmitBundles client_streaming",
      "4 liveUpdates /bpci.v1.BpciService/LiveUpdates server_streaming",
      "5 heartbeat /bpci.v1.BpciService/Heartbeat bidi_streaming",
      "6 priceTicks /bpci.v1.BpciService/PriceTicks server_streaming",
    ]);
  });

  it("carry the xtmp.v1 options, with service defaults applied", () => {
    const m = BpciServiceDefinition.methods;
    expect(BpciServiceDefinition.rules).to.deep.equal({ compression: "auto", signed: false });
    expect(m.registerWallet.rules).to.deep.equal({ delivery: "reliable", idempotency: "idempotent", signed: true, compression: "auto" });
    expect(m.submitBundle.rules.signed).to.equal(true);
    expect(m.liveUpdates.rules.idempotency).to.equal("no_side_effects");
    expect(m.priceTicks.rules).to.deep.equal({ delivery: "datagram", idempotency: "no_side_effects", signed: false, compression: "never" });
    expect(m.heartbeat.rules).to.deep.equal({ delivery: "reliable", idempotency: "unknown", signed: false, compression: "auto" });
  });

  it("link the message codecs of each method", () => {
    const m = BpciServiceDefinition.methods.registerWallet;
    expect(m.requestType).to.equal(RegisterWalletRequest);
    expect(m.responseType).to.equal(RegisterWalletResponse);
    const bytes = m.requestType.encode(m.requestType.fromPartial({ walletId: "w", createdAtMs: -1n })).finish();
    expect(m.requestType.decode(bytes)).to.deep.include({ walletId: "w", createdAtMs: -1n });
  });

  it("describe the interop TestService and health service with gRPC paths", () => {
    expect(TestServiceDefinition.typeName).to.equal("grpc.testing.TestService");
    expect(TestServiceDefinition.methods.unaryCall.path).to.equal("/grpc.testing.TestService/UnaryCall");
    expect(TestServiceDefinition.methods.fullDuplexCall.kind).to.equal("bidi_streaming");
    expect(TestServiceDefinition.methods.streamingInputCall.kind).to.equal("client_streaming");
    expect(UnimplementedServiceDefinition.methods.unimplementedCall.path).to.equal("/grpc.testing.UnimplementedService/UnimplementedCall");
    expect(table(HealthDefinition)).to.deep.equal(["1 check /grpc.health.v1.Health/Check unary", "2 watch /grpc.health.v1.Health/Watch server_streaming"]);
  });
});
