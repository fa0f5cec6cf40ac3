// Benchmark server process: hosts every peer's server; answers RSS queries over IPC.
import { startServers } from "./peers.js";

const addresses = await startServers();
process.on("message", (msg: { cmd: string }) => {
  if (msg.cmd === "rss") {
    (globalThis as { gc?: () => void }).gc?.();
    process.send?.({ rss: process.memoryUsage().rss });
  } else if (msg.cmd === "exit") process.exit(0);
});
process.send?.({ addresses });
process.on("disconnect", () => process.exit(0));
