// The BPCI demo: a real encrypted exchange (wallet, bundles, batch, live updates, heartbeat) with figures.
import { existsSync } from "node:fs";
import { BpciServiceDefinition } from "../generated/bpci/v1/bpci_xtmp.js";
import { bpciDemoImpl } from "../services/bpci-demo.js";
import { createChannel, createClient, createServer, generateIdentity, loadIdentity, type Identity } from "../src/index.js";

/** Where the demo client connects; without a target it starts its own server on 127.0.0.1. */
export interface DemoOptions {
  /** `host:port` of a running `xtmp serve`. */
  target?: string;
  /** That server's identity key (enables pinning and the one-round-trip IK handshake). */
  serverKey?: Uint8Array;
  /** Key directory for the local server's identity (default ./keys when it exists, else fresh). */
  keysDir?: string;
  /** Output. */
  log?: (line: string) => void;
}

const hex = (b: Uint8Array, n = 8) => Buffer.from(b.subarray(0, n)).toString("hex");

/** Runs the demo to the end and returns the process exit code. */
export async function runDemo(opts: DemoOptions = {}): Promise<number> {
  const log = opts.log ?? console.log;
  let server: ReturnType<typeof createServer> | undefined;
  let target = opts.target;
  let serverKey = opts.serverKey;
  if (!target) {
    const dir = opts.keysDir ?? "./keys";
    const identity: Identity = existsSync(`${dir}/identity.json`) ? await loadIdentity(dir) : generateIdentity();
    server = createServer({ identity });
    server.add(BpciServiceDefinition, bpciDemoImpl());
    const { port } = await server.listen("xtmp://127.0.0.1:0");
    target = `127.0.0.1:${port}`;
    serverKey = identity.publicKey;
    log(`BPCI server listening on ${target}, identity ${hex(identity.publicKey)}…`);
  }
  const channel = createChannel(`xtmp://${target}`, serverKey ? { serverKey } : {});
  const bpci = createClient(BpciServiceDefinition, channel);
  let payloadBytes = 0;
  const m = BpciServiceDefinition.methods;
  const size = <T>(codec: { encode(x: T): { finish(): Uint8Array }; fromPartial(x: never): T }, msgs: unknown[]) =>
    msgs.reduce<number>((n, x) => n + codec.encode(codec.fromPartial(x as never)).finish().length, 0);
  const timed = async <T>(label: string, f: () => Promise<T>, bytes: number): Promise<T> => {
    const t0 = performance.now();
    const r = await f();
    payloadBytes += bytes;
    log(`  ${label.padEnd(44)} ${(performance.now() - t0).toFixed(2).padStart(8)} ms`);
    return r;
  };
  try {
    const t0 = performance.now();
    const session = await channel.session();
    const info = session.secure.info;
    log(`connected in ${(performance.now() - t0).toFixed(1)} ms: Noise ${info.mode}, ${info.cipher}, handshake ${info.handshakeMs} ms`);
    log(`server identity ${hex(info.peerIdentity ?? new Uint8Array())}…  channel binding ${hex(info.handshakeHash)}…`);
    const bundle = (id: string, n: number) => ({ bundleId: id, transactions: Array.from({ length: n }, (_, i) => ({ txId: `${id}-${i}`, fromWallet: "alice", toWallet: "bob", amount: BigInt(100 + i), fee: 1n, payload: new Uint8Array(64) })) });
    const updates = bpci.liveUpdates({ topics: ["bundles", "wallets"], maxUpdates: 5 });
    const walletReq = { walletId: "alice", publicKey: new Uint8Array(32).fill(7) };
    const wallet = await timed("RegisterWallet (unary)", () => bpci.registerWallet(walletReq, { deadline: 5000 }), size(m.registerWallet.requestType, [walletReq]));
    log(`    -> account ${wallet.accountNumber}, created=${wallet.created}`);
    const one = { bundle: bundle("b-1", 10) };
    const receipt = await timed("SubmitBundle (unary, 10 transactions)", () => bpci.submitBundle(one), size(m.submitBundle.requestType, [one]));
    log(`    -> status ${receipt.status}, sequence ${receipt.sequence}`);
    const batch = Array.from({ length: 20 }, (_, i) => ({ bundle: bundle(`batch-${i}`, 5) }));
    const summary = await timed("SubmitBundles (client stream, 20 bundles)", () => bpci.submitBundles(batch), size(m.submitBundles.requestType, batch));
    log(`    -> received ${summary.received}, accepted ${summary.accepted}, total amount ${summary.totalAmount}`);
    await timed("LiveUpdates (server stream, 5 updates)", async () => {
      for await (const u of updates) log(`    update #${u.sequence} ${u.topic} ${u.event?.$case ?? ""}`);
    }, size(m.liveUpdates.requestType, [{ topics: ["bundles", "wallets"], maxUpdates: 5 }]));
    await timed("Heartbeat (bidi, 5 ping/pong)", async () => {
      let rtts = "";
      for await (const pong of bpci.heartbeat(Array.from({ length: 5 }, (_, i) => ({ seq: BigInt(i), sentAtUs: BigInt(Math.round(performance.now() * 1000)), nodeId: "bpi-1" })))) {
        rtts += ` ${(performance.now() - Number(pong.pingSentAtUs) / 1000).toFixed(2)}`;
      }
      log(`    pong RTTs (ms):${rtts}`);
    }, 5 * 20);
    const stats = session.secure.stats;
    log(`client -> server: ${stats.bytesSent} bytes on the wire for ${payloadBytes} bytes of protobuf requests`);
    log(`  (${stats.recordsSent} encrypted records; messages of 1 KiB or more are zstd-compressed, which is why the wire can be smaller)`);
    log(`server -> client: ${stats.bytesReceived} bytes in ${stats.recordsReceived} records`);
    return 0;
  } finally {
    channel.close();
    await server?.shutdown({ graceMs: 1000 });
  }
}
