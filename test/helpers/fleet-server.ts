// One replica of a test fleet in its own process: TestService + Health; stdin commands drain it or flip its health.
import { createInterface } from "node:readline";
import { HealthDefinition, } from "../../generated/grpc/health/v1/health_xtmp.js";
import { HealthCheckResponse_ServingStatus as Status } from "../../generated/grpc/health/v1/health.js";
import { TestServiceDefinition } from "../../generated/grpc/testing/test_xtmp.js";
import { HealthRegistry } from "../../services/health.js";
import { createTestService } from "../../services/test-service.js";
import { createServer, identityFromSeed } from "../../src/index.js";

// argv: <port> <server id> <identity seed hex (32 bytes, shared by the fleet)>
const [portArg = "0", id = "replica", seedHex = ""] = process.argv.slice(2);
const identity = identityFromSeed(Uint8Array.from(Buffer.from(seedHex, "hex")));
const health = new HealthRegistry();
const server = createServer({ identity });
server.add(TestServiceDefinition, createTestService({ serverId: () => id }));
server.add(HealthDefinition, health.impl);
const { port } = await server.listen(`xtmp://127.0.0.1:${portArg}`);
process.stdout.write(`PORT ${port}\n`);
setTimeout(() => process.exit(0), 120_000).unref(); // never outlive the test run

const lines = createInterface({ input: process.stdin });
lines.on("line", (line) => {
  const [cmd, arg] = line.trim().split(/\s+/);
  if (cmd === "shutdown") {
    health.shutdown();
    void server.shutdown({ graceMs: Number(arg ?? 5_000) }).then(() => {
      process.stdout.write("DRAINED\n");
      process.exit(0);
    });
  } else if (cmd === "health") {
    health.set("", arg === "NOT_SERVING" ? Status.NOT_SERVING : Status.SERVING);
    process.stdout.write(`HEALTH ${arg}\n`);
  }
});
lines.on("close", () => process.exit(0));
