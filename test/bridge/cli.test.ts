// `xtmp serve --grpc-listen`: the served services answer a stock grpc-js client over the bridge, and the server drains on stop.
import { expect } from "chai";
import { HealthDefinition } from "../../generated/grpc/health/v1/health_xtmp.js";
import { HealthCheckResponse_ServingStatus as Serving, type HealthCheckResponse } from "../../generated/grpc/health/v1/health.js";
import { TestServiceDefinition } from "../../generated/grpc/testing/test_xtmp.js";
import { main } from "../../cli/main.js";
import { until } from "../helpers/calls.js";
import { grpcClient, unary } from "./grpc-client.js";

describe("xtmp serve --grpc-listen", function () {
  this.timeout(30_000);

  it("serves TestService and health over gRPC at the given address, then stops", async () => {
    const lines: string[] = [];
    let stop!: () => void;
    const stopped = new Promise<void>((r) => (stop = r));
    const serving = main(["serve", "--listen", "127.0.0.1:0", "--insecure", "--grpc-listen", "127.0.0.1:0"], { out: (s) => lines.push(s), err: (s) => lines.push(s) }, stopped);
    try {
      expect(await until(() => lines.some((l) => l.startsWith("xtmp serving gRPC on ")), 10_000), lines.join("\n")).to.equal(true);
      const port = /grpc:\/\/127\.0\.0\.1:(\d+)/.exec(lines.find((l) => l.startsWith("xtmp serving gRPC on ")) ?? "")?.[1];
      const test = grpcClient(TestServiceDefinition, `127.0.0.1:${port}`);
      const health = grpcClient(HealthDefinition, `127.0.0.1:${port}`);
      expect(await unary(test, "EmptyCall", {})).to.deep.equal({});
      expect((await unary<HealthCheckResponse>(health, "Check", { service: "" })).status).to.equal(Serving.SERVING);
      test.close();
      health.close();
    } finally {
      stop();
    }
    expect(await serving).to.equal(0);
    expect(lines.at(-1)).to.equal("stopped");
  });
});
