// A TestService server in its own process for proxy tests: `SEED_HEX SERVER_ID TRUSTED_PROXIES MAX_AGE_MS`; echoes ctx.peerAddress in header `x-peer-address`; prints "PORT <n>".
import { TestServiceDefinition } from "../../generated/grpc/testing/test_xtmp.js";
import { createTestService } from "../../services/test-service.js";
import { createServer, identityFromSeed, type ServerInterceptor } from "../../src/index.js";

const [seedHex = "", serverId = "", trusted = "", maxAgeMs = "0"] = process.argv.slice(2);
const echoPeer: ServerInterceptor = (next) => (req) => {
  req.ctx.responseHeaders.set("x-peer-address", req.ctx.peerAddress ?? "(undefined)");
  return next(req);
};
const server = createServer({
  identity: identityFromSeed(Uint8Array.from(Buffer.from(seedHex, "hex"))),
  trustedProxies: trusted.split(",").filter((s) => s !== ""),
  maxConnectionAgeMs: Number(maxAgeMs),
  maxConnectionAgeGraceMs: 5000,
  datagram: false,
  interceptors: [echoPeer],
});
server.add(TestServiceDefinition, createTestService({ serverId: () => serverId }));
const { port } = await server.listen("xtmp://127.0.0.1:0");
process.stdout.write(`PORT ${port}\n`);
setTimeout(() => process.exit(0), 120_000).unref(); // never outlive the test run
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
