// The default host lookup of dns:/// targets: node:dns lookup (A and AAAA, /etc/hosts included).
import { lookup } from "node:dns/promises";

/** Every address of `host`, all families. */
export function defaultLookup(host: string): Promise<ReadonlyArray<{ address: string; family: number }>> {
  return lookup(host, { all: true });
}
