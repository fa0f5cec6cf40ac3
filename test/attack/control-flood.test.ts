// Attack: PING and SETTINGS floods from a client that never reads get the session closed with a CLOSE.
import { expect } from "chai";
import { controlFlood } from "../../attack/attacks/control-flood.js";
import { readRss } from "../../attack/harness/proc.js";
import { legitCall, serverFixture } from "./helpers.js";

describe("attack: ping and settings floods (server process)", () => {
  const server = serverFixture();

  for (const kind of ["ping", "settings"] as const) {
    it(`closes a session that floods ${kind.toUpperCase()} without reading, with a CLOSE frame`, async () => {
      const s = server();
      const baseline = readRss(s.pid) ?? 0;
      const m = await controlFlood(s.target, kind, 1, Date.now() + 4000, 200_000, 5000);
      expect(m.framesSent).to.be.above(0);
      expect(m.closedByServer, `session closed by the server (${String(m.closeReason)})`).to.equal(1);
      expect(m.closedWithClose, `closed with a CLOSE frame (${String(m.closeReason)})`).to.equal(1);
      await legitCall(s.target);
      expect(s.alive()).to.equal(true);
      expect((readRss(s.pid) ?? Infinity) - baseline).to.be.below(150 << 20);
    });
  }
});
