// Key rotation across the boundary in both directions, insecure mode, certificates, key files, PQ tampering.
import { expect } from "chai";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { issueCertificate } from "../../src/secure/certificate.js";
import { nodeCrypto } from "../../src/secure/crypto-node.js";
import { generateIdentity, identityFromSeed } from "../../src/secure/identity.js";
import { mlKem768, type Kem } from "../../src/secure/kem.js";
import { loadIdentity, parsePublicKey, saveIdentity } from "../../src/secure/keyfile.js";
import { FrameType } from "../../src/wire/frame-types.js";
import { Code, establish, inbox, ok, recordingPair, rejected } from "../helpers/sessions.js";

const serverId = generateIdentity();
const clientId = generateIdentity();
const te = new TextEncoder();
const frame = (i: number) => ({ type: FrameType.DATA, flags: 0, streamId: 1, payload: te.encode(`message ${i}`) });
const turn = () => new Promise<void>((r) => setImmediate(r));

describe("key rotation", function () {
  this.timeout(20_000);

  for (const [name, rekey] of [
    ["every 3 records", { records: 3 }],
    ["every 30 bytes", { bytes: 30 }],
    ["every record (interval 0)", { intervalMs: 0 }],
  ] as const) {
    it(`${name}: both directions rekey at once and nothing is lost`, async () => {
      const [c, s] = await establish({ identity: clientId, rekey }, { identity: serverId, rekey });
      const client = ok(c);
      const server = ok(s);
      const ci = inbox(client);
      const si = inbox(server);
      for (let i = 0; i < 20; i++) {
        client.send(frame(i));
        server.send(frame(i));
        await turn(); // one record per turn
      }
      const [fromClient, fromServer] = await Promise.all([si.waitFor(20), ci.waitFor(20)]);
      expect(fromClient.map((f) => new TextDecoder().decode(f.payload))).to.deep.equal(Array.from({ length: 20 }, (_, i) => `message ${i}`));
      expect(fromServer).to.have.length(20);
      expect(client.stats.rekeysSent).to.be.greaterThan(3);
      expect(server.stats.rekeysSent).to.be.greaterThan(3);
      expect(server.stats.rekeysReceived).to.equal(client.stats.rekeysSent);
      expect(client.stats.rekeysReceived).to.equal(server.stats.rekeysSent);
    });
  }

  it("a record sealed under the old key is rejected after the switch", async () => {
    const { pair, written } = recordingPair();
    const [c, s] = await establish({ identity: clientId, rekey: { records: 2 } }, { identity: serverId }, pair);
    const si = inbox(ok(s));
    ok(c).send(frame(0));
    await si.waitFor(1);
    const oldRecord = written.client.at(-1) as Uint8Array;
    ok(c).send(frame(1)); // carries KEY_UPDATE
    await si.waitFor(2);
    expect(ok(c).stats.rekeysSent).to.equal(1);
    pair[0].write(oldRecord);
    expect((await si.closed)?.code).to.equal(Code.DATA_LOSS);
  });
});

describe("insecure mode", function () {
  this.timeout(10_000);

  it("works only when both sides ask for it; records carry a CRC-32C", async () => {
    const { pair, written } = recordingPair();
    const [c, s] = await establish({ insecure: true }, { insecure: true }, pair);
    expect(ok(c).info.mode).to.equal("insecure");
    expect(ok(s).info.peerIdentity).to.equal(undefined);
    const si = inbox(ok(s));
    ok(c).send(frame(7));
    expect((await si.waitFor(1))[0]?.payload).to.deep.equal(te.encode("message 7"));
    const rec = written.client.at(-1) as Uint8Array;
    expect(Buffer.from(rec).includes(Buffer.from("message 7"))).to.equal(true); // plaintext on the wire
    const corrupt = rec.slice();
    corrupt[5]! ^= 0x40;
    pair[0].write(corrupt);
    expect((await si.closed)?.code).to.equal(Code.DATA_LOSS);
  });

  it("a secure server refuses an insecure client, and a secure client refuses an insecure server", async () => {
    const [c1, s1] = await establish({ insecure: true }, { identity: serverId });
    expect(rejected(c1).code).to.equal(Code.UNAUTHENTICATED);
    expect(rejected(s1).code).to.equal(Code.UNAUTHENTICATED);
    const [c2] = await establish({ identity: clientId }, { insecure: true });
    expect(rejected(c2).code).to.equal(Code.UNAUTHENTICATED);
    expect(rejected(c2).message).to.match(/insecure mode/);
  });
});

