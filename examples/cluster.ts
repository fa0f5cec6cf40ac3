// The README cluster client, verbatim: bundles round-robin through three servers, and one LiveUpdates subscription that survives failovers.
import { readFileSync } from "node:fs";
import { BpciServiceDefinition } from "../generated/bpci/v1/bpci_xtmp.js";
import { createChannel, createClient, generateIdentity, parsePublicKey, resumableStream } from "../src/index.js";

const serverKey = parsePublicKey(readFileSync("keys/identity.pub", "utf8").trim());
const channel = createChannel("static:///127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003", {
  identity: generateIdentity(),
  serverKey,
  loadBalancing: "round_robin",
});
const bpci = createClient(BpciServiceDefinition, channel);

const run = Date.now();
const first = await bpci.submitBundle({ bundle: { bundleId: `${run}-0`, transactions: [{ txId: "t0", amount: 1n }] } });
// replays from just after `first`, then stays live; after a server dies it resumes on another one
const updates = resumableStream((req, o) => bpci.liveUpdates(req, o), { topics: ["bundles"], resumeAfter: first.sequence }, {
  resume: (req, last) => ({ ...req, resumeAfter: last.sequence }),
});
for (let i = 1; i <= 9; i++) await bpci.submitBundle({ bundle: { bundleId: `${run}-${i}`, transactions: [{ txId: `t${i}`, amount: BigInt(i) }] } });
let received = 0;
for await (const u of updates) {
  console.log(`update #${u.sequence} ${u.event?.$case === "bundle" ? u.event.bundle.bundleId : ""}`);
  if (++received === 9) break;
}
channel.close();
