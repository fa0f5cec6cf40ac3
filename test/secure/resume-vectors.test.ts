// The committed resumption vectors (test/vectors/xtmp/resume-*.json, computed independently in Python) reproduced byte for byte.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { nobleCrypto } from "../../src/secure/crypto-noble.js";
import { nodeCrypto } from "../../src/secure/crypto-node.js";
import type { CipherName, CryptoBackend } from "../../src/secure/crypto.js";
import { acceptSession, connectSession } from "../../src/secure/handshake.js";
import { identityFromSeed } from "../../src/secure/identity.js";
import { encodeTicketFrame, parseTicketFrame, resumeState, resumptionSecret, ticketPsk, type StoredTicket } from "../../src/secure/resume.js";
import { TicketIssuer } from "../../src/secure/ticket.js";
import { duplexPair } from "../../src/transport/memory.js";
import type { ByteDuplex } from "../../src/wire/duplex.js";
import { FrameType } from "../../src/wire/frame-types.js";
import { Feature } from "../../src/wire/preamble.js";
import { until } from "../helpers/calls.js";
import { inbox } from "../helpers/sessions.js";

interface ResumeVector {
  cipher: CipherName;
  client_identity_seed: string;
  server_identity_seed: string;
  client_identity: string;
  server_identity: string;
  previous_resumption_secret: string;
  ticket_nonce: string;
  psk: string;
  ticket_secret: string;
  lifetime_seconds: number;
  now_ms: number;
  ticket_expiry: number;
  ticket_iv: string;
  ticket: string;
  ticket_frame_payload: string;
  client_hello: string;
  client_ephemeral_private: string;
  server_ephemeral_private: string;
  max_record: number;
  features: number;
  messages: Array<{ from: "c" | "s"; hex: string }>;
  handshake_hash: string;
  exporter: string;
  resumption_secret: string;
  next_ticket_iv: string;
  next_psk: string;
  next_ticket: string;
}

const unhex = (s: string) => new Uint8Array(Buffer.from(s, "hex"));
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/** A backend whose ephemeral keys and random bytes come from fixed queues. */
function fixed(base: CryptoBackend, ephemerals: Uint8Array[], randoms: Uint8Array[] = []): CryptoBackend {
  return {
    ...base,
    x25519Generate() {
      const privateKey = ephemerals.shift();
      if (!privateKey) throw new Error("no more fixed ephemerals");
      return { privateKey: privateKey.slice(), publicKey: base.x25519PublicKey(privateKey) };
    },
    randomBytes(n: number) {
      const r = randoms.shift();
      if (!r || r.length !== n) throw new Error(`no fixed random of ${n} bytes`);
      return r.slice();
    },
  };
}

