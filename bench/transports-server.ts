// Transport benchmark server process: XTMP on TCP (+UDP beside it) and on WebSocket, with a paced tick stream.
import { BpciServiceDefinition } from "../generated/bpci/v1/bpci_xtmp.js";
import { bpciDemoImpl } from "../services/bpci-demo.js";
import { createServer, generateIdentity } from "../src/index.js";

const identity = generateIdentity();
const server = createServer({ identity, keepaliveMs: 0 });
server.add(BpciServiceDefinition, {
  ...bpciDemoImpl(),
  // symbols[0] = "<count>:<rate per second>": a paced stream, so loss at a given send rate can be read
  async *priceTicks(req, ctx) {
    const [count, rate] = (req.symbols[0] ?? "1000:100000").split(":").map(Number) as [number, number];
    const perTurn = Math.max(1, Math.round(rate / 1000)); // ~1 ms turns
    const t0 = performance.now();
    for (let seq = 1; seq <= count && !ctx.signal.aborted; seq++) {
      yield { symbol: "BPI/USD", priceE8: BigInt(seq), seq: BigInt(seq) };
      if (seq % perTurn === 0) {
        const due = t0 + (seq / rate) * 1000;
        await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
      }
    }
  },
});
const tcp = await server.listen("xtmp://127.0.0.1:0");
const ws = await server.listen("ws://127.0.0.1:0/xtmp");
process.send?.({ tcp: tcp.port, ws: ws.port, key: Buffer.from(identity.publicKey).toString("hex") });
process.on("disconnect", () => process.exit(0));
