// Retries honour the server's google.rpc.RetryInfo status detail: the next attempt waits the delay it names.
import { expect } from "chai";
import { TestServiceDefinition } from "../../generated/grpc/testing/test_xtmp.js";
import { createTestService } from "../../services/test-service.js";
import { Code, createChannel, createClient, createServer, generateIdentity, RetryInfo, statusDetail, XtmpError } from "../../src/index.js";
import type { TimerHandle } from "../../src/retry/clock.js";
import { FakeClock } from "../resolver/fake-clock.js";
import { until } from "../helpers/calls.js";
import { histogramCounts, points, testMeterProvider } from "../helpers/otel.js";

/** A fake clock that also remembers every delay asked for. */
class RecordingClock extends FakeClock {
  readonly delays: number[] = [];
  override setTimeout(fn: () => void, ms: number): TimerHandle {
    this.delays.push(ms);
    return super.setTimeout(fn, ms);
  }
}

describe("retries and RetryInfo", function () {
  this.timeout(20_000);
  const identity = generateIdentity();

  it("an UNAVAILABLE carrying RetryInfo(1 h) makes the retry wait exactly 1 h (not the policy's 10 ms backoff), then succeed; the retry is counted in xtmp.client.retries", async () => {
    const server = createServer({ identity });
    let calls = 0;
    server.add(TestServiceDefinition, {
      ...createTestService(),
      unaryCall: () => {
        if (++calls === 1) throw new XtmpError(Code.UNAVAILABLE, "come back later", { details: [statusDetail(RetryInfo, { retryDelay: { seconds: 3600n, nanos: 0 } })] });
        return { username: "second try" };
      },
    });
    const { port } = await server.listen("xtmp://127.0.0.1:0");
    const clock = new RecordingClock();
    const metrics = testMeterProvider();
    const channel = createChannel(`xtmp://127.0.0.1:${port}`, {
      serverKey: identity.publicKey,
      datagram: false,
      clock,
      meterProvider: metrics.provider,
      serviceConfig: {
        methodConfig: [{ name: [{ service: "grpc.testing.TestService" }], retryPolicy: { maxAttempts: 3, initialBackoff: "0.01s", maxBackoff: "0.01s", backoffMultiplier: 1, retryableStatusCodes: ["UNAVAILABLE"] } }],
      },
    });
    try {
      const result = createClient(TestServiceDefinition, channel).unaryCall({});
      expect(await until(() => clock.delays.includes(3_600_000)), `delays asked: ${clock.delays.join(", ")}`).to.equal(true);
      expect(calls).to.equal(1);
      clock.advance(3_600_000);
      expect((await result).username).to.equal("second try");
      expect(calls).to.equal(2);
      const retries = await points(metrics.reader, "xtmp.client.retries");
      expect(retries.map((p) => [p.attributes["rpc.method"], p.attributes["xtmp.retry.kind"], p.value])).to.deep.equal([["grpc.testing.TestService/UnaryCall", "policy", 1]]);
      // one logical call, however many attempts
      expect(histogramCounts(await points(metrics.reader, "rpc.client.call.duration"), (a) => String(a["rpc.status_code"]))).to.deep.equal({ OK: 1 });
    } finally {
      channel.close();
      await server.shutdown({ graceMs: 0 });
    }
  });
});
