import { acceptSession, connectSession } from "./src/secure/handshake.js";
import { generateIdentity } from "./src/secure/identity.js";
import { duplexPair } from "./src/wire/duplex.js";
const s = generateIdentity();
const t0 = performance.now(); let n = 0;
while (performance.now() - t0 < 4000) {
  const [a, b] = duplexPair();
  const [c, d] = await Promise.all([connectSession(a, { identity: generateIdentity() }), acceptSession(b, { identity: s })]);
  c.close(); d.close(); n++;
}
console.log("hs/s", n / 4);
