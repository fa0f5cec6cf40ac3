// Refusing a connection before reading it: ServerHello BUSY (admission control, PROTOCOL.md §3.2).
import type { ByteDuplex } from "../wire/duplex.js";
import { encodeServerHello, HelloStatus, PROTOCOL_VERSION } from "../wire/preamble.js";

/**
 * Refuses a connection before reading it: ServerHello BUSY with `message`, then close. What arrives
 * meanwhile is discarded (reading it keeps the kernel from answering with a reset).
 */
export function refuseConnection(duplex: ByteDuplex, message: string): void {
  duplex.setReceiver({ onData() {}, onEnd() {} });
  duplex.write(encodeServerHello({ version: PROTOCOL_VERSION, status: HelloStatus.BUSY, features: 0, reason: message }));
  duplex.close();
}
