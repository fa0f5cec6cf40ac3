// IP literal checks without node:net (the resolvers also run in browsers).

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Whether `s` is a dotted-quad IPv4 address. */
export function isIPv4(s: string): boolean {
  return IPV4.test(s);
}

/** Whether `s` is an IPv6 address (no zone id), as the WHATWG URL parser accepts it. */
export function isIPv6(s: string): boolean {
  if (!/^[0-9A-Fa-f:.]+$/.test(s) || !s.includes(":")) return false;
  try {
    return new URL(`http://[${s}]/`).hostname.length > 2;
  } catch {
    return false; // not an address: the caller reports it
  }
}

/** 4, 6, or 0 (not an IP literal), like node:net's isIP. */
export function isIP(s: string): 0 | 4 | 6 {
  return isIPv4(s) ? 4 : isIPv6(s) ? 6 : 0;
}
