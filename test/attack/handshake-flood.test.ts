// Attack: handshake floods; the server does Diffie-Hellman for at most maxHandshakesInFlight stalled peers.
import { expect } from "chai";
import { captureFirstFlight, handshakeFlood, randomXxFirstFlight } from "../../attack/attacks/handshake-flood.js";
import { eventually, legitCall, serverFixture } from "./helpers.js";

const LIMIT = 4;

describe("attack: handshake floods (server process)", () => {
  const server = serverFixture({ limits: { maxHandshakesInFlight: LIMIT } });

  const cases = [
    { name: "a captured IK first flight replayed", flight: async (t: Parameters<typeof captureFirstFlight>[0]) => { const f = await captureFirstFlight(t, "IK"); return () => f; } },
    { name: "random XX first messages", flight: async () => randomXxFirstFlight },
  ];
  for (const c of cases) {
    it(`${c.name} on 60 held connections: at most ${LIMIT} get a handshake answer (DH work)`, async () => {
      const s = server();
      const r = await handshakeFlood(s.target, { flight: await c.flight(s.target), concurrency: 20, connections: 60, deadline: Date.now() + 10_000, answerMs: 1500, hold: true });
      try {
        expect(r.connections).to.equal(60);
        expect(r.answers.full ?? 0, JSON.stringify(r.answers)).to.be.at.most(LIMIT);
      } finally {
        for (const sock of r.held) sock.destroy();
      }
      expect(await eventually(async () => ((await s.stats()).connections as number) === 0, 5000), "held connections released").to.equal(true);
      await legitCall(s.target);
      expect(s.alive()).to.equal(true);
    });
  }
});
