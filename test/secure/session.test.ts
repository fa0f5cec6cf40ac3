// Secure sessions end to end in memory: XX, IK, both ciphers, both backends, hybrid PQ, channel binding.
import { expect } from "chai";
import { nobleCrypto } from "../../src/secure/crypto-noble.js";
import { nodeCrypto } from "../../src/secure/crypto-node.js";
import type { CipherName } from "../../src/secure/crypto.js";
import { generateIdentity } from "../../src/secure/identity.js";
import { FrameType } from "../../src/wire/frame-types.js";
import { Feature } from "../../src/wire/preamble.js";
import { establish, inbox, ok } from "../helpers/sessions.js";

const te = new TextEncoder();
const data = (s: string, streamId = 1) => ({ type: FrameType.DATA, flags: 0, streamId, payload: te.encode(s) });

describe("secure session", function () {
  this.timeout(20_000);
  const serverId = generateIdentity();
  const clientId = generateIdentity();

  for (const cipher of ["AESGCM", "ChaChaPoly"] as CipherName[]) {
    for (const serverKey of [undefined, serverId.publicKey]) {
      const mode = serverKey ? "IK" : "XX";
      it(`${mode} with ${cipher}: mutual authentication, channel binding, frames both ways`, async () => {
        const [c, s] = await establish({ identity: clientId, cipher, serverKey }, { identity: serverId });
        const client = ok(c);
        const server = ok(s);
        expect(client.info.mode).to.equal(mode);
        expect(server.info.mode).to.equal(mode);
        expect(client.info.cipher).to.equal(cipher);
        expect(client.info.peerIdentity).to.deep.equal(serverId.publicKey);
        expect(server.info.peerIdentity).to.deep.equal(clientId.publicKey);
        expect(client.info.handshakeHash).to.have.length(32);
        expect(client.info.handshakeHash).to.deep.equal(server.info.handshakeHash);
        const ci = inbox(client);
        const si = inbox(server);
        for (let i = 0; i < 50; i++) client.send(data(`ping ${i}`, 1 + 2 * i));
        server.send(data("pong", 2));
        const got = await si.waitFor(50);
        expect(new TextDecoder().decode(got[49]?.payload)).to.equal("ping 49");
        expect(got[49]?.streamId).to.equal(99);
        expect(new TextDecoder().decode((await ci.waitFor(1))[0]?.payload)).to.equal("pong");
        expect(client.stats.recordsSent).to.equal(1); // 50 frames in one turn -> one record
      });
    }
  }

  it("a node-backend peer and a noble-backend peer interoperate (both directions, both modes)", async () => {
    for (const [cc, sc] of [
      [nodeCrypto, nobleCrypto],
      [nobleCrypto, nodeCrypto],
    ]) {
      for (const serverKey of [undefined, serverId.publicKey]) {
        const [c, s] = await establish({ identity: clientId, crypto: cc, serverKey, cipher: "ChaChaPoly" }, { identity: serverId, crypto: sc });
        const si = inbox(ok(s));
        ok(c).send(data("cross-backend"));
        expect((await si.waitFor(1))[0]?.payload).to.deep.equal(te.encode("cross-backend"));
        expect(ok(c).info.handshakeHash).to.deep.equal(ok(s).info.handshakeHash);
      }
    }
  });

  for (const serverKey of [undefined, serverId.publicKey]) {
    it(`hybrid post-quantum (${serverKey ? "IKhfs" : "XXhfs"}): ML-KEM-768 mixed in, traffic flows`, async () => {
      const [c, s] = await establish({ identity: clientId, serverKey, postQuantum: true }, { identity: serverId, requirePostQuantum: true });
      expect(ok(c).info.postQuantum).to.equal(true);
      expect(ok(c).info.mode).to.equal(serverKey ? "IKhfs" : "XXhfs");
      expect(ok(s).info.features & Feature.PQ_HYBRID).to.equal(Feature.PQ_HYBRID);
      const si = inbox(ok(s));
      ok(c).send(data("quantum-safe"));
      expect((await si.waitFor(1))[0]?.payload).to.deep.equal(te.encode("quantum-safe"));
    });
  }

  it("large frames fill records up to the negotiated limit; padding hides sizes", async () => {
    const [c, s] = await establish({ identity: clientId, padding: 1024, maxRecordPlaintext: 4096 }, { identity: serverId, padding: 1024 });
    const client = ok(c);
    const server = ok(s);
    expect(client.maxFramePayload).to.be.greaterThan(16_000); // the server accepts 16 KiB records
    expect(server.maxFramePayload).to.be.lessThan(4096); // the client asked for 4 KiB
    const si = inbox(server);
    const ci = inbox(client);
    const before = client.stats.bytesSent;
    client.send(data("x"));
    await si.waitFor(1);
    expect(client.stats.bytesSent - before).to.equal(2 + 1024 + 16); // one padded record
    const big = new Uint8Array(server.maxFramePayload).fill(7);
    server.send({ type: FrameType.DATA, flags: 0, streamId: 2, payload: big });
    server.send(data("after"));
    const got = await ci.waitFor(2);
    expect(got[0]?.payload).to.deep.equal(big);
    expect(server.stats.recordsSent).to.equal(2);
    expect(() => server.send({ type: FrameType.DATA, flags: 0, streamId: 2, payload: new Uint8Array(server.maxFramePayload + 1) })).to.throw(RangeError);
  });

  it("orderly close reaches the peer without an error", async () => {
    const [c, s] = await establish({ identity: clientId }, { identity: serverId });
    const si = inbox(ok(s));
    const ci = inbox(ok(c));
    ok(c).close();
    expect(await si.closed).to.equal(undefined);
    expect(await ci.closed).to.equal(undefined);
  });
});
