// Handshake cookies (PROTOCOL.md §3.1): the committed vector, binding, expiry, tampering, puzzles, and hostile encodings.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { COOKIE_SIZE, CookieJar, leadingZeroBits, MAX_PUZZLE_BITS, puzzleSolved, searchPuzzle } from "../../src/secure/cookie.js";
import type { CryptoBackend } from "../../src/secure/crypto.js";
import { nobleCrypto } from "../../src/secure/crypto-noble.js";
import { nodeCrypto } from "../../src/secure/crypto-node.js";
import { XtmpError } from "../../src/status/error.js";
import { COOKIE_FLAG, encodeClientHello, encodeCookieBlock, encodeServerHello, HelloStatus, parseCookieBlock, parseServerHello, PROTOCOL_VERSION } from "../../src/wire/preamble.js";

const unhex = (s: string) => new Uint8Array(Buffer.from(s, "hex"));
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const vector = JSON.parse(readFileSync(new URL("../vectors/xtmp/retry-cookie.json", import.meta.url), "utf8")) as Record<string, string | number>;
const HELLO = encodeClientHello({ version: 1, mode: 1, cipher: 2, features: 2 });
const ADDR = "127.0.0.1:40000";

/** A backend that counts every call, so tests can say which primitives an operation used. */
function counting(base: CryptoBackend): { crypto: CryptoBackend; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const crypto = Object.fromEntries(
    Object.entries(base).map(([k, v]) => [k, typeof v === "function" ? (...a: unknown[]) => (calls.set(k, (calls.get(k) ?? 0) + 1), (v as (...x: unknown[]) => unknown).apply(base, a)) : v]),
  ) as unknown as CryptoBackend;
  return { crypto, calls };
}

