// Attack: idle sessions, calls without requests, unhandshaked connections, the WS listener, pool growth.
import { expect } from "chai";
import { callsWithoutRequests, httpProbe, idleSessions, poolGrowth, silentConnections } from "../../attack/attacks/idle-resources.js";
import { within } from "../../attack/harness/raw.js";
import { FrameType } from "../../src/wire/frame-types.js";
import { eventually, legitCall, serverFixture } from "./helpers.js";

describe("attack: idle sessions (server process)", () => {
  const server = serverFixture({ limits: { idleTimeoutMs: 300 } });

  it("closes established-but-silent sessions after idleTimeoutMs", async () => {
    const s = server();
    const { sessions, failed } = await idleSessions(s.target, 10, 5, Date.now() + 10_000);
    expect(failed).to.equal(0);
    const all = await within(Promise.all(sessions.map((x) => x.closed)), 8000);
    expect(sessions.filter((x) => x.isClosed()).length, "sessions closed by the server").to.equal(10);
    expect(all).to.not.equal(undefined);
    await legitCall(s.target);
  });
});

describe("attack: calls opened without a request (server process)", () => {
  const server = serverFixture({ limits: { maxConnectionAgeMs: 500, maxConnectionAgeGraceMs: 500 } });

  it("GOAWAYs and then closes sessions holding calls that never send a request", async () => {
    const s = server();
    const { sessions } = await callsWithoutRequests(s.target, 2, 200);
    await within(Promise.all(sessions.map((x) => x.closed)), 8000);
    expect(sessions.filter((x) => x.isClosed()).length, "sessions closed by the server").to.equal(2);
    for (const x of sessions) expect(x.received.get(FrameType.GOAWAY) ?? 0, "GOAWAY first").to.be.at.least(1);
    expect((await s.stats()).activeCalls).to.equal(0);
  });
});

describe("attack: connection flood without handshakes (server process)", () => {
  const LIMIT = 20;
  const server = serverFixture({ limits: { maxConnections: LIMIT, maxHandshakesInFlight: 1000, maxHandshakesInFlightPerSource: 1000 } });

  it(`closes connections beyond maxConnections (${LIMIT}) at once`, async () => {
    const s = server();
    const c = await silentConnections(s.target.host, s.target.port, 60, 10, Date.now() + 10_000);
    try {
      expect(c.sockets.length + c.refused).to.equal(60);
      expect(await eventually(() => c.closedByServer() + c.refused >= 60 - LIMIT, 5000), `closed ${c.closedByServer()}, refused ${c.refused}`).to.equal(true);
      const stats = await s.stats();
      expect(stats.connections as number).to.be.at.most(LIMIT);
    } finally {
      for (const x of c.sockets) x.destroy();
    }
    expect(await eventually(async () => ((await s.stats()).connections as number) === 0, 5000)).to.equal(true);
    await legitCall(s.target);
  });
});

describe("attack: WebSocket listener (server process)", () => {
  // wsHeadersTimeoutMs: the WS listener's header timeout (its default is 10 s)
  const server = serverFixture({ ws: true, limits: { wsHeadersTimeoutMs: 1000 } });
  const upgrade = (path: string) => `GET ${path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`;

  it("answers an upgrade to another path with 404", async () => {
    const s = server();
    const r = await httpProbe(s.target.host, s.target.wsPort!, upgrade("/not-xtmp"), 5000);
    expect(r.statusLine).to.match(/^HTTP\/1\.1 404/);
  });

  it("closes a raw TCP connection that sends nothing", async function () {
    this.timeout(20_000);
    const s = server();
    const r = await httpProbe(s.target.host, s.target.wsPort!, "", 15_000);
    expect(r.closed, "closed by the server").to.equal(true);
  });
});

describe("attack: record pool growth (server process)", () => {
  const server = serverFixture();

  it("does not keep a buffer per record size peers announced", async function () {
    this.timeout(40_000);
    const s = server();
    const before = (await s.stats()).memory.arrayBuffers;
    const done = await poolGrowth(s.target, 400, 16, Date.now() + 30_000, 32 << 10);
    expect(done).to.equal(400);
    expect(await eventually(async () => ((await s.stats()).connections as number) === 0, 5000)).to.equal(true);
    const after = (await s.stats()).memory.arrayBuffers; // measured after a full GC
    expect(after - before, "array buffer bytes kept after 400 closed sessions").to.be.below(8 << 20);
  });
});
