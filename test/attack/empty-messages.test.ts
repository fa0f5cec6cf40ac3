// Attack: zero-length messages past a stalled handler must cost window (session closed), not memory.
import { expect } from "chai";
import { emptyMessageFlood } from "../../attack/attacks/empty-messages.js";
import { legitCall, serverFixture } from "./helpers.js";

describe("attack: empty-message flood (server process)", () => {
  const server = serverFixture();

  it("closes a session that sends 200,000 empty messages to stalled handlers, ignoring the window", async () => {
    const s = server();
    const m = await emptyMessageFlood(s.target, 200_000, 4, Date.now() + 8000, 5000);
    expect(m.closedByServer, "session closed by the server").to.equal(true);
    expect(m.closedWithClose, `closed with a CLOSE frame (${String(m.closeReason)})`).to.equal(true);
    const stats = await s.stats();
    expect(stats.activeCalls, "the flooded calls ended with the session").to.equal(0);
    await legitCall(s.target);
    expect(s.alive()).to.equal(true);
  });
});
