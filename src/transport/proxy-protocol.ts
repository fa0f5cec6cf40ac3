// PROXY protocol v2 (HAProxy's binary header naming a proxied connection's real client): an incremental parser, no sockets.
import { SocketAddress } from "node:net";
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";

/** The 12 bytes every PROXY v2 header starts with. */
export const PROXY_V2_SIGNATURE: Uint8Array = Uint8Array.of(0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a);

/** Fixed part of a v2 header: signature, version/command, family/transport, 16-bit length. */
export const PROXY_V2_FIXED_BYTES = 16;

/** Default bound on the variable part (addresses plus TLVs) of a header; longer headers are rejected. */
export const DEFAULT_MAX_PROXY_ADDRESS_BYTES = 1024;

/** Why a PROXY header was rejected (also the counter names of the server's stats). */
export type ProxyRejectReason =
  | "not_proxy" // the bytes do not start with the v2 signature
  | "v1" // the text header of PROXY protocol v1, which is not supported
  | "bad_version" // a version other than 2
  | "bad_command" // a command other than LOCAL or PROXY
  | "bad_family" // an address family or transport this server does not accept (e.g. DGRAM)
  | "too_long" // the variable part exceeds the limit
  | "bad_address" // the length is too short for the family's addresses
  | "bad_tlv" // a TLV runs past the end of the header
  | "timeout" // the header did not complete in time
  | "closed"; // the connection ended before the header completed

/** A header that could not be accepted; `reason` says why. Always a clean protocol error. */
export class ProxyHeaderError extends XtmpError {
  constructor(
    readonly reason: ProxyRejectReason,
    message: string,
  ) {
    super(Code.UNAVAILABLE, `PROXY protocol: ${message}`);
    this.name = "ProxyHeaderError";
  }
}

/** A complete, accepted header. */
export interface ProxyHeader {
  /** LOCAL (the proxy's own connection, e.g. a health check) or PROXY (a relayed client). */
  readonly command: "local" | "proxy";
  /**
   * The real client as `ip:port` (IPv6 as `[ip]:port`) for PROXY over TCP/IPv4 or TCP/IPv6;
   * undefined when the socket's own address stands (LOCAL, UNSPEC, UNIX).
   */
  readonly source: string | undefined;
  /** Bytes the header took; the connection's own bytes (XTMP) start right after. */
  readonly bytes: number;
}

const V1_PREFIX = [0x50, 0x52, 0x4f, 0x58, 0x59]; // "PROXY"
const FAMILY_UNSPEC = 0x0;
const FAMILY_INET = 0x1;
const FAMILY_INET6 = 0x2;
const FAMILY_UNIX = 0x3;
const TRANSPORT_STREAM = 0x1;

/**
 * Parses the PROXY v2 header at the start of `buf` (bytes received so far). Returns undefined when
 * more bytes are needed (never before they could still form a valid header), the header when it is
 * complete, and throws a ProxyHeaderError as soon as the bytes cannot be a valid header.
 * `maxAddressBytes` bounds the variable part, so a caller never needs to buffer more than
 * `PROXY_V2_FIXED_BYTES + maxAddressBytes` bytes.
 */
