// Address parsing: `xtmp://host:port`, `host:port`, `[::1]:port`, `ws://host:port/path`.
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";

/** A parsed address. */
export interface Address {
  /** Scheme: `xtmp` (default). */
  scheme: string;
  /** Host name or IP (IPv6 without brackets). */
  host: string;
  /** Port, 0..65535. */
  port: number;
  /** Path (WebSocket URLs), `/` when absent. */
  path: string;
}

/** Parses an address; throws INVALID_ARGUMENT on anything else. */
export function parseAddress(address: string): Address {
  const m = /^(?:([a-z][a-z0-9+.-]*):\/\/)?(\[[0-9a-fA-F:.]+\]|[^:/[\]]+):(\d{1,5})(\/[^\s]*)?$/.exec(address.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new XtmpError(Code.INVALID_ARGUMENT, `invalid address ${JSON.stringify(address)}: expected xtmp://host:port`);
  const host = (m[2] as string).replace(/^\[(.*)\]$/, "$1");
  return { scheme: m[1] ?? "xtmp", host, port, path: m[4] ?? "/" };
}
