import { connectPeer, startServers } from "./bench/peers.js";
const a = await startServers();
const c = await connectPeer((process.argv[2] ?? "xtmp-aesgcm") as never, a);
const small = new Uint8Array(100);
let n = 0; const end = performance.now() + 4000; const t0 = performance.now();
await Promise.all(Array.from({ length: 128 }, async () => { while (performance.now() < end) { await c.unary(small, 100); n++; } }));
console.log("calls/s", n / ((performance.now() - t0) / 1000));
process.exit(0);
