// Attack: forged datagrams with a valid connection id and out-of-range counters must not kill the server.
import { expect } from "chai";
import { openRaw } from "../../attack/harness/raw.js";
import { udpCrash } from "../../attack/attacks/udp-crash.js";
import { legitCall, serverFixture } from "./helpers.js";

describe("attack: udp-crash (server process)", () => {
  const server = serverFixture();

  it("survives counters 2^53-1, 2^53, 2^63, 2^64-1 and a burst of random datagrams with a valid conn id", async () => {
    const s = server();
    const raw = await openRaw(s.target);
    const keys = raw.session.datagram;
    expect(keys, "the session has datagram keys").to.not.equal(undefined);
    const m = await udpCrash(s.target, keys!, 5000, Date.now() + 5000);
    expect(m.datagramsSent).to.be.at.least(5000);
    // the STATS round trip and a call on a new connection are served after the datagrams were
    await s.stats();
    await legitCall(s.target);
    expect(s.alive(), "server process alive").to.equal(true);
    expect(raw.isClosed(), "the attacker's own TCP session is unaffected").to.equal(false);
    raw.destroy();
  });
});
