// Session resumption over TCP with real servers and channels: resumed reconnects, shared caches, transparent fallback.
import { expect } from "chai";
import { TestServiceDefinition } from "../../generated/grpc/testing/test_xtmp.js";
import { testServiceImpl } from "../../services/test-service.js";
import { createChannel, createClient, createServer, generateIdentity, type Channel, type Server } from "../../src/index.js";
import { TicketCache } from "../../src/secure/ticket-cache.js";
import type { XtmpEvent } from "../../src/metrics/events.js";
import { until } from "../helpers/calls.js";

const serverId = generateIdentity();

async function startServer(port = 0, extra: Parameters<typeof createServer>[0] = {}): Promise<{ server: Server; port: number; opened: Uint8Array[] }> {
  const opened: Uint8Array[] = [];
  const server = createServer({
    identity: serverId,
    datagram: false,
    onEvent: (e: XtmpEvent) => void (e.type === "session_opened" && opened.push(e.peerIdentity as Uint8Array)),
    ...extra,
  });
  server.add(TestServiceDefinition, testServiceImpl);
  const bound = await server.listen(`xtmp://127.0.0.1:${port}`);
  return { server, port: bound.port, opened };
}

async function call(channel: Channel): Promise<void> {
  const r = await createClient(TestServiceDefinition, channel).unaryCall({ responseSize: 3 });
  expect(r.payload?.body.length).to.equal(3);
}

describe("session resumption over TCP", () => {
  const cleanup: Array<() => unknown> = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });

  it("a second channel sharing the ticket cache and identity resumes, and both sides report the original identities", async () => {
    const { server, port, opened } = await startServer();
    cleanup.push(() => server.shutdown({ graceMs: 0 }));
    const clientId = generateIdentity();
    const cache = new TicketCache();
    const opts = { serverKey: serverId.publicKey, identity: clientId, ticketCache: cache, datagram: false };
    const first = createChannel(`xtmp://127.0.0.1:${port}`, opts);
    await call(first);
    expect(first.sessionInfo?.mode).to.equal("IK");
    expect(await until(() => cache.size === 1), "the ticket arrived").to.equal(true);
    first.close();
    const second = createChannel(`xtmp://127.0.0.1:${port}`, opts);
    cleanup.push(() => second.close());
    await call(second);
    expect(second.sessionInfo?.mode).to.equal("NNpsk0");
    expect(second.sessionInfo?.peerIdentity).to.deep.equal(serverId.publicKey);
    expect(opened).to.deep.equal([clientId.publicKey, clientId.publicKey]);
    const stats = server.stats.resumption;
    expect(stats.accepted).to.equal(1);
    expect(await until(() => server.stats.resumption.ticketsIssued === 2), "a fresh ticket for the resumed session").to.equal(true);
    expect(stats.refused).to.deep.equal({});
  });

  it("a channel reconnecting to the same server resumes with its own cache (the default)", async () => {
    const { server, port } = await startServer(0, { maxConnectionAgeMs: 300, maxConnectionAgeGraceMs: 0 });
    cleanup.push(() => server.shutdown({ graceMs: 0 }));
    const channel = createChannel(`xtmp://127.0.0.1:${port}`, { serverKey: serverId.publicKey, datagram: false });
    cleanup.push(() => channel.close());
    await call(channel);
    expect(await until(() => server.stats.resumption.ticketsIssued === 1), "the ticket was sent").to.equal(true);
    expect(await until(() => server.stats.connections === 0, 10_000), "the connection reached its maximum age").to.equal(true);
    await call(channel);
    expect(server.stats.resumption.accepted).to.equal(1);
    expect(channel.sessionInfo?.mode).to.equal("NNpsk0");
  });

  it("a ticket the server refuses (it restarted with new ticket keys) falls back to a full handshake without an error, and the new ticket resumes", async () => {
    const a = await startServer();
    const clientId = generateIdentity();
    const cache = new TicketCache();
    const opts = { serverKey: serverId.publicKey, identity: clientId, ticketCache: cache, datagram: false };
    const first = createChannel(`xtmp://127.0.0.1:${a.port}`, opts);
    await call(first);
    expect(await until(() => cache.size === 1), "the ticket arrived").to.equal(true);
    first.close();
    await a.server.shutdown({ graceMs: 0 });
    const b = await startServer(a.port); // same identity and port, a new random ticket secret
    cleanup.push(() => b.server.shutdown({ graceMs: 0 }));
    const second = createChannel(`xtmp://127.0.0.1:${a.port}`, opts);
    cleanup.push(() => second.close());
    await call(second);
    expect(second.sessionInfo?.mode).to.equal("IK");
    expect(b.server.stats.resumption.refused).to.deep.equal({ invalid: 1 });
    expect(b.server.stats.handshakeFailures.ticket_rejected).to.equal(1);
    expect(await until(() => b.server.stats.resumption.ticketsIssued === 1), "a new ticket").to.equal(true);
    const third = createChannel(`xtmp://127.0.0.1:${a.port}`, opts);
    cleanup.push(() => third.close());
    await call(third);
    expect(third.sessionInfo?.mode).to.equal("NNpsk0");
    expect(b.server.stats.resumption.accepted).to.equal(1);
  });

  it("sessionTickets: false issues no tickets, and ticketCache: false never resumes", async () => {
    const off = await startServer(0, { sessionTickets: false });
    cleanup.push(() => off.server.shutdown({ graceMs: 0 }));
    const cache = new TicketCache();
    const ch = createChannel(`xtmp://127.0.0.1:${off.port}`, { serverKey: serverId.publicKey, ticketCache: cache, datagram: false });
    cleanup.push(() => ch.close());
    await call(ch);
    expect(off.server.stats.resumption.ticketsIssued).to.equal(0);
    expect(cache.size).to.equal(0);
    const on = await startServer();
    cleanup.push(() => on.server.shutdown({ graceMs: 0 }));
    const noCache = createChannel(`xtmp://127.0.0.1:${on.port}`, { serverKey: serverId.publicKey, ticketCache: false, datagram: false });
    cleanup.push(() => noCache.close());
    await call(noCache);
    expect(on.server.stats.resumption.ticketsIssued).to.equal(0); // the client did not offer RESUMPTION
  });
});