describe("certificates and trust", function () {
  this.timeout(10_000);
  const root = generateIdentity();
  const now = Math.floor(Date.now() / 1000);
  const certified = (name: string, notBefore = now - 60, notAfter = now + 3600, rootSeed = root.seed) => {
    const id = generateIdentity();
    const cert = issueCertificate(nodeCrypto, { subject: id.publicKey, name, notBefore, notAfter, rootSeed });
    return identityFromSeed(id.seed, cert);
  };
  const trust = { kind: "roots", roots: [root.publicKey], names: ["bpci-1", "bpi-1"] } as const;

  it("accepts a peer with a valid certificate from a trusted root", async () => {
    const [c, s] = await establish({ identity: certified("bpi-1"), trust }, { identity: certified("bpci-1"), trust });
    expect(ok(c).info.peerCertificate).to.not.equal(undefined);
    expect(ok(s).info.peerCertificate).to.not.equal(undefined);
  });

  for (const [why, server, pattern] of [
    ["expired", () => certified("bpci-1", now - 7200, now - 3600), /expired/],
    ["not yet valid", () => certified("bpci-1", now + 3600, now + 7200), /not valid before/],
    ["from an unknown root", () => certified("bpci-1", now - 60, now + 60, generateIdentity().seed), /not a trusted root/],
    ["for a name not allowed", () => certified("mallory"), /not allowed/],
    ["missing", () => generateIdentity(), /no certificate/],
    ["for another key", () => identityFromSeed(generateIdentity().seed, certified("bpci-1").certificate), /another key/],
  ] as const) {
    it(`refuses a server whose certificate is ${why}: UNAUTHENTICATED on both sides`, async () => {
      const [c, s] = await establish({ identity: certified("bpi-1"), trust }, { identity: server() });
      expect(rejected(c).code).to.equal(Code.UNAUTHENTICATED);
      expect(rejected(c).message).to.match(pattern);
      expect(rejected(s).code).to.equal(Code.UNAUTHENTICATED);
    });
  }
});

describe("identity key files", () => {
  it("save and load round-trip with owner-only permissions", async () => {
    const dir = mkdtempSync(join(tmpdir(), "xtmp-keys-"));
    try {
      const id = generateIdentity();
      await saveIdentity(dir, id);
      const loaded = await loadIdentity(dir);
      expect(loaded.publicKey).to.deep.equal(id.publicKey);
      expect(loaded.seed).to.deep.equal(id.seed);
      expect(statSync(join(dir, "identity.json")).mode & 0o777).to.equal(0o600);
      expect(parsePublicKey(Buffer.from(id.publicKey).toString("hex") + "\n")).to.deep.equal(id.publicKey);
      expect(() => parsePublicKey("zz")).to.throw(/64 hex/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("hybrid post-quantum: a tampered KEM ciphertext", function () {
  this.timeout(10_000);
  for (const serverKey of [undefined, serverId.publicKey]) {
    it(`fails the ${serverKey ? "IKhfs" : "XXhfs"} handshake (implicit rejection -> different keys)`, async () => {
      const tampering: Kem = {
        ...mlKem768,
        encapsulate(pk) {
          const r = mlKem768.encapsulate(pk);
          r.cipherText[100]! ^= 1;
          return r;
        },
      };
      const [c, s] = await establish({ identity: clientId, serverKey, postQuantum: true }, { identity: serverId, kem: tampering });
      expect(rejected(c).code).to.equal(Code.UNAUTHENTICATED);
      expect(rejected(c).message).to.match(/could not decrypt/);
      // IK: the server finished with its last message; the client's ABORT then ends its session
      const serverErr = s.status === "rejected" ? rejected(s) : await inbox(s.value).closed;
      expect(serverErr?.code).to.equal(Code.UNAUTHENTICATED);
    });
  }
});
