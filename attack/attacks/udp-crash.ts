// UDP crash: datagrams with a valid connection id and out-of-range counters, then a random burst.
import { createSocket } from "node:dgram";
import { randomBytes } from "node:crypto";
import type { DatagramKeys } from "../../src/secure/datagram.js";
import { CONN_ID_SIZE, DATAGRAM_HEADER } from "../../src/secure/datagram.js";
import type { AttackDef, Metrics } from "../harness/attack.js";
import { openRaw, sourceFor } from "../harness/raw.js";
import type { Target } from "../harness/server.js";

/** The counters that once crashed the server: past 2^53, and the top of the 64-bit range. */
export const CRASH_COUNTERS: readonly bigint[] = [2n ** 53n - 1n, 2n ** 53n, 2n ** 63n - 1n, 2n ** 63n, 2n ** 64n - 1n];

/** A datagram with `connId`, `counter` and a random (unauthentic) body. */
export function forgedDatagram(connId: Uint8Array, counter: bigint, bodyLength = 32): Uint8Array {
  const d = new Uint8Array(DATAGRAM_HEADER + bodyLength);
  d.set(connId.subarray(0, CONN_ID_SIZE));
  new DataView(d.buffer).setBigUint64(CONN_ID_SIZE, counter);
  d.set(randomBytes(bodyLength), DATAGRAM_HEADER);
  return d;
}

/** Sends the crash counters, then random datagrams with the valid connection id until `deadline` or `burst` sent. */
export async function udpCrash(target: Target, keys: DatagramKeys, burst: number, deadline: number): Promise<Metrics> {
  const sock = createSocket("udp4");
  await new Promise<void>((r) => sock.bind(0, sourceFor(target.host) ?? "0.0.0.0", r));
  const send = (d: Uint8Array) => new Promise<void>((r) => sock.send(d, target.port, target.host, () => r()));
  let sent = 0;
  for (const c of CRASH_COUNTERS) {
    for (const len of [16, 17, 64]) {
      await send(forgedDatagram(keys.connId, c, len));
      sent++;
    }
  }
  // authentic datagrams with garbage plaintext (decode errors after authentication)
  for (let i = 0; i < 64; i++) {
    const d = keys.seal(randomBytes(1 + (i % 40)));
    if (d) await send(d), sent++;
  }
  while (sent < burst && Date.now() < deadline) {
    const batch: Promise<void>[] = [];
    for (let i = 0; i < 200; i++, sent++) {
      const hi = BigInt(randomBytes(4).readUInt32BE()) << 32n;
      batch.push(send(forgedDatagram(keys.connId, hi | BigInt(randomBytes(4).readUInt32BE()), 16 + (i % 100))));
    }
    await Promise.all(batch);
  }
  sock.close();
  return { datagramsSent: sent };
}

export const udpCrashAttack: AttackDef = {
  name: "udp-crash",
  summary: "datagrams with a valid conn id and counters 2^53-1, 2^63, 2^64-1, then a random burst with valid conn ids",
  async run({ target, durationMs, quick }) {
    const raw = await openRaw(target);
    const keys = raw.session.datagram;
    if (!keys) throw new Error("the session has no datagram keys");
    const m = await udpCrash(target, keys, quick ? 50_000 : 500_000, Date.now() + durationMs);
    m.attackerSessionOpenAfter = !raw.isClosed();
    raw.destroy();
    return m;
  },
};
