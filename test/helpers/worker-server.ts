// A server with `workers: N` (argv[2]) in its own process tree: the primary prints "PORT <port> <key hex>" and "WORKERS <pid>...", obeys stdin lines.
import { BpciServiceDefinition } from "../../generated/bpci/v1/bpci_xtmp.js";
import { TestServiceDefinition } from "../../generated/grpc/testing/test_xtmp.js";
import { bpciDemoImpl } from "../../services/bpci-demo.js";
import { createTestService } from "../../services/test-service.js";
import { createServer, generateIdentity } from "../../src/index.js";
import { createInterface } from "node:readline";

const workers = Number(process.argv[2] ?? 2);
/** Ticks of the DATAGRAM method priceTicks (argv[3]); each tick's symbol names the worker's pid. */
const ticks = BigInt(process.argv[3] ?? 2000);
// every process makes its own identity: the workers serve with the primary's
const identity = generateIdentity();
const line = (s: string) => process.stdout.write(`${s}\n`);
const server = createServer({ identity, workers, onWorkerExit: (e) => line(`EXIT ${JSON.stringify(e)}`) });
server.add(TestServiceDefinition, createTestService({ serverId: () => String(process.pid) }));
server.add(BpciServiceDefinition, {
  ...bpciDemoImpl(),
  async *priceTicks(_req, ctx) {
    for (let seq = 1n; seq <= ticks && !ctx.signal.aborted; seq++) {
      yield { symbol: String(process.pid), priceE8: seq, seq };
      if (seq % 20n === 0n) await new Promise((r) => setImmediate(r));
    }
  },
});
const { port } = await server.listen("xtmp://127.0.0.1:0");
if (server.worker === undefined) {
  line(`PORT ${port} ${Buffer.from(identity.publicKey).toString("hex")}`);
  line(`WORKERS ${(server.stats.workers?.workers ?? []).map((w) => w.pid).join(" ")}`);
  setTimeout(() => server.forceShutdown(), 120_000).unref(); // never outlive the test run
  const rl = createInterface({ input: process.stdin });
  rl.on("line", (cmd) => {
    if (cmd === "stats") line(`STATS ${JSON.stringify(server.stats.workers)}`);
    if (cmd === "shutdown") void server.shutdown({ graceMs: 30_000 }).then(() => (line("DONE"), process.exit(0)));
    if (cmd === "force") server.forceShutdown();
  });
  rl.on("close", () => {
    server.forceShutdown();
    process.exit(0);
  });
}
