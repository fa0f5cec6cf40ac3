// PING and SETTINGS floods from a client that never reads its socket (replies pile up on the server).
import { encodeSettings, DEFAULT_SETTINGS } from "../../src/mux/control.js";
import { FrameType } from "../../src/wire/frame-types.js";
import type { AttackDef, Metrics } from "../harness/attack.js";
import { closedWithCloseFrame, describeClose, openRaw, within } from "../harness/raw.js";
import type { Target } from "../harness/server.js";

/** Which control frame to flood with. */
export type ControlKind = "ping" | "settings";

/**
 * Floods `sessions` sessions with `kind` frames until `deadline` (or `maxFrames` per session) without
 * reading; then reads again and waits up to `settleMs` to learn whether the server closed the session.
 */
export async function controlFlood(target: Target, kind: ControlKind, sessions: number, deadline: number, maxFrames = Infinity, settleMs = 3000): Promise<Metrics & { closedByServer: number; closedWithClose: number }> {
  const type = kind === "ping" ? FrameType.PING : FrameType.SETTINGS;
  let sent = 0;
  let closedByServer = 0;
  let closedWithClose = 0;
  let reason = "";
  const one = async (s: number) => {
    const raw = await openRaw(target);
    raw.pauseReading();
    const payload = kind === "ping" ? new Uint8Array(8) : encodeSettings(DEFAULT_SETTINGS);
    const view = new DataView(payload.buffer);
    let n = 0;
    while (Date.now() < deadline && n < maxFrames && !raw.isClosed() && !raw.socket.destroyed) {
      for (let i = 0; i < 2000 && n < maxFrames; i++, n++) {
        if (kind === "ping") view.setUint32(0, n), view.setUint32(4, s);
        if (!raw.send(type, 0, 0, payload)) break;
      }
      await raw.flush(4 << 20, deadline);
    }
    sent += n;
    raw.resumeReading();
    const err = await within(raw.closed, settleMs);
    if (raw.isClosed()) {
      closedByServer++;
      if (closedWithCloseFrame(err)) closedWithClose++;
      reason ||= describeClose(err);
    }
    raw.destroy();
  };
  await Promise.all(Array.from({ length: sessions }, (_, s) => one(s)));
  return { framesSent: sent, closedByServer, closedWithClose, closeReason: reason };
}

function floodAttack(kind: ControlKind): AttackDef {
  return {
    name: `${kind}-flood`,
    summary: `${kind.toUpperCase()} frames as fast as possible from 2 sessions that never read their socket`,
    run: ({ target, durationMs }) => controlFlood(target, kind, 2, Date.now() + durationMs, Infinity, 1500),
    // a peer that never reads may not get the CLOSE itself (it sits behind unread replies): closing counts
    check: (m) => (m.closedByServer === 2 ? [] : [`${String(m.closedByServer)}/2 flooding sessions closed`]),
  };
}

export const pingFloodAttack = floodAttack("ping");
export const settingsFloodAttack = floodAttack("settings");
