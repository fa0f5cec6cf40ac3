// Session resumption (PROTOCOL.md §4.2): tickets, the NNpsk0 handshake, forward secrecy, and refusals of hostile tickets.
import { expect } from "chai";
import { nodeCrypto } from "../../src/secure/crypto-node.js";
import { acceptSession, connectSession, HandshakeError, type Session } from "../../src/secure/handshake.js";
import { generateIdentity } from "../../src/secure/identity.js";
import type { ClientSessionOptions, ServerSessionOptions } from "../../src/secure/options.js";
import { RESUME_PATTERN, type ClientResumption, type StoredTicket } from "../../src/secure/resume.js";
import { TicketIssuer } from "../../src/secure/ticket.js";
import { duplexPair } from "../../src/transport/memory.js";
import type { ByteDuplex } from "../../src/wire/duplex.js";
import { Feature } from "../../src/wire/preamble.js";
import { until } from "../helpers/calls.js";
import { inbox, tamperedPair } from "../helpers/sessions.js";

const SECRET = new Uint8Array(32).fill(7);
const NOW = 1_700_000_000_000;
const serverId = generateIdentity();
const clientId = generateIdentity();

/** A ClientResumption that records the tickets it is given. */
function recorder(ticket?: StoredTicket): ClientResumption & { stored: StoredTicket[] } {
  const stored: StoredTicket[] = [];
  return { ticket, stored, store: (t) => void stored.push(t) };
}

interface Run {
  client: PromiseSettledResult<Session>;
  server: PromiseSettledResult<Session>;
}

async function run(resume: ClientResumption | undefined, issuer: TicketIssuer | undefined, opts: { client?: ClientSessionOptions; server?: ServerSessionOptions; pair?: [ByteDuplex, ByteDuplex] } = {}): Promise<Run> {
  const [a, b] = opts.pair ?? duplexPair();
  const s = acceptSession(b, { identity: serverId, ...opts.server }, issuer ? { tickets: issuer } : {});
  const c = connectSession(a, { identity: clientId, ...opts.client }, resume);
  const [client, server] = await Promise.allSettled([c, s]);
  return { client, server };
}

function session(r: PromiseSettledResult<Session>): Session {
  if (r.status === "rejected") throw new Error(`expected a session, got ${String(r.reason)}`);
  return r.value;
}

function failure(r: PromiseSettledResult<Session>): HandshakeError {
  if (r.status === "fulfilled") throw new Error("expected the handshake to fail");
  expect(r.reason).to.be.instanceOf(HandshakeError);
  return r.reason as HandshakeError;
}

/** A full handshake that offers resumption; returns the ticket the client received. */
async function firstTicket(issuer: TicketIssuer, client: ClientSessionOptions = {}): Promise<StoredTicket> {
  const rec = recorder();
  const r = await run(rec, issuer, { client });
  const c = session(r.client);
  inbox(c); // records are read once a receiver is set
  inbox(session(r.server));
  expect(await until(() => rec.stored.length === 1), "a TICKET arrived").to.equal(true);
  c.close();
  return rec.stored[0] as StoredTicket;
}

