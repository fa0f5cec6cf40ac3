// Prober process: legitimate calls (1 s deadline) on one long-lived channel every 100 ms and on a new
// connection every 500 ms; prints one JSON line per call, tagged with the phase the harness set on stdin.
import { TestServiceDefinition } from "../generated/grpc/testing/test_xtmp.js";
import { codeName, createChannel, createClient, XtmpError } from "../src/index.js";

const [host, port, key] = process.argv.slice(2);
if (!host || !port || !key) {
  console.error("usage: prober.ts HOST PORT KEYHEX");
  process.exit(2);
}
const address = `xtmp://${host}:${port}`;
const serverKey = Uint8Array.from(Buffer.from(key, "hex"));
let phase = "warmup";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk: string) => {
  for (const line of chunk.split("\n")) if (line.startsWith("phase ")) phase = line.slice(6).trim();
});
process.stdin.on("end", () => process.exit(0)); // the harness went away

const existing = createChannel(address, { serverKey, datagram: false });
const existingClient = createClient(TestServiceDefinition, existing);

async function probe(kind: "existing" | "new"): Promise<void> {
  const p = phase;
  const t0 = performance.now();
  const channel = kind === "existing" ? existing : createChannel(address, { serverKey, datagram: false });
  const client = kind === "existing" ? existingClient : createClient(TestServiceDefinition, channel);
  let ok = false;
  let err = "";
  try {
    await client.emptyCall({}, { deadline: 1000 });
    ok = true;
  } catch (e) {
    err = e instanceof XtmpError ? codeName(e.code) : String(e);
  }
  const ms = Math.round(performance.now() - t0);
  if (kind === "new") channel.close();
  process.stdout.write(`${JSON.stringify({ phase: p, kind, ok: ok && ms <= 1000, ms, err })}\n`);
}

setInterval(() => void probe("existing"), 100);
setInterval(() => void probe("new"), 500);
