// Reconnect backoff of a channel's subchannels, driven by a fake clock: the schedule, the jitter, the reset after success.
import { expect } from "chai";
import { connect, createServer as createTcpServer, type Socket } from "node:net";
import { TestServiceDefinition } from "../../generated/grpc/testing/test_xtmp.js";
import { createTestService } from "../../services/test-service.js";
import { Code, createChannel, createClient, createServer, generateIdentity } from "../../src/index.js";
import { failure, until } from "../helpers/calls.js";
import { FakeClock } from "../resolver/fake-clock.js";

/** A TCP port that drops connections at once (every handshake fails), or relays them to `forwardTo`; counts them. */
async function droppingServer() {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const state = { forwardTo: 0 };
  const server = createTcpServer((s) => {
    accepted++;
    if (!state.forwardTo) return void s.destroy();
    const up = connect(state.forwardTo, "127.0.0.1");
    for (const x of [s, up]) {
      sockets.add(x);
      x.on("error", () => undefined).on("close", () => sockets.delete(x));
    }
    s.pipe(up).pipe(s);
    s.on("close", () => up.destroy());
    up.on("close", () => s.destroy());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as { port: number }).port,
    state,
    get accepted() {
      return accepted;
    },
    dropAll: () => sockets.forEach((x) => x.destroy()),
    close: () => new Promise<void>((r) => (sockets.forEach((x) => x.destroy()), server.close(() => r()))),
  };
}

describe("reconnect backoff (fake clock)", function () {
  this.timeout(20_000);

  for (const [label, random, factor] of [
    ["no jitter (random 0.5)", 0.5, 1],
    ["lowest jitter (random 0)", 0, 0.8],
    ["highest jitter (random → 1)", 0.999999, 1.2],
  ] as const) {
    it(`waits 1 s, 1.6 s, 2.56 s, … between failed connection attempts: ${label}`, async () => {
      const srv = await droppingServer();
      const clock = new FakeClock();
      const channel = createChannel(`xtmp://127.0.0.1:${srv.port}`, { serverKey: generateIdentity().publicKey, datagram: false, clock, random: () => random });
      const client = createClient(TestServiceDefinition, channel);
      const abort = new AbortController();
      const waiting = failure(client.unaryCall({}, { waitForReady: true, signal: abort.signal }));
      try {
        const schedule = [1000, 1600, 2560, 4096].map((ms) => ms * factor);
        for (let i = 0; i < schedule.length; i++) {
          // attempt i+1 happens, fails, and the channel waits in transient_failure
          expect(await until(() => srv.accepted === i + 1 && channel.state === "transient_failure", 5_000), `attempt ${i + 1}`).to.equal(true);
          const delay = schedule[i] as number;
          clock.advance(Math.floor(delay) - 1);
          expect(srv.accepted, `no attempt before ${delay} ms`).to.equal(i + 1);
          expect(channel.state).to.equal("transient_failure");
          clock.advance(2);
        }
        expect(await until(() => srv.accepted === 5, 5_000)).to.equal(true);
      } finally {
        abort.abort();
        expect((await waiting).code).to.equal(Code.CANCELLED);
        channel.close();
        await srv.close();
      }
    });
  }

  it("a fail-fast call in transient failure fails at once, without a new connection attempt", async () => {
    const srv = await droppingServer();
    const clock = new FakeClock();
    const channel = createChannel(`xtmp://127.0.0.1:${srv.port}`, { serverKey: generateIdentity().publicKey, datagram: false, clock, random: () => 0.5 });
    const client = createClient(TestServiceDefinition, channel);
    try {
      expect((await failure(client.unaryCall({}))).code).to.equal(Code.UNAVAILABLE);
      expect(srv.accepted).to.equal(1);
      for (let i = 0; i < 5; i++) expect((await failure(client.unaryCall({}))).code).to.equal(Code.UNAVAILABLE);
      expect(srv.accepted, "no redial storm").to.equal(1);
      clock.advance(1000);
      // after the backoff the subchannel is idle; the next call connects again
      expect((await failure(client.unaryCall({}))).code).to.equal(Code.UNAVAILABLE);
      expect(srv.accepted).to.equal(2);
    } finally {
      channel.close();
      await srv.close();
    }
  });

  it("a completed handshake resets the schedule: after a later loss the first delay is 1 s again", async () => {
    const identity = generateIdentity();
    const real = createServer({ identity });
    real.add(TestServiceDefinition, createTestService({ serverId: () => "real" }));
    const { port: realPort } = await real.listen("xtmp://127.0.0.1:0");
    const srv = await droppingServer();
    const clock = new FakeClock();
    const channel = createChannel(`xtmp://127.0.0.1:${srv.port}`, { serverKey: identity.publicKey, datagram: false, clock, random: () => 0.5 });
    const client = createClient(TestServiceDefinition, channel);
    try {
      const first = client.unaryCall({ fillServerId: true }, { waitForReady: true });
      for (const [n, delay] of [[1, 1000], [2, 1600], [3, 2560]] as const) {
        expect(await until(() => srv.accepted === n && channel.state === "transient_failure", 5_000), `attempt ${n}: ${srv.accepted} ${channel.state}`).to.equal(true);
        if (n === 3) srv.state.forwardTo = realPort;
        clock.advance(delay);
      }
      expect((await first).serverId).to.equal("real");
      expect(srv.accepted).to.equal(4);
      // the connection is lost and connecting fails again: the wait starts over at 1 s, not 4.1 s
      srv.state.forwardTo = 0;
      srv.dropAll();
      expect(await until(() => channel.state !== "ready", 5_000)).to.equal(true);
      const abort = new AbortController();
      const second = failure(client.unaryCall({}, { waitForReady: true, signal: abort.signal }));
      expect(await until(() => srv.accepted === 5 && channel.state === "transient_failure", 5_000)).to.equal(true);
      clock.advance(999);
      expect(srv.accepted).to.equal(5);
      clock.advance(2);
      expect(await until(() => srv.accepted === 6, 5_000)).to.equal(true);
      abort.abort();
      expect((await second).code).to.equal(Code.CANCELLED);
    } finally {
      channel.close();
      await srv.close();
      await real.shutdown({ graceMs: 0 });
    }
  });
});
