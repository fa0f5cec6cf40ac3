// `npm run bench:transports`: DATAGRAM stream over UDP vs the TCP path (rate, loss), WebSocket vs TCP unary.
import { fork } from "node:child_process";
import { once } from "node:events";
import { BpciServiceDefinition } from "../generated/bpci/v1/bpci_xtmp.js";
import { createChannel, createClient, parsePublicKey, type DatagramCallStats } from "../src/index.js";
import { median } from "./stats.js";

const quick = process.argv.includes("--quick");
const ROUNDS = quick ? 3 : 5;
const server = fork("bench/transports-server.ts", [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
const [addr] = (await once(server, "message")) as [{ tcp: number; ws: number; key: string }];
const serverKey = parsePublicKey(addr.key);

async function stream(udp: boolean, count: number, rate: number): Promise<{ rate: number; loss: number }> {
  const ch = createChannel(`xtmp://127.0.0.1:${addr.tcp}`, { serverKey, datagram: udp, keepaliveMs: 0 });
  await ch.connect();
  for (let i = 0; udp && ch.datagramPath !== "udp" && i < 200; i++) await new Promise((r) => setTimeout(r, 10));
  const stats: DatagramCallStats = { udp: false, received: 0, lost: 0, reordered: 0 };
  let n = 0;
  const t0 = performance.now();
  for await (const _ of createClient(BpciServiceDefinition, ch).priceTicks({ symbols: [`${count}:${rate}`] }, { datagramStats: stats })) n++;
  const secs = (performance.now() - t0) / 1000;
  ch.close();
  if (udp && !stats.udp) throw new Error("the UDP path was not used");
  return { rate: n / secs, loss: (count - n) / count };
}

async function unary(url: string, ms: number): Promise<number> {
  const ch = createChannel(url, { serverKey, keepaliveMs: 0 });
  const c = createClient(BpciServiceDefinition, ch);
  await c.submitBundle({ bundle: { bundleId: "warm" } });
  let n = 0;
  const end = performance.now() + ms;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (performance.now() < end) {
        await c.registerWallet({ walletId: `w${n}`, publicKey: new Uint8Array(32) });
        n++;
      }
    }),
  );
  ch.close();
  return n / ((performance.now() - t0) / 1000);
}

const rows: Record<string, number[]> = {};
const push = (k: string, v: number) => (rows[k] ??= []).push(v);
const COUNT = quick ? 50_000 : 200_000;
for (let r = 0; r < ROUNDS; r++) {
  process.stderr.write(`\rround ${r + 1}/${ROUNDS}`);
  for (const rate of [50_000, 200_000]) {
    const u = await stream(true, COUNT, rate);
    const t = await stream(false, COUNT, rate);
    push(`udp@${rate} msgs/s`, u.rate);
    push(`udp@${rate} loss %`, u.loss * 100);
    push(`tcp@${rate} msgs/s`, t.rate);
    push(`tcp@${rate} loss %`, t.loss * 100);
  }
  push("unary tcp calls/s", await unary(`xtmp://127.0.0.1:${addr.tcp}`, quick ? 500 : 1500));
  push("unary ws calls/s", await unary(`ws://127.0.0.1:${addr.ws}/xtmp`, quick ? 500 : 1500));
}
process.stderr.write("\n");
server.kill();
console.log(`transports (${ROUNDS} rounds, medians; server in its own process, ${COUNT} paced ticks per stream):`);
for (const [k, v] of Object.entries(rows)) console.log(`  ${k.padEnd(24)} ${median(v).toFixed(k.includes("loss") ? 2 : 0)}`);
const ws = rows["unary ws calls/s"] ?? [];
const tcp = rows["unary tcp calls/s"] ?? [];
console.log(`  WebSocket/TCP unary ratio  ${median(ws.map((w, i) => w / (tcp[i] ?? NaN))).toFixed(2)}`);
