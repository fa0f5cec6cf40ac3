// A BPCI + TestService server in its own process (for kill tests): prints "PORT <n> <key hex>" when ready.
import { BpciServiceDefinition } from "../../generated/bpci/v1/bpci_xtmp.js";
import { TestServiceDefinition } from "../../generated/grpc/testing/test_xtmp.js";
import { bpciDemoImpl } from "../../services/bpci-demo.js";
import { testServiceImpl } from "../../services/test-service.js";
import { createServer, generateIdentity } from "../../src/index.js";

const identity = generateIdentity();
const server = createServer({ identity });
server.add(TestServiceDefinition, testServiceImpl);
server.add(BpciServiceDefinition, bpciDemoImpl());
const { port } = await server.listen("xtmp://127.0.0.1:0");
process.stdout.write(`PORT ${port} ${Buffer.from(identity.publicKey).toString("hex")}\n`);
setTimeout(() => process.exit(0), 60_000).unref(); // never outlive the test run
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
