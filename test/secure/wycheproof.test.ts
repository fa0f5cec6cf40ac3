// Both crypto backends against the Wycheproof vectors (AEADs, X25519, Ed25519, HKDF, HMAC).
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { nobleCrypto } from "../../src/secure/crypto-noble.js";
import { nodeCrypto } from "../../src/secure/crypto-node.js";
import type { CipherName, CryptoBackend } from "../../src/secure/crypto.js";

interface Group {
  ivSize?: number;
  keySize?: number;
  tagSize?: number;
  publicKey?: { pk: string };
  tests: Array<Record<string, string | number | string[]> & { tcId: number; result: "valid" | "invalid" | "acceptable"; flags: string[] }>;
}

const hex = (s: string | number | string[] | undefined): Uint8Array => new Uint8Array(Buffer.from(String(s ?? ""), "hex"));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
function groups(name: string): Group[] {
  return (JSON.parse(readFileSync(new URL(`../vectors/wycheproof/${name}_test.json`, import.meta.url), "utf8")) as { testGroups: Group[] }).testGroups;
}

for (const backend of [nodeCrypto, nobleCrypto] as CryptoBackend[]) {
  describe(`Wycheproof vectors: ${backend.name} backend`, function () {
    this.timeout(60_000);

    for (const [file, cipher] of [["aes_gcm", "AESGCM"], ["chacha20_poly1305", "ChaChaPoly"]] as const) {
      it(`${file}: 256-bit keys, 96-bit IVs, 128-bit tags`, () => {
        let checked = 0;
        for (const g of groups(file)) {
          if (g.keySize !== 256 || g.ivSize !== 96 || g.tagSize !== 128) continue;
          for (const t of g.tests) {
            const aead = backend.aead(cipher as CipherName, hex(t.key));
            const ctTag = new Uint8Array([...hex(t.ct), ...hex(t.tag)]);
            const opened = aead.open(hex(t.iv), hex(t.aad), ctTag);
            if (t.result === "invalid") {
              expect(opened, `tcId ${t.tcId}`).to.equal(null);
            } else {
              expect(opened && toHex(opened), `tcId ${t.tcId}`).to.equal(String(t.msg));
              expect(toHex(aead.seal(hex(t.iv), hex(t.aad), hex(t.msg))), `tcId ${t.tcId}`).to.equal(toHex(ctTag));
            }
            checked++;
          }
        }
        expect(checked).to.be.greaterThan(50);
      });
    }

    it("x25519: shared secrets match; low-order points are refused", () => {
      let checked = 0;
      for (const t of groups("x25519").flatMap((g) => g.tests)) {
        const zero = /^0+$/.test(String(t.shared));
        if (t.result === "invalid" || zero) {
          expect(() => backend.x25519(hex(t.private), hex(t.public)), `tcId ${t.tcId}`).to.throw(/low-order/);
        } else {
          expect(toHex(backend.x25519(hex(t.private), hex(t.public))), `tcId ${t.tcId}`).to.equal(String(t.shared));
        }
        checked++;
      }
      expect(checked).to.be.greaterThan(400);
    });

    it("ed25519: valid signatures verify, every invalid one is rejected", () => {
      let checked = 0;
      for (const g of groups("ed25519")) {
        const pk = hex(g.publicKey?.pk);
        for (const t of g.tests) {
          expect(backend.ed25519Verify(pk, hex(t.msg), hex(t.sig)), `tcId ${t.tcId}`).to.equal(t.result === "valid");
          checked++;
        }
      }
      expect(checked).to.be.greaterThan(100);
    });

    it("ed25519: signing is deterministic and round-trips", () => {
      const seed = hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"); // RFC 8032 test 1
      expect(toHex(backend.ed25519PublicKey(seed))).to.equal("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
      const sig = backend.ed25519Sign(seed, new Uint8Array());
      expect(toHex(sig)).to.equal(
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
      );
    });

    it("hkdf-sha256", () => {
      let checked = 0;
      for (const t of groups("hkdf_sha256").flatMap((g) => g.tests)) {
        const run = () => toHex(backend.hkdfSha256(hex(t.ikm), hex(t.salt), hex(t.info), Number(t.size)));
        if (t.result === "invalid") expect(run, `tcId ${t.tcId}`).to.throw();
        else expect(run(), `tcId ${t.tcId}`).to.equal(String(t.okm));
        checked++;
      }
      expect(checked).to.be.greaterThan(50);
    });

    it("hmac-sha256 (truncated tags compared on their prefix)", () => {
      let checked = 0;
      for (const g of groups("hmac_sha256")) {
        for (const t of g.tests) {
          const tag = toHex(backend.hmacSha256(hex(t.key), hex(t.msg))).slice(0, (g.tagSize ?? 256) / 4);
          expect(tag === String(t.tag), `tcId ${t.tcId}`).to.equal(t.result !== "invalid");
          checked++;
        }
      }
      expect(checked).to.be.greaterThan(100);
    });
  });
}