describe("session resumption (secure layer)", () => {
  it("a full handshake offering RESUMPTION gets a ticket; resuming with it runs NNpsk0 and reports the original identities", async () => {
    const issuer = new TicketIssuer(nodeCrypto);
    const ticket = await firstTicket(issuer);
    expect(issuer.stats.ticketsIssued).to.equal(1);
    expect(ticket.serverIdentity).to.deep.equal(serverId.publicKey);
    const r = await run(recorder(ticket), issuer);
    const c = session(r.client);
    const s = session(r.server);
    expect(c.info.mode).to.equal(RESUME_PATTERN);
    expect(s.info.mode).to.equal(RESUME_PATTERN);
    expect(c.info.peerIdentity).to.deep.equal(serverId.publicKey);
    expect(s.info.peerIdentity).to.deep.equal(clientId.publicKey);
    expect(c.info.handshakeHash).to.deep.equal(s.info.handshakeHash);
    expect(issuer.stats.accepted).to.equal(1);
    // records flow both ways
    const ci = inbox(c);
    const si = inbox(s);
    c.send({ type: 0x11, flags: 1, streamId: 1, payload: new TextEncoder().encode("hello") });
    s.send({ type: 0x11, flags: 1, streamId: 1, payload: new TextEncoder().encode("back") });
    expect(new TextDecoder().decode((await si.waitFor(1))[0]?.payload)).to.equal("hello");
    expect(new TextDecoder().decode((await ci.waitFor(1))[0]?.payload)).to.equal("back");
    c.close();
  });

  it("a resumed session gets a fresh ticket of its own, which resumes too", async () => {
    const issuer = new TicketIssuer(nodeCrypto);
    const first = await firstTicket(issuer);
    const rec = recorder(first);
    const r = await run(rec, issuer);
    inbox(session(r.client));
    inbox(session(r.server));
    expect(await until(() => rec.stored.length === 1), "a TICKET arrived on the resumed session").to.equal(true);
    const second = rec.stored[0] as StoredTicket;
    expect(second.ticket).to.not.deep.equal(first.ticket);
    expect(second.psk).to.not.deep.equal(first.psk);
    session(r.client).close();
    const again = await run(recorder(second), issuer);
    expect(session(again.client).info.mode).to.equal(RESUME_PATTERN);
    expect(session(again.server).info.peerIdentity).to.deep.equal(clientId.publicKey);
  });

  it("keeps forward secrecy: two resumptions with one ticket use different ephemerals and different session keys", async () => {
    const issuer = new TicketIssuer(nodeCrypto);
    const ticket = await firstTicket(issuer);
    const records: Uint8Array[] = [];
    const hashes: Uint8Array[] = [];
    const ephemerals: string[] = [];
    for (let i = 0; i < 2; i++) {
      const writes: Uint8Array[] = [];
      const pair = tamperedPair((side, _n, chunk) => (side === "client" && writes.push(chunk), chunk));
      const r = await run(recorder(ticket), issuer, { pair });
      const c = session(r.client);
      inbox(session(r.server));
      hashes.push(c.info.handshakeHash);
      // the first flight: ClientHello (8) ‖ ticket length (2) ‖ ticket ‖ length (2) ‖ e (32) ‖ payload
      const flight = writes[0] as Uint8Array;
      ephemerals.push(Buffer.from(flight.subarray(8 + 2 + ticket.ticket.length + 2, 8 + 2 + ticket.ticket.length + 2 + 32)).toString("hex"));
      const before = writes.length;
      c.send({ type: 0x11, flags: 1, streamId: 1, payload: new Uint8Array(64) }); // same plaintext, same nonce (0)
      c.flush();
      records.push(writes[before] as Uint8Array);
      c.close();
    }
    expect(ephemerals[0]).to.not.equal(ephemerals[1]);
    expect(hashes[0]).to.not.deep.equal(hashes[1]);
    expect(records[0]?.length).to.equal(records[1]?.length);
    expect(records[0]).to.not.deep.equal(records[1]); // same plaintext under nonce 0: only different keys explain it
  });

  describe("refuses a bad ticket with TICKET_REJECTED (never a crash, counted)", () => {
    const cases: Array<[string, (t: StoredTicket, issuer: TicketIssuer) => { ticket: StoredTicket; issuer?: TicketIssuer }, string]> = [
      ["random bytes of 1 byte", (t) => ({ ticket: { ...t, ticket: nodeCrypto.randomBytes(1) } }), "malformed"],
      ["random bytes of 200 bytes (an unknown key id)", (t) => ({ ticket: { ...t, ticket: nodeCrypto.randomBytes(200) } }), "unknown_key"],
      ["random bytes of 1024 bytes", (t) => ({ ticket: { ...t, ticket: nodeCrypto.randomBytes(1024) } }), "unknown_key"],
      ["one bit flipped in the sealed part", (t) => ({ ticket: { ...t, ticket: flip(t.ticket, 40) } }), "invalid"],
      ["one bit flipped in the IV", (t) => ({ ticket: { ...t, ticket: flip(t.ticket, 5) } }), "invalid"],
      ["a ticket of a server with another secret", (t) => ({ ticket: t, issuer: new TicketIssuer(nodeCrypto, { secret: new Uint8Array(32).fill(8), lifetimeSeconds: 60, now: () => NOW }) }), "invalid"],
      ["an expired ticket", (t) => ({ ticket: t, issuer: new TicketIssuer(nodeCrypto, { secret: SECRET, lifetimeSeconds: 60, now: () => NOW + 61_000 }) }), "expired"],
      ["a ticket older than the previous key", (t) => ({ ticket: t, issuer: new TicketIssuer(nodeCrypto, { secret: SECRET, lifetimeSeconds: 60, now: () => NOW + 200_000 }) }), "unknown_key"],
    ];
    for (const [name, mutate, reason] of cases) {
      it(name, async () => {
        const issuer = new TicketIssuer(nodeCrypto, { secret: SECRET, lifetimeSeconds: 60, now: () => NOW });
        const good = await firstTicket(issuer);
        const { ticket, issuer: other } = mutate(good, issuer);
        const used = other ?? issuer;
        const r = await run(recorder(ticket), used);
        const ce = failure(r.client);
        expect(ce.reason).to.equal("ticket_rejected");
        expect(ce.message).to.include("TICKET_REJECTED");
        expect(failure(r.server).reason).to.equal("ticket_rejected");
        expect(used.stats.refused).to.deep.equal({ [reason]: 1 });
        expect(used.stats.accepted).to.equal(0);
      });
    }
  });

  it("refuses a ticket issued for another server identity sharing the secret, and one whose client the trust policy no longer accepts", async () => {
    const issuer = new TicketIssuer(nodeCrypto, { secret: SECRET });
    const ticket = await firstTicket(issuer);
    const other = await run(recorder(ticket), issuer, { server: { identity: generateIdentity() } });
    expect(failure(other.client).reason).to.equal("ticket_rejected");
    const untrusted = await run(recorder(ticket), issuer, { server: { trust: { kind: "pinned", keys: [generateIdentity().publicKey] } } });
    expect(failure(untrusted.client).reason).to.equal("ticket_rejected");
    expect(issuer.stats.refused).to.deep.equal({ identity: 1, trust: 1 });
  });

  it("a server without tickets refuses RESUME with TICKET_REJECTED and never accepts the RESUMPTION bit", async () => {
    const ticket = await firstTicket(new TicketIssuer(nodeCrypto));
    const r = await run(recorder(ticket), undefined);
    expect(failure(r.client).reason).to.equal("ticket_rejected");
    const full = await run(recorder(), undefined);
    expect(session(full.client).info.features & Feature.RESUMPTION).to.equal(0);
  });

  it("a client whose trust policy does not accept the ticket's server runs a full handshake instead", async () => {
    const issuer = new TicketIssuer(nodeCrypto);
    const ticket = await firstTicket(issuer);
    const r = await run(recorder({ ...ticket, serverIdentity: generateIdentity().publicKey }), issuer, { client: { serverKey: serverId.publicKey } });
    expect(session(r.client).info.mode).to.equal("IK");
    expect(issuer.stats.accepted).to.equal(0);
  });

  it("a ticket whose PSK the client does not know fails the handshake (HANDSHAKE_FAILED), it does not resume", async () => {
    const issuer = new TicketIssuer(nodeCrypto);
    const ticket = await firstTicket(issuer);
    const r = await run(recorder({ ...ticket, psk: nodeCrypto.randomBytes(32) }), issuer);
    expect(failure(r.server).reason).to.equal("auth");
    expect(failure(r.client).message).to.include("HANDSHAKE_FAILED");
  });

  it("resumes after answering a RETRY (the ticket block of the first flight is skipped)", async () => {
    const issuer = new TicketIssuer(nodeCrypto);
    const ticket = await firstTicket(issuer);
    const { CookieJar } = await import("../../src/secure/cookie.js");
    const cookies = new CookieJar(nodeCrypto);
    let retried = 0;
    const [a, b] = duplexPair();
    const admission = { admit: () => ({ cookies, cookieDemand: () => 0, retried: () => void retried++, finished: () => {} }) };
    const s = acceptSession(b, { identity: serverId }, { tickets: issuer, admission, remoteAddress: "127.0.0.1:1" });
    const c = connectSession(a, { identity: clientId }, recorder(ticket));
    const [cs, ss] = await Promise.all([c, s]);
    expect(retried).to.equal(1);
    expect(cs.info.mode).to.equal(RESUME_PATTERN);
    expect(ss.info.peerIdentity).to.deep.equal(clientId.publicKey);
  });

  it("a post-quantum client neither offers RESUMPTION nor resumes", async () => {
    const issuer = new TicketIssuer(nodeCrypto);
    const ticket = await firstTicket(issuer);
    const r = await run(recorder(ticket), issuer, { client: { postQuantum: true } });
    expect(session(r.client).info.mode).to.equal("XXhfs");
    expect(session(r.client).info.features & Feature.RESUMPTION).to.equal(0);
  });
});

function flip(b: Uint8Array, at: number): Uint8Array {
  const out = b.slice();
  out[at] = (out[at] as number) ^ 1;
  return out;
}