export function parseProxyHeader(buf: Uint8Array, maxAddressBytes = DEFAULT_MAX_PROXY_ADDRESS_BYTES): ProxyHeader | undefined {
  const have = Math.min(buf.length, PROXY_V2_SIGNATURE.length);
  if (have > 0 && buf[0] === V1_PREFIX[0]) {
    for (let i = 0; i < Math.min(buf.length, V1_PREFIX.length); i++) {
      if (buf[i] !== V1_PREFIX[i]) throw new ProxyHeaderError("not_proxy", "the connection does not start with a PROXY v2 header");
    }
    if (buf.length < V1_PREFIX.length) return undefined;
    throw new ProxyHeaderError("v1", "PROXY protocol v1 (text) is not supported: configure the proxy to send v2 (send-proxy-v2)");
  }
  for (let i = 0; i < have; i++) {
    if (buf[i] !== PROXY_V2_SIGNATURE[i]) throw new ProxyHeaderError("not_proxy", "the connection does not start with a PROXY v2 header");
  }
  if (buf.length < 13) return undefined;
  const verCmd = buf[12] as number;
  if (verCmd >> 4 !== 2) throw new ProxyHeaderError("bad_version", `version ${verCmd >> 4} is not supported (only 2)`);
  const command = verCmd & 0x0f;
  if (command > 1) throw new ProxyHeaderError("bad_command", `command ${command} is neither LOCAL (0) nor PROXY (1)`);
  if (buf.length < PROXY_V2_FIXED_BYTES) return undefined;
  const famTransport = buf[13] as number;
  const length = ((buf[14] as number) << 8) | (buf[15] as number);
  if (length > maxAddressBytes) throw new ProxyHeaderError("too_long", `the header's ${length} bytes of addresses and TLVs exceed the limit of ${maxAddressBytes}`);
  const family = famTransport >> 4;
  const transport = famTransport & 0x0f;
  if (command === 1 && (family === FAMILY_INET || family === FAMILY_INET6) && transport !== TRANSPORT_STREAM) {
    throw new ProxyHeaderError("bad_family", `transport ${transport} is not STREAM (1): XTMP runs over TCP`);
  }
  if (command === 1 && family > FAMILY_UNIX) throw new ProxyHeaderError("bad_family", `address family ${family} is unknown`);
  const total = PROXY_V2_FIXED_BYTES + length;
  if (buf.length < total) return undefined;
  // LOCAL, UNSPEC and UNIX: the address block is ignored and the socket's own address stands
  if (command === 0 || family === FAMILY_UNSPEC || family === FAMILY_UNIX) return { command: command === 0 ? "local" : "proxy", source: undefined, bytes: total };
  const block = buf.subarray(PROXY_V2_FIXED_BYTES, total);
  const addrBytes = family === FAMILY_INET ? 12 : 36;
  if (block.length < addrBytes) throw new ProxyHeaderError("bad_address", `${block.length} bytes are too few for ${family === FAMILY_INET ? "IPv4" : "IPv6"} addresses (${addrBytes})`);
  checkTlvs(block.subarray(addrBytes));
  const source =
    family === FAMILY_INET
      ? `${block[0]}.${block[1]}.${block[2]}.${block[3]}:${port(block, 8)}`
      : `[${formatIpv6(block.subarray(0, 16))}]:${port(block, 32)}`;
  return { command: "proxy", source, bytes: total };
}

function port(b: Uint8Array, at: number): number {
  return ((b[at] as number) << 8) | (b[at + 1] as number);
}

// TLVs (type, 16-bit length, value) are not needed here, but each must lie within the header
function checkTlvs(tlvs: Uint8Array): void {
  let at = 0;
  while (at < tlvs.length) {
    if (tlvs.length - at < 3) throw new ProxyHeaderError("bad_tlv", `${tlvs.length - at} stray bytes after the last TLV`);
    const len = ((tlvs[at + 1] as number) << 8) | (tlvs[at + 2] as number);
    if (at + 3 + len > tlvs.length) throw new ProxyHeaderError("bad_tlv", `a TLV of ${len} bytes runs past the end of the header`);
    at += 3 + len;
  }
}

/** Formats 16 bytes as an IPv6 address exactly as Node formats a socket's `remoteAddress` (inet_ntop: RFC 5952, `::ffff:a.b.c.d`). */
export function formatIpv6(b: Uint8Array): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((b[i] as number) << 8) | (b[i + 1] as number)).toString(16));
  return new SocketAddress({ address: groups.join(":"), family: "ipv6" }).address;
}

/** Encodes a PROXY v2 header (for tests and proxies written in TypeScript): PROXY over TCP from `source` to `destination`, or LOCAL. */
export function encodeProxyHeader(h: { command: "local" } | { command: "proxy"; source: { ip: Uint8Array; port: number }; destination: { ip: Uint8Array; port: number }; tlvs?: Uint8Array }): Uint8Array {
  if (h.command === "local") return Uint8Array.of(...PROXY_V2_SIGNATURE, 0x20, 0x00, 0x00, 0x00);
  const v6 = h.source.ip.length === 16;
  const tlvs = h.tlvs ?? new Uint8Array(0);
  const ipLen = v6 ? 16 : 4;
  if (h.source.ip.length !== ipLen || h.destination.ip.length !== ipLen) throw new XtmpError(Code.INVALID_ARGUMENT, "source and destination must both be IPv4 (4 bytes) or IPv6 (16)");
  const length = 2 * ipLen + 4 + tlvs.length;
  const out = new Uint8Array(PROXY_V2_FIXED_BYTES + length);
  out.set(PROXY_V2_SIGNATURE);
  out[12] = 0x21;
  out[13] = ((v6 ? FAMILY_INET6 : FAMILY_INET) << 4) | TRANSPORT_STREAM;
  out[14] = length >> 8;
  out[15] = length & 0xff;
  out.set(h.source.ip, 16);
  out.set(h.destination.ip, 16 + ipLen);
  const ports = 16 + 2 * ipLen;
  out[ports] = h.source.port >> 8;
  out[ports + 1] = h.source.port & 0xff;
  out[ports + 2] = h.destination.port >> 8;
  out[ports + 3] = h.destination.port & 0xff;
  out.set(tlvs, ports + 4);
  return out;
}
