// Attack: a victim's probe replayed from another address must not move its datagram path.
import { expect } from "chai";
import { udpHijack } from "../../attack/attacks/udp-hijack.js";
import { serverFixture } from "./helpers.js";

describe("attack: udp path hijack (server process)", () => {
  const server = serverFixture();

  it("sends the attacker no price ticks (at most a challenge per probe) and keeps serving the victim", async () => {
    const s = server();
    const r = await udpHijack(s.target, 1, 800, Date.now() + 10_000);
    expect(r.victimUsedUdp, "the victim's ticks came over UDP").to.equal(true);
    expect(r.victimTicksBefore).to.be.above(0);
    expect(r.attackerSent).to.equal(2);
    // path validation may send a challenge (with retries) to the new address, never the stream
    expect(r.attackerReceived, JSON.stringify(r)).to.be.at.most(3 * r.attackerSent);
    expect(r.victimTicksAfter, "the victim still receives ticks").to.be.above(0);
    expect(s.alive()).to.equal(true);
  });
});
