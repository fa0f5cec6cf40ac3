// The README multi-server example, verbatim (test/readme.test.ts checks the README shows this file and runs it).
import { TestServiceDefinition } from "../generated/grpc/testing/test_xtmp.js";
import { createTestService } from "../services/test-service.js";
import { createChannel, createClient, createServer, generateIdentity, type Server } from "../src/index.js";

export async function main(): Promise<void> {
  // three replicas sharing one identity (in production: `xtmp serve --keys DIR` on each host)
  const identity = generateIdentity();
  const servers: Server[] = [];
  const ports: number[] = [];
  for (const name of ["a", "b", "c"]) {
    const server = createServer({ identity });
    server.add(TestServiceDefinition, createTestService({ serverId: () => name }));
    ports.push((await server.listen("xtmp://127.0.0.1:0")).port);
    servers.push(server);
  }

  const channel = createChannel(`static:///${ports.map((p) => `127.0.0.1:${p}`).join(",")}`, {
    serverKey: identity.publicKey,
    loadBalancing: "round_robin",
    serviceConfig: {
      methodConfig: [
        {
          name: [{ service: "grpc.testing.TestService", method: "UnaryCall" }],
          retryPolicy: { maxAttempts: 3, initialBackoff: "0.1s", maxBackoff: "1s", backoffMultiplier: 2, retryableStatusCodes: ["UNAVAILABLE"] },
        },
      ],
      retryThrottling: { maxTokens: 10, tokenRatio: 0.1 },
    },
  });
  const test = createClient(TestServiceDefinition, channel);
  await channel.connect();

  const seen: string[] = [];
  for (let i = 0; i < 6; i++) seen.push((await test.unaryCall({ fillServerId: true }, { waitForReady: true, deadline: 5_000 })).serverId);
  console.log(`6 calls went to ${new Set(seen).size} servers`);

  // one replica drains (GOAWAY): calls keep succeeding on the others
  await (servers[0] as Server).shutdown({ graceMs: 1_000 });
  for (let i = 0; i < 6; i++) await test.unaryCall({}, { deadline: 5_000 });
  console.log(`after a drain: ${channel.endpoints.filter((e) => e.state === "ready").length} of 3 endpoints ready`);

  channel.close();
  for (const s of servers.slice(1)) await s.shutdown({ graceMs: 1_000 });
}
