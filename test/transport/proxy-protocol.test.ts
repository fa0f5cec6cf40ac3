// The PROXY protocol v2 parser: addresses, split and coalesced input, limits, malformed headers, and a fuzzer.
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { isIPv6, SocketAddress } from "node:net";
import {
  DEFAULT_MAX_PROXY_ADDRESS_BYTES,
  encodeProxyHeader,
  formatIpv6,
  parseProxyHeader,
  ProxyHeaderError,
  PROXY_V2_SIGNATURE,
  type ProxyRejectReason,
} from "../../src/transport/proxy-protocol.js";

const v4 = (a: number, b: number, c: number, d: number) => Uint8Array.of(a, b, c, d);
const v6 = (hex: string) => Uint8Array.from(Buffer.from(hex, "hex"));

function rejection(buf: Uint8Array, max?: number): ProxyRejectReason {
  try {
    parseProxyHeader(buf, max);
  } catch (err) {
    if (err instanceof ProxyHeaderError) return err.reason;
    throw err;
  }
  throw new Error("expected a ProxyHeaderError");
}

// parses IPv6 text back to 16 bytes (independently of the code under test)
function expand(text: string): Uint8Array {
  let t = text;
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(t);
  if (v4) t = t.slice(0, v4.index) + [((+v4[1]! << 8) | +v4[2]!).toString(16), ((+v4[3]! << 8) | +v4[4]!).toString(16)].join(":");
  const [head = "", tail] = t.split("::");
  const h = head === "" ? [] : head.split(":");
  const tl = tail === undefined || tail === "" ? [] : tail.split(":");
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - tl.length).fill("0"), ...tl];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const n = parseInt(g, 16);
    out[2 * i] = n >> 8;
    out[2 * i + 1] = n & 0xff;
  });
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts));
}

/** A hand-written header (not produced by encodeProxyHeader): PROXY TCP4 192.0.2.1:56324 -> 198.51.100.2:443, one NOOP TLV. */
const HAND_WRITTEN = Uint8Array.from([
  ...PROXY_V2_SIGNATURE,
  0x21, 0x11, 0x00, 0x10, // v2 PROXY, INET STREAM, 16 bytes follow
  192, 0, 2, 1, 198, 51, 100, 2, // source, destination
  0xdc, 0x04, 0x01, 0xbb, // ports 56324, 443
  0x04, 0x00, 0x01, 0x00, // PP2_TYPE_NOOP with one byte
]);

