// Every attack class of the suite, in the order `npm run attack` runs them.
import type { AttackDef } from "./harness/attack.js";
import { legitAttack } from "./attacks/legit.js";
import { udpCrashAttack } from "./attacks/udp-crash.js";
import { zstdBombAttack } from "./attacks/zstd-bomb.js";
import { pingFloodAttack, settingsFloodAttack } from "./attacks/control-flood.js";
import { emptyMessagesAttack } from "./attacks/empty-messages.js";
import { rapidResetAttack } from "./attacks/rapid-reset.js";
import { handshakeRandomAttack, handshakeReplayAttack } from "./attacks/handshake-flood.js";
import { udpHijackAttack } from "./attacks/udp-hijack.js";
import { connFloodAttack, idleCallsAttack, idleSessionsAttack, poolGrowthAttack, wsListenerAttack } from "./attacks/idle-resources.js";

export const ATTACKS: readonly AttackDef[] = [
  legitAttack,
  udpCrashAttack,
  zstdBombAttack,
  pingFloodAttack,
  settingsFloodAttack,
  emptyMessagesAttack,
  rapidResetAttack,
  handshakeReplayAttack,
  handshakeRandomAttack,
  udpHijackAttack,
  idleSessionsAttack,
  idleCallsAttack,
  connFloodAttack,
  wsListenerAttack,
  poolGrowthAttack,
];

/** The attack called `name`, or undefined. */
export function attackNamed(name: string): AttackDef | undefined {
  return ATTACKS.find((a) => a.name === name);
}
