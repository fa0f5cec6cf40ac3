// Attack: OPEN + RESET as fast as possible (CVE-2023-44487 class) gets the session closed with a CLOSE.
import { expect } from "chai";
import { rapidReset } from "../../attack/attacks/rapid-reset.js";
import { legitCall, serverFixture } from "./helpers.js";

describe("attack: rapid reset (server process)", () => {
  const server = serverFixture();

  it("closes a session that opens and resets 20,000 streams, and serves others after", async () => {
    const s = server();
    const m = await rapidReset(s.target, 1, Date.now() + 8000, 20_000, 5000);
    expect(m.sessionsClosed, `closed by the server (${String(m.closeReason)})`).to.equal(1);
    expect(m.closedWithClose, `closed with a CLOSE frame (${String(m.closeReason)})`).to.equal(1);
    await legitCall(s.target);
    const stats = await s.stats();
    expect(stats.activeCalls, "no handler of a reset stream is still counted").to.equal(0);
    expect(s.alive()).to.equal(true);
  });
});