describe("PROXY protocol v2 parser", () => {
  it("reads a hand-written TCP/IPv4 header: source ip:port and the bytes it took", () => {
    const h = parseProxyHeader(HAND_WRITTEN);
    expect(h).to.deep.equal({ command: "proxy", source: "192.0.2.1:56324", bytes: 32 });
  });

  it("reads TCP/IPv6 sources as [ip]:port in Node's compressed form", () => {
    const cases: Array<[string, string]> = [
      ["00000000000000000000000000000001", "::1"],
      ["20010db8000000000000000000000001", "2001:db8::1"],
      ["20010db8000000010000000000000000", "2001:db8:0:1::"],
      ["20010db8000100000001000000000001", "2001:db8:1:0:1::1"],
      ["00000000000000000000ffffc0000201", "::ffff:192.0.2.1"],
      ["fe800000000000000202b3fffe1e8329", "fe80::202:b3ff:fe1e:8329"],
    ];
    for (const [hex, text] of cases) {
      const h = parseProxyHeader(encodeProxyHeader({ command: "proxy", source: { ip: v6(hex), port: 8080 }, destination: { ip: v6(hex), port: 1 } }));
      expect(h?.source, hex).to.equal(`[${text}]:8080`);
      expect(formatIpv6(v6(hex)), hex).to.equal(text);
    }
  });

  it("formats any IPv6 address as Node formats socket addresses", () => {
    for (let i = 0; i < 2000; i++) {
      const b = Uint8Array.from(randomBytes(16));
      for (let g = 0; g < 8; g++) if ((i >> g) & 1) b[2 * g] = b[2 * g + 1] = 0; // zero runs of every shape
      const text = formatIpv6(b);
      expect(new SocketAddress({ address: text, family: "ipv6" }).address, "canonical").to.equal(text);
      expect(isIPv6(text), text).to.equal(true);
      expect(Buffer.from(expand(text)).equals(Buffer.from(b)), text).to.equal(true);
    }
  });

  it("LOCAL keeps the socket's address; so do UNSPEC and UNIX families", () => {
    expect(parseProxyHeader(encodeProxyHeader({ command: "local" }))).to.deep.equal({ command: "local", source: undefined, bytes: 16 });
    const unspec = Uint8Array.of(...PROXY_V2_SIGNATURE, 0x21, 0x00, 0x00, 0x00);
    expect(parseProxyHeader(unspec)).to.deep.equal({ command: "proxy", source: undefined, bytes: 16 });
    const unix = concat(Uint8Array.of(...PROXY_V2_SIGNATURE, 0x21, 0x31, 0x00, 216), new Uint8Array(216));
    expect(parseProxyHeader(unix)).to.deep.equal({ command: "proxy", source: undefined, bytes: 232 });
  });

  it("asks for more bytes at every split point of a header, and leaves the bytes after it alone", () => {
    const payload = Uint8Array.from(randomBytes(40));
    const whole = concat(HAND_WRITTEN, payload);
    for (let n = 0; n < HAND_WRITTEN.length; n++) expect(parseProxyHeader(whole.subarray(0, n)), `prefix of ${n}`).to.equal(undefined);
    const h = parseProxyHeader(whole);
    expect(h?.bytes).to.equal(HAND_WRITTEN.length);
    expect(Buffer.from(whole.subarray(h?.bytes)).equals(payload)).to.equal(true);
  });

  it("rejects a connection that is not PROXY v2 at its first differing byte", () => {
    expect(rejection(Uint8Array.of(0x58))).to.equal("not_proxy"); // an XTMP preamble starts with 'X'
    expect(rejection(Uint8Array.of(0x0d, 0x0a, 0x0d, 0x0b))).to.equal("not_proxy");
  });

  it("rejects PROXY v1 (text) with a reason that says so", () => {
    expect(parseProxyHeader(Buffer.from("PROX"))).to.equal(undefined);
    expect(rejection(Buffer.from("PROXY TCP4 192.0.2.1 198.51.100.2 56324 443\r\n"))).to.equal("v1");
    expect(() => parseProxyHeader(Buffer.from("PROXY "))).to.throw(ProxyHeaderError, /v1 \(text\) is not supported/);
  });

  it("rejects other versions, commands, transports and families", () => {
    const head = (verCmd: number, fam: number, len = 0) => concat(Uint8Array.of(...PROXY_V2_SIGNATURE, verCmd, fam, len >> 8, len & 0xff), new Uint8Array(len));
    expect(rejection(head(0x11, 0x11, 12))).to.equal("bad_version");
    expect(rejection(head(0x22, 0x11, 12))).to.equal("bad_command");
    expect(rejection(head(0x21, 0x12, 12))).to.equal("bad_family"); // DGRAM
    expect(rejection(head(0x21, 0x41, 12))).to.equal("bad_family");
    expect(rejection(head(0x21, 0x11, 11))).to.equal("bad_address");
    expect(rejection(head(0x21, 0x21, 35))).to.equal("bad_address");
  });

  it("rejects a header longer than the limit as soon as its length field arrives (default 1,024)", () => {
    expect(DEFAULT_MAX_PROXY_ADDRESS_BYTES).to.equal(1024);
    const fixed = Uint8Array.of(...PROXY_V2_SIGNATURE, 0x21, 0x11, 0x04, 0x01); // 1,025 bytes follow
    expect(rejection(fixed)).to.equal("too_long");
    const atLimit = Uint8Array.of(...PROXY_V2_SIGNATURE, 0x21, 0x11, 0x04, 0x00);
    expect(parseProxyHeader(atLimit)).to.equal(undefined);
    expect(rejection(Uint8Array.of(...PROXY_V2_SIGNATURE, 0x21, 0x11, 0x00, 0x11), 16)).to.equal("too_long");
  });

  it("bounds-checks TLVs: one running past the header, or stray bytes, are rejected", () => {
    const base = { command: "proxy" as const, source: { ip: v4(10, 0, 0, 1), port: 1 }, destination: { ip: v4(10, 0, 0, 2), port: 2 } };
    expect(parseProxyHeader(encodeProxyHeader({ ...base, tlvs: Uint8Array.of(0x01, 0x00, 0x02, 0x68, 0x32, 0x04, 0x00, 0x00) }))?.source).to.equal("10.0.0.1:1");
    expect(rejection(encodeProxyHeader({ ...base, tlvs: Uint8Array.of(0x01, 0x00, 0x05, 0x68, 0x32) }))).to.equal("bad_tlv");
    expect(rejection(encodeProxyHeader({ ...base, tlvs: Uint8Array.of(0x01, 0x00) }))).to.equal("bad_tlv");
  });

  it("fuzz: random and mutated input only ever yields a header, a need for more, or a ProxyHeaderError", () => {
    const valid = [HAND_WRITTEN, encodeProxyHeader({ command: "local" }), encodeProxyHeader({ command: "proxy", source: { ip: v6("20010db8000000000000000000000001"), port: 9 }, destination: { ip: v6("20010db8000000000000000000000002"), port: 10 }, tlvs: Uint8Array.of(1, 0, 1, 0x61) })];
    const outcomes = { header: 0, more: 0, error: 0 };
    for (let i = 0; i < 20_000; i++) {
      let buf: Uint8Array;
      if (i % 3 === 0) buf = Uint8Array.from(randomBytes(i % 64));
      else {
        const src = valid[i % valid.length] as Uint8Array;
        buf = concat(src, randomBytes(i % 7));
        const flips = 1 + (i % 4);
        for (let f = 0; f < flips; f++) buf[(i * 7919 + f * 104_729) % buf.length] = randomBytes(1)[0] as number;
        buf = buf.subarray(0, buf.length - (i % 5));
      }
      try {
        const h = parseProxyHeader(buf, 64);
        if (h) {
          outcomes.header++;
          expect(h.bytes).to.be.at.most(buf.length);
          expect(h.bytes).to.be.at.least(16);
        } else {
          outcomes.more++;
          expect(buf.length, "never asks for more beyond the limit").to.be.below(16 + 64 + 1);
        }
      } catch (err) {
        if (!(err instanceof ProxyHeaderError)) throw err;
        outcomes.error++;
      }
    }
    expect(outcomes.header).to.be.above(0);
    expect(outcomes.more).to.be.above(0);
    expect(outcomes.error).to.be.above(0);
  });
});