for (const file of ["resume-aesgcm.json", "resume-chachapoly.json"]) {
  // the vector is a committed file, written by test/vectors/tools/resume_vectors.py; this test only reads it
  const v = JSON.parse(readFileSync(new URL(`../vectors/xtmp/${file}`, import.meta.url), "utf8")) as ResumeVector;

  describe(`resumption vector ${file}`, () => {
    for (const [name, backend] of [["node", nodeCrypto], ["noble", nobleCrypto]] as const) {
      it(`ticket PSK, ticket sealing and opening (${name} backend)`, () => {
        expect(hex(ticketPsk(backend, unhex(v.previous_resumption_secret), unhex(v.ticket_nonce)))).to.equal(v.psk);
        const issuer = new TicketIssuer(backend, { secret: unhex(v.ticket_secret), lifetimeSeconds: v.lifetime_seconds, now: () => v.now_ms });
        const ticket = issuer.seal(unhex(v.psk), unhex(v.server_identity), unhex(v.client_identity), undefined, unhex(v.ticket_iv)) as Uint8Array;
        expect(hex(ticket)).to.equal(v.ticket);
        expect(hex(encodeTicketFrame(v.lifetime_seconds, unhex(v.ticket_nonce), ticket))).to.equal(v.ticket_frame_payload);
        expect(parseTicketFrame(unhex(v.ticket_frame_payload))).to.deep.equal({ lifetime: v.lifetime_seconds, nonce: unhex(v.ticket_nonce), ticket });
        const opened = issuer.open(ticket, unhex(v.server_identity), { kind: "any" });
        expect(opened).to.deep.equal({ expiry: v.ticket_expiry, psk: unhex(v.psk), serverIdentity: unhex(v.server_identity), clientIdentity: unhex(v.client_identity), clientCertificate: undefined });
      });

      it(`the Noise NNpsk0 messages, handshake hash, exporter and resumption secret (${name} backend)`, () => {
        const ticket = unhex(v.ticket);
        const e = (priv: string) => ({ privateKey: unhex(priv), publicKey: backend.x25519PublicKey(unhex(priv)) });
        const client = resumeState(backend, v.cipher, true, unhex(v.client_hello), ticket, unhex(v.psk), e(v.client_ephemeral_private));
        const server = resumeState(backend, v.cipher, false, unhex(v.client_hello), ticket, unhex(v.psk), e(v.server_ephemeral_private));
        const payload = unhex("0403808001" + "0501" + v.features.toString(16).padStart(2, "0"));
        const msg1 = client.writeMessage(payload);
        expect(v.messages[0]?.hex.endsWith(hex(msg1))).to.equal(true);
        expect(server.readMessage(msg1)).to.deep.equal(payload);
        const msg2 = server.writeMessage(payload);
        expect(v.messages[1]?.hex.endsWith(hex(msg2))).to.equal(true);
        expect(client.readMessage(msg2)).to.deep.equal(payload);
        expect(hex(client.handshakeHash)).to.equal(v.handshake_hash);
        expect(hex(resumptionSecret(client))).to.equal(v.resumption_secret);
        expect(hex(resumptionSecret(server))).to.equal(v.resumption_secret);
        expect(hex(client.split().exporter)).to.equal(v.exporter);
        expect(hex(ticketPsk(backend, unhex(v.resumption_secret), unhex(v.ticket_nonce)))).to.equal(v.next_psk);
      });

      it(`a whole resumed session through the client and server drivers, every byte (${name} backend)`, async () => {
        const clientId = identityFromSeed(unhex(v.client_identity_seed));
        const serverId = identityFromSeed(unhex(v.server_identity_seed));
        expect(hex(clientId.publicKey)).to.equal(v.client_identity);
        expect(hex(serverId.publicKey)).to.equal(v.server_identity);
        const order: Array<{ from: "c" | "s"; hex: string }> = [];
        const [a, b] = duplexPair();
        const tap = (d: ByteDuplex, from: "c" | "s"): ByteDuplex => ({ ...d, write: (c) => (order.push({ from, hex: hex(c) }), d.write(c)), close: () => d.close(), setReceiver: (r) => d.setReceiver(r) });
        const serverCrypto = fixed(backend, [unhex(v.server_ephemeral_private)], [unhex(v.next_ticket_iv)]);
        const issuer = new TicketIssuer(serverCrypto, { secret: unhex(v.ticket_secret), lifetimeSeconds: v.lifetime_seconds, now: () => v.now_ms });
        const stored: StoredTicket[] = [];
        const held: StoredTicket = { ticket: unhex(v.ticket), psk: unhex(v.psk), expiresAt: Date.now() + 3_600_000, serverIdentity: serverId.publicKey, serverCertificate: undefined };
        const sp = acceptSession(tap(b, "s"), { identity: serverId, maxRecordPlaintext: v.max_record, crypto: serverCrypto }, { tickets: issuer });
        const cp = connectSession(
          tap(a, "c"),
          { identity: clientId, maxRecordPlaintext: v.max_record, cipher: v.cipher, features: Feature.ZSTD, crypto: fixed(backend, [unhex(v.client_ephemeral_private)]) },
          { ticket: held, store: (t) => void stored.push(t) },
        );
        const [c, s] = await Promise.all([cp, sp]);
        const ci = inbox(c);
        const si = inbox(s);
        expect(await until(() => stored.length === 1), "the fresh TICKET arrived").to.equal(true);
        c.send({ type: FrameType.DATA, flags: 1, streamId: 1, payload: new TextEncoder().encode("hello over XTMP") });
        await si.waitFor(1);
        s.send({ type: FrameType.DATA, flags: 1, streamId: 1, payload: new TextEncoder().encode("hello back") });
        await ci.waitFor(1);
        expect(order).to.deep.equal(v.messages);
        expect(hex(c.info.handshakeHash)).to.equal(v.handshake_hash);
        expect(c.info.peerIdentity).to.deep.equal(serverId.publicKey);
        expect(s.info.peerIdentity).to.deep.equal(clientId.publicKey);
        expect(hex(stored[0]?.ticket as Uint8Array)).to.equal(v.next_ticket);
        expect(hex(stored[0]?.psk as Uint8Array)).to.equal(v.next_psk);
        c.close();
      });
    }
  });
}
