// Secure-layer benchmark: full XX handshakes/s (node vs noble backends) and record throughput vs the raw AEAD.
import { acceptSession, connectSession } from "../src/secure/handshake.js";
import { nobleCrypto } from "../src/secure/crypto-noble.js";
import { nodeCrypto } from "../src/secure/crypto-node.js";
import type { CryptoBackend } from "../src/secure/crypto.js";
import { generateIdentity } from "../src/secure/identity.js";
import { CipherState } from "../src/secure/noise/cipher-state.js";
import { AeadProtector } from "../src/secure/protector.js";
import { duplexPair } from "../src/transport/memory.js";
import { median } from "./stats.js";

const quick = process.argv.includes("--quick");
const ROUNDS = quick ? 3 : 5;
const serverId = generateIdentity();
const clientId = generateIdentity();

/** Full mutual-auth XX handshakes per second for `ms` milliseconds, in process, one at a time. */
async function handshakes(crypto: CryptoBackend, ms: number): Promise<number> {
  const end = performance.now() + ms;
  let n = 0;
  const t0 = performance.now();
  while (performance.now() < end && n < 100_000) {
    const [a, b] = duplexPair();
    const [c, s] = await Promise.all([connectSession(a, { identity: clientId, crypto }), acceptSession(b, { identity: serverId, crypto })]);
    c.close();
    s.close();
    n++;
  }
  return n / ((performance.now() - t0) / 1000);
}

/** MB/s of seal+open of 16 KiB plaintexts: through the record protector, or straight on the AEAD. */
function records(layer: boolean, ms: number): number {
  const key = nodeCrypto.randomBytes(32);
  const pt = nodeCrypto.randomBytes(16384);
  const send = new CipherState(nodeCrypto, "AESGCM", key);
  const recv = new CipherState(nodeCrypto, "AESGCM", key);
  const protector = new AeadProtector(send, recv);
  const aead = nodeCrypto.aead("AESGCM", key);
  const nonce = new Uint8Array(12);
  const ad = new Uint8Array(0);
  const end = performance.now() + ms;
  let bytes = 0;
  const t0 = performance.now();
  for (let i = 0; performance.now() < end && i < 10_000_000; i++) {
    if (layer) {
      const body: Uint8Array[] = [];
      protector.seal([pt], pt.length, body);
      if (!protector.open(Buffer.concat(body))) throw new Error("open failed");
    } else {
      new DataView(nonce.buffer).setUint32(8, i);
      if (!aead.open(nonce, ad, aead.seal(nonce, ad, pt))) throw new Error("open failed");
    }
    bytes += pt.length;
  }
  return bytes / 1e6 / ((performance.now() - t0) / 1000);
}

const hsNode: number[] = [];
const hsNoble: number[] = [];
const recLayer: number[] = [];
const recRaw: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  hsNode.push(await handshakes(nodeCrypto, quick ? 500 : 1500));
  hsNoble.push(await handshakes(nobleCrypto, quick ? 500 : 1500));
  recLayer.push(records(true, quick ? 300 : 1000));
  recRaw.push(records(false, quick ? 300 : 1000));
  process.stderr.write(`round ${r + 1}/${ROUNDS}\r`);
}
const ratio = (a: number[], b: number[]) => median(a.map((x, i) => x / (b[i] as number)));
console.log(`secure layer, ${ROUNDS} interleaved rounds (medians):`);
console.log(`  XX handshakes/s   node ${median(hsNode).toFixed(0)}   noble ${median(hsNoble).toFixed(0)}   node/noble ${ratio(hsNode, hsNoble).toFixed(1)}x`);
console.log(`  16 KiB records    layer ${median(recLayer).toFixed(0)} MB/s   raw AEAD ${median(recRaw).toFixed(0)} MB/s   layer/raw ${ratio(recLayer, recRaw).toFixed(2)}`);
