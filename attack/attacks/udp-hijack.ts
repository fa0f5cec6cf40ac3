// UDP path hijack: a victim's PROBE, captured by an on-path relay, replayed from another socket.
import { createSocket, type Socket } from "node:dgram";
import { BpciServiceDefinition } from "../../generated/bpci/v1/bpci_xtmp.js";
import { createChannel, createClient } from "../../src/index.js";
import type { AttackDef, Metrics } from "../harness/attack.js";
import { pause, sourceFor } from "../harness/raw.js";
import type { Target } from "../harness/server.js";

function bindUdp(address: string): Promise<Socket> {
  return new Promise((resolve) => {
    const s = createSocket("udp4");
    s.bind(0, address, () => resolve(s));
  });
}

/** Result of one hijack run. */
export interface HijackResult extends Metrics {
  /** Probes the attacker sent from its own socket (fresh intercepted ones and stale replays). */
  attackerSent: number;
  /** Datagrams the server sent to the attacker's socket. */
  attackerReceived: number;
  /** Ticks the victim got in the measuring period before the hijack. */
  victimTicksBefore: number;
  /** Ticks the victim got in the measuring period after it. */
  victimTicksAfter: number;
  /** Whether the victim's ticks came over UDP. */
  victimUsedUdp: boolean;
}

/**
 * Runs a victim (PriceTicks over UDP through a relay we control), then `rounds` times: replays an
 * old probe and sends an intercepted fresh probe from the attacker socket; measures for `measureMs`.
 */
export async function udpHijack(target: Target, rounds: number, measureMs: number, deadline: number): Promise<HijackResult> {
  const relay = await bindUdp("127.0.0.1"); // on the victim's path: the server sees it as the victim
  const attacker = await bindUdp(sourceFor(target.host) ?? "0.0.0.0");
  const server = { address: target.host, port: target.port };
  let victim: { address: string; port: number } | undefined;
  let intercept = false;
  const captured: Buffer[] = [];
  let interceptedFresh: Buffer | undefined;
  relay.on("message", (msg, from) => {
    if (from.port === server.port && from.address === server.address) {
      if (victim) relay.send(msg, victim.port, victim.address);
      return;
    }
    victim = { address: from.address, port: from.port };
    if (intercept) {
      intercept = false;
      interceptedFresh = msg; // dropped on the way: the attacker delivers it instead
      return;
    }
    captured.push(msg);
    relay.send(msg, server.port, server.address);
  });
  let attackerReceived = 0;
  attacker.on("message", () => attackerReceived++);
  let attackerSent = 0;
  const channel = createChannel(`xtmp://${target.host}:${target.port}`, { serverKey: target.serverKey, datagramAddress: `127.0.0.1:${relay.address().port}` });
  const client = createClient(BpciServiceDefinition, channel);
  const abort = new AbortController();
  let ticks = 0;
  const stats = { udp: false, received: 0, lost: 0, reordered: 0 };
  try {
    await channel.connect();
    while (channel.datagramPath !== "udp" && Date.now() < deadline) await pause(20);
    const stream = (async () => {
      try {
        for await (const _ of client.priceTicks({ symbols: ["BPI/USD"] }, { signal: abort.signal, datagramStats: stats })) ticks++;
      } catch {
        // cancelled at the end
      }
    })();
    while (ticks < 10 && Date.now() < deadline) await pause(20);
    let before = 0;
    let after = 0;
    for (let r = 0; r < rounds && Date.now() + 2 * measureMs < deadline; r++) {
      const t0 = ticks;
      await pause(measureMs);
      before += ticks - t0;
      // a stale replay (the server has seen it) and a fresh probe the victim never delivered
      const stale = captured.at(-1);
      if (stale) attacker.send(stale, server.port, server.address), attackerSent++;
      intercept = true;
      interceptedFresh = undefined;
      channel.probeDatagram();
      const waitUntil = Date.now() + 1000;
      while (!interceptedFresh && Date.now() < waitUntil) await pause(5);
      if (interceptedFresh) attacker.send(interceptedFresh, server.port, server.address), attackerSent++;
      const t1 = ticks;
      await pause(measureMs);
      after += ticks - t1;
    }
    abort.abort();
    await stream;
    return { attackerSent, attackerReceived, victimTicksBefore: before, victimTicksAfter: after, victimUsedUdp: stats.udp };
  } finally {
    abort.abort();
    channel.close();
    relay.close();
    attacker.close();
  }
}

export const udpHijackAttack: AttackDef = {
  name: "udp-hijack",
  summary: "a victim's PROBE (captured by a relay) replayed from another socket while the victim receives PriceTicks",
  run: ({ target, durationMs }) => {
    const measureMs = Math.min(1500, Math.floor(durationMs / 6));
    return udpHijack(target, Math.max(1, Math.floor(durationMs / (3 * measureMs))), measureMs, Date.now() + durationMs);
  },
  check: (m) => [
    ...((m.attackerReceived as number) > 3 * (m.attackerSent as number) ? [`the attacker received ${String(m.attackerReceived)} datagrams for ${String(m.attackerSent)} probes`] : []),
    ...(m.victimTicksAfter === 0 ? ["the victim received no ticks after the replay"] : []),
  ],
};
