// The README quick-start example, verbatim (test/readme.test.ts checks the README shows this file and runs it).
import { BpciServiceDefinition } from "../generated/bpci/v1/bpci_xtmp.js";
import { bpciDemoImpl } from "../services/bpci-demo.js";
import { createChannel, createClient, createServer, generateIdentity, Metadata } from "../src/index.js";

export async function main(): Promise<void> {
  const serverIdentity = generateIdentity(); // or: await loadIdentity("./keys")
  const clientIdentity = generateIdentity();

  const server = createServer({ identity: serverIdentity, trust: { kind: "pinned", keys: [clientIdentity.publicKey] } });
  server.add(BpciServiceDefinition, bpciDemoImpl());
  const { port } = await server.listen("xtmp://127.0.0.1:0");

  const channel = createChannel(`xtmp://127.0.0.1:${port}`, { identity: clientIdentity, serverKey: serverIdentity.publicKey });
  const bpci = createClient(BpciServiceDefinition, channel);

  const wallet = await bpci.registerWallet(
    { walletId: "alice", publicKey: clientIdentity.publicKey },
    { deadline: 5_000, metadata: new Metadata({ "x-request-id": "42" }), signal: AbortSignal.timeout(10_000) },
  );
  console.log(`registered ${wallet.walletId} as account ${wallet.accountNumber}`);

  const updates = bpci.liveUpdates({ topics: ["bundles"], maxUpdates: 2 });
  await bpci.submitBundle({ bundle: { bundleId: "b1", transactions: [{ txId: "t1", amount: 5n }] } });
  await bpci.submitBundle({ bundle: { bundleId: "b2", transactions: [{ txId: "t2", amount: 7n }] } });
  for await (const u of updates) console.log(`update #${u.sequence} on ${u.topic}`);

  channel.close();
  await server.shutdown({ graceMs: 1_000 });
}
