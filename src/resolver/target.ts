// Target syntax: splitting `scheme://authority/path` and bare `host:port`, validating host:port entries.
import { isIPv4, isIPv6 } from "./ip.js";
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";
import type { Target } from "./resolver.js";

/** A validated host and port; IPv6 hosts are stored without brackets, in canonical form. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

const SCHEMED = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/s;
const BRACKETED = /^\[([^\]]*)\]:(.*)$/s;
const HOST_NAME = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,252})$/;
const PORT = /^\d{1,5}$/;

function invalid(message: string): XtmpError {
  return new XtmpError(Code.INVALID_ARGUMENT, message);
}

/**
 * Parses a channel target: `scheme://authority/path` (the scheme lower-cased; `path` is what follows
 * the first `/` after the authority, without that slash) or a bare `host:port` / `[v6]:port`, which
 * means `xtmp://host:port`. Only the syntax is checked here; each scheme's resolver checks the rest.
 * Throws INVALID_ARGUMENT.
 */
export function parseTarget(target: string): Target {
  if (typeof target !== "string") throw invalid(`invalid target: expected a string, got ${typeof target}`);
  const raw = target.trim();
  if (raw === "") throw invalid("invalid target: empty");
  if (/[\s\x00-\x1f\x7f]/.test(raw)) throw invalid(`invalid target ${JSON.stringify(target)}: contains whitespace or control characters`);
  const m = SCHEMED.exec(raw);
  if (m) {
    const rest = m[2] as string;
    const slash = rest.indexOf("/");
    return {
      scheme: (m[1] as string).toLowerCase(),
      authority: slash < 0 ? rest : rest.slice(0, slash),
      path: slash < 0 ? "" : rest.slice(slash + 1),
      raw,
    };
  }
  if (raw.includes("://")) throw invalid(`invalid target ${JSON.stringify(raw)}: the scheme must be letters, digits, "+", "-" or "." starting with a letter`);
  parseHostPort(raw, raw); // a bare host:port, validated now
  return { scheme: "xtmp", authority: raw, path: "", raw };
}

/**
 * Validates one `host:port` or `[v6]:port` (port 0..65535; host an IPv4 or bracketed IPv6 literal
 * or a host name of letters, digits, `-`, `_` and `.`). `context` names the target in messages.
 */
export function parseHostPort(text: string, context: string): HostPort {
  const where = `invalid target ${JSON.stringify(context)}`;
  let host: string;
  let port: string;
  const b = BRACKETED.exec(text);
  if (b) {
    const literal = b[1] as string;
    if (!/^[0-9A-Fa-f:.]+$/.test(literal) || !isIPv6(literal)) throw invalid(`${where}: [${literal}] is not an IPv6 address`);
    host = canonicalIPv6(literal);
    port = b[2] as string;
  } else if (text.startsWith("[")) {
    throw invalid(`${where}: ${/^\[[^\]]*\]$/.test(text) ? "missing port" : "malformed"} in ${JSON.stringify(text)} (expected [v6]:port)`);
  } else {
    const colon = text.lastIndexOf(":");
    if (colon < 0) throw invalid(`${where}: missing port in ${JSON.stringify(text)} (expected host:port)`);
    host = text.slice(0, colon);
    port = text.slice(colon + 1);
    if (host.includes(":")) throw invalid(`${where}: IPv6 addresses need brackets, e.g. [::1]:5000`);
    if (host === "") throw invalid(`${where}: missing host in ${JSON.stringify(text)}`);
    if (!isIPv4(host) && !HOST_NAME.test(host)) throw invalid(`${where}: ${JSON.stringify(host)} is not a host name or IP address`);
  }
  if (port === "") throw invalid(`${where}: missing port in ${JSON.stringify(text)} (expected host:port)`);
  if (!PORT.test(port) || Number(port) > 65535) throw invalid(`${where}: port ${JSON.stringify(port)} is not a number in 0..65535`);
  return { host, port: Number(port) };
}

/** The canonical text of an IPv6 address (lower case, zeros compressed). */
export function canonicalIPv6(address: string): string {
  try {
    return new URL(`http://[${address}]/`).hostname.slice(1, -1);
  } catch {
    return address.toLowerCase(); // isIPv6 accepted it but URL did not (e.g. a zone id): keep it as given
  }
}

/** The dialable address of a host and port: `xtmp://host:port`, IPv6 in brackets. */
export function xtmpAddress(host: string, port: number): string {
  return `xtmp://${isIPv6(host) ? `[${host}]` : host}:${port}`;
}
