import { connectPeer, startServers } from "./bench/peers.js";
const a = await startServers();
const c = await connectPeer((process.argv[2] ?? "xtmp-aesgcm") as never, a);
const big = new Uint8Array(1 << 20);
const mode = process.argv[3] ?? "mib";
const t0 = performance.now();
if (mode === "mib") { for (let i = 0; i < 100; i++) await c.unary(big, 16); console.log("MB/s", (100 * 1.048576) / ((performance.now() - t0) / 1000)); }
else { let stop = false; setTimeout(() => (stop = true), 4000); const n = await c.serverStream(100, () => stop); console.log("msgs/s", n / ((performance.now() - t0) / 1000)); }
process.exit(0);
