// Empty-message flood: zero-length DATA messages cost no flow-control window, on streams whose handler is stalled.
import { encodeSettings, DEFAULT_SETTINGS } from "../../src/mux/control.js";
import { FrameFlags, FrameType } from "../../src/wire/frame-types.js";
import type { AttackDef, Metrics } from "../harness/attack.js";
import { closedWithCloseFrame, describeClose, openHeaders, openRaw, within } from "../harness/raw.js";
import type { Target } from "../harness/server.js";

// Heartbeat answers every request; with our stream window at 0 the handler blocks on its first answer
// and every further request queues on the server.
const PATH = "/bpci.v1.BpciService/Heartbeat";

/** Sends `messages` empty messages spread over `streams` Heartbeat streams, ignoring every window. */
export async function emptyMessageFlood(target: Target, messages: number, streams: number, deadline: number, settleMs = 3000): Promise<Metrics & { closedWithClose: boolean }> {
  const raw = await openRaw(target);
  raw.send(FrameType.SETTINGS, 0, 0, encodeSettings({ ...DEFAULT_SETTINGS, initialStreamWindow: 0 }));
  const headers = openHeaders(PATH);
  for (let s = 0; s < streams; s++) raw.send(FrameType.OPEN, 0, 1 + 2 * s, headers);
  let sent = 0;
  while (sent < messages && Date.now() < deadline && !raw.isClosed()) {
    for (let i = 0; i < 4000 && sent < messages; i++, sent++) raw.send(FrameType.DATA, FrameFlags.END_MESSAGE, 1 + 2 * (sent % streams));
    await raw.flush(4 << 20, deadline);
  }
  const err = await within(raw.closed, settleMs);
  const m = { messagesSent: sent, streams, closedByServer: raw.isClosed(), closedWithClose: closedWithCloseFrame(err), closeReason: raw.isClosed() ? describeClose(err) : "" };
  raw.destroy();
  return m;
}

export const emptyMessagesAttack: AttackDef = {
  name: "empty-flood",
  summary: "200,000 zero-length messages on 4 Heartbeat streams whose handlers are stalled (our window 0)",
  run: ({ target, durationMs, quick }) => emptyMessageFlood(target, quick ? 100_000 : 200_000, 4, Date.now() + durationMs),
  check: (m) => (m.closedWithClose ? [] : ["the flooding session was not closed"]),
};