describe("handshake cookies", () => {
  for (const [name, backend] of [["node", nodeCrypto], ["noble", nobleCrypto]] as const) {
    it(`reproduces the committed RETRY/cookie vector byte for byte (${name} backend)`, () => {
      const crypto = { ...backend, randomBytes: (n: number) => unhex(vector.secret as string).subarray(0, n) };
      const jar = new CookieJar(crypto, { now: () => vector.now_ms as number });
      const hello = unhex(vector.client_hello as string);
      const cookie = jar.mint(vector.address as string, hello, vector.difficulty as number);
      expect(hex(cookie)).to.equal(vector.cookie);
      const nonce = searchPuzzle(crypto, cookie, vector.difficulty as number, 0, 1 << 16);
      expect(hex(nonce as Uint8Array)).to.equal(vector.nonce);
      expect(hex(crypto.sha256(new TextEncoder().encode("XTMP-v1 puzzle\0"), cookie, nonce as Uint8Array))).to.equal(vector.puzzle_hash);
      const retry = encodeServerHello({ version: 1, status: HelloStatus.RETRY, features: 0, reason: vector.reason as string, retry: { difficulty: vector.difficulty as number, cookie } });
      expect(hex(retry)).to.equal(vector.server_hello_retry);
      const flagged = encodeClientHello({ version: 1, mode: 1, cipher: 2, features: 2 | COOKIE_FLAG });
      expect(hex(flagged) + hex(encodeCookieBlock({ cookie, nonce: nonce as Uint8Array }))).to.equal(vector.retry_prefix);
      expect(jar.verify(cookie, nonce as Uint8Array, vector.address as string, hello)).to.deep.equal({ ok: true, difficulty: vector.difficulty });
    });
  }

  it("a RETRY parses back, and a client that knows only status + reason reads a clear refusal", () => {
    const bytes = unhex(vector.server_hello_retry as string);
    const [sh, used] = parseServerHello(bytes) as NonNullable<ReturnType<typeof parseServerHello>>;
    expect(used).to.equal(bytes.length);
    expect(sh.status).to.equal(HelloStatus.RETRY);
    expect(hex(sh.retry?.cookie as Uint8Array)).to.equal(vector.cookie);
    expect(sh.retry?.difficulty).to.equal(vector.difficulty);
    // the generic non-zero-status layout (§3) that every version-1 client reads: u16 length + UTF-8 reason
    const len = ((bytes[8] as number) << 8) | (bytes[9] as number);
    expect(new TextDecoder().decode(bytes.subarray(10, 10 + len))).to.match(/under load.*RETRY/);
    // incomplete input is "not yet", never an error
    for (let n = 0; n < bytes.length; n++) expect(parseServerHello(bytes.subarray(0, n))).to.equal(undefined);
  });

  it("a valid cookie verifies with one or two HMACs and one SHA-256: no DH, no signature, no AEAD", () => {
    const { crypto, calls } = counting(nodeCrypto);
    const jar = new CookieJar(crypto);
    const cookie = jar.mint(ADDR, HELLO, 4);
    const nonce = searchPuzzle(crypto, cookie, 4, 0, 1 << 12) as Uint8Array;
    calls.clear();
    expect(jar.verify(cookie, nonce, ADDR, HELLO).ok).to.equal(true);
    expect([...calls.keys()].sort()).to.deep.equal(["hmacSha256", "sha256"]);
    expect(calls.get("hmacSha256")).to.be.at.most(2);
    calls.clear();
    const bad = cookie.slice();
    bad[10] = (bad[10] as number) ^ 1;
    expect(jar.verify(bad, nonce, ADDR, HELLO).ok).to.equal(false);
    expect([...calls.keys()]).to.deep.equal(["hmacSha256"]);
  });

  it("is bound to the address: another address (or another port) is refused", () => {
    const jar = new CookieJar(nodeCrypto);
    const cookie = jar.mint(ADDR, HELLO, 0);
    const nonce = new Uint8Array(8);
    expect(jar.verify(cookie, nonce, ADDR, HELLO).ok).to.equal(true);
    expect(jar.verify(cookie, nonce, "127.0.0.2:40000", HELLO)).to.deep.equal({ ok: false, why: "invalid" });
    expect(jar.verify(cookie, nonce, "127.0.0.1:40001", HELLO)).to.deep.equal({ ok: false, why: "invalid" });
  });

  it("is bound to the ClientHello: another mode, cipher or feature set is refused", () => {
    const jar = new CookieJar(nodeCrypto);
    const cookie = jar.mint(ADDR, HELLO, 0);
    const nonce = new Uint8Array(8);
    for (const h of [{ mode: 2, cipher: 2, features: 2 }, { mode: 1, cipher: 1, features: 2 }, { mode: 1, cipher: 2, features: 3 }]) {
      expect(jar.verify(cookie, nonce, ADDR, encodeClientHello({ version: PROTOCOL_VERSION, ...h })).ok).to.equal(false);
    }
  });

  it("expires: older than its lifetime, or from the future, is refused; within it, accepted", () => {
    let now = 1_700_000_000_000;
    const jar = new CookieJar(nodeCrypto, { now: () => now, lifetimeSeconds: 30, rotateMs: 60_000 });
    const cookie = jar.mint(ADDR, HELLO, 0);
    const nonce = new Uint8Array(8);
    now += 29_000;
    expect(jar.verify(cookie, nonce, ADDR, HELLO).ok).to.equal(true);
    now += 2_000;
    expect(jar.verify(cookie, nonce, ADDR, HELLO)).to.deep.equal({ ok: false, why: "expired" });
    now -= 40_000; // before it was minted
    expect(jar.verify(cookie, nonce, ADDR, HELLO)).to.deep.equal({ ok: false, why: "expired" });
  });

  it("the time is authenticated: a fresh timestamp on an old cookie's tag is refused", () => {
    let now = 1_700_000_000_000;
    const jar = new CookieJar(nodeCrypto, { now: () => now, lifetimeSeconds: 2, rotateMs: 2_000 });
    const old = jar.mint(ADDR, HELLO, 0);
    now += 10_000;
    const fresh = jar.mint(ADDR, HELLO, 0);
    const forged = old.slice();
    forged.set(fresh.subarray(0, 4)); // a current timestamp on the old tag
    expect(jar.verify(forged, new Uint8Array(8), ADDR, HELLO)).to.deep.equal({ ok: false, why: "invalid" });
    expect(jar.verify(fresh, new Uint8Array(8), ADDR, HELLO).ok).to.equal(true);
  });

  it("tampering with any byte of the cookie is detected", () => {
    const jar = new CookieJar(nodeCrypto);
    const cookie = jar.mint(ADDR, HELLO, 0);
    const nonce = new Uint8Array(8);
    expect(cookie.length).to.equal(COOKIE_SIZE);
    for (let i = 0; i < cookie.length; i++) {
      for (const bit of [0x01, 0x80]) {
        const t = cookie.slice();
        t[i] = (t[i] as number) ^ bit;
        expect(jar.verify(t, nonce, ADDR, HELLO).ok, `byte ${i} bit ${bit}`).to.equal(false);
      }
    }
    expect(jar.verify(cookie.subarray(0, 20), nonce, ADDR, HELLO)).to.deep.equal({ ok: false, why: "malformed" });
    expect(jar.verify(cookie, new Uint8Array(7), ADDR, HELLO)).to.deep.equal({ ok: false, why: "malformed" });
  });

  it("a puzzle demand is enforced: a nonce that does not solve it is refused, a solution accepted", () => {
    const jar = new CookieJar(nodeCrypto);
    const cookie = jar.mint(ADDR, HELLO, 10);
    const good = searchPuzzle(nodeCrypto, cookie, 10, 0, 1 << 16) as Uint8Array;
    expect(jar.verify(cookie, good, ADDR, HELLO).ok).to.equal(true);
    let bad: Uint8Array | undefined;
    for (let i = 0; !bad; i++) {
      const n = new Uint8Array(8);
      new DataView(n.buffer).setUint32(4, i);
      if (!puzzleSolved(nodeCrypto, cookie, n, 10)) bad = n;
    }
    expect(jar.verify(cookie, bad, ADDR, HELLO)).to.deep.equal({ ok: false, why: "puzzle" });
    expect(() => jar.mint(ADDR, HELLO, MAX_PUZZLE_BITS + 1)).to.throw(RangeError);
  });

  it("leadingZeroBits counts from the most significant bit", () => {
    expect(leadingZeroBits(new Uint8Array([0x80]))).to.equal(0);
    expect(leadingZeroBits(new Uint8Array([0x01]))).to.equal(7);
    expect(leadingZeroBits(new Uint8Array([0x00, 0x00, 0x10]))).to.equal(19);
    expect(leadingZeroBits(new Uint8Array(4))).to.equal(32);
  });

  it("hostile encodings: cookie lengths 0 and 65 are protocol errors (XtmpError), truncation is 'incomplete'", () => {
    const head = encodeServerHello({ version: 1, status: HelloStatus.RETRY, features: 0, reason: "x", retry: { difficulty: 0, cookie: new Uint8Array(1) } });
    for (const n of [0, 65, 255]) {
      const b = head.slice();
      b[b.length - 2] = n;
      expect(() => parseServerHello(b)).to.throw(XtmpError, /protocol error/);
      expect(() => parseCookieBlock(new Uint8Array([n, ...new Uint8Array(80)]))).to.throw(XtmpError, /protocol error/);
    }
    const block = encodeCookieBlock({ cookie: new Uint8Array(21).fill(7), nonce: new Uint8Array(8) });
    for (let n = 0; n < block.length; n++) expect(parseCookieBlock(block.subarray(0, n))).to.equal(undefined);
    expect(parseCookieBlock(block)?.[1]).to.equal(block.length);
  });
});
