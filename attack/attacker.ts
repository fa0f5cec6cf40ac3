// Attacker process: runs one attack against a target and prints "RESULT <json>" (or "ERROR <message>").
import { attackNamed } from "./registry.js";

const [name, host, port, key, durationMs, quick, wsPort] = process.argv.slice(2);
const attack = attackNamed(name ?? "");
if (!attack || !host || !port || !key || !durationMs) {
  console.error("usage: attacker.ts NAME HOST PORT KEYHEX DURATION_MS QUICK(0|1) [WS_PORT]");
  process.exit(2);
}
const target = { host, port: Number(port), serverKey: Uint8Array.from(Buffer.from(key, "hex")), ...(wsPort ? { wsPort: Number(wsPort) } : {}) };
try {
  const metrics = await attack.run({ target, durationMs: Number(durationMs), quick: quick === "1" });
  process.stdout.write(`RESULT ${JSON.stringify(metrics)}\n`);
} catch (err) {
  process.stdout.write(`ERROR ${JSON.stringify(err instanceof Error ? err.stack ?? err.message : String(err))}\n`);
}
process.exit(0); // sockets and timers the attack left behind do not keep the attacker alive
