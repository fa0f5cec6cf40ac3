// Record protectors: AEAD with Noise cipher states (secure) or CRC-32C (insecure mode).
import { crc32c } from "../wire/crc32c.js";
import { CRC_SIZE, TAG_SIZE } from "../wire/record.js";
import type { CipherState } from "./noise/cipher-state.js";

const EMPTY = new Uint8Array(0);

/** Turns record plaintexts into record bodies and back. */
export interface RecordProtector {
  /** Bytes a body has beyond its plaintext. */
  readonly overhead: number;
  /** Whether the records are encrypted (false only in insecure mode). */
  readonly secure: boolean;
  /**
   * Protects one record whose plaintext is the concatenation of `parts` (`total` bytes), appending the
   * body's pieces to `out`. The parts may be reused by the caller as soon as this returns.
   */
  seal(parts: readonly Uint8Array[], total: number, out: Uint8Array[]): void;
  /** Unprotects one record body; null when it fails authentication or its checksum. */
  open(body: Uint8Array): Uint8Array | null;
  /** Switches the sending key (after a record that carried KEY_UPDATE). */
  rekeySend(): void;
  /** Switches the receiving key (after a record that carried KEY_UPDATE). */
  rekeyRecv(): void;
  /** Wipes key material. */
  erase(): void;
}

/** AEAD records: implicit 64-bit counter nonces, so a replayed, reordered or foreign record fails to open. */
export class AeadProtector implements RecordProtector {
  readonly overhead = TAG_SIZE;
  readonly secure = true;
  constructor(
    private readonly send: CipherState,
    private readonly recv: CipherState,
  ) {}
  seal(parts: readonly Uint8Array[], total: number, out: Uint8Array[]): void {
    this.send.encryptParts(parts, total, out);
  }
  open(body: Uint8Array): Uint8Array | null {
    return this.recv.decryptWithAd(EMPTY, body);
  }
  rekeySend(): void {
    this.send.rekey();
  }
  rekeyRecv(): void {
    this.recv.rekey();
  }
  erase(): void {
    this.send.erase();
    this.recv.erase();
  }
}

/** Insecure records: plaintext followed by its CRC-32C (big-endian). Detects corruption, not attacks. */
export class Crc32cProtector implements RecordProtector {
  readonly overhead = CRC_SIZE;
  readonly secure = false;
  seal(parts: readonly Uint8Array[], total: number, out: Uint8Array[]): void {
    // one copy: the parts may be reused once this returns, the body goes out later
    const body = new Uint8Array(total + CRC_SIZE);
    let off = 0;
    for (const p of parts) {
      body.set(p, off);
      off += p.length;
    }
    new DataView(body.buffer).setUint32(total, crc32c(body.subarray(0, total)));
    out.push(body);
  }
  open(body: Uint8Array): Uint8Array | null {
    if (body.length < CRC_SIZE) return null;
    const pt = body.subarray(0, body.length - CRC_SIZE);
    const want = new DataView(body.buffer, body.byteOffset + pt.length, CRC_SIZE).getUint32(0);
    return crc32c(pt) === want ? pt : null;
  }
  rekeySend(): void {}
  rekeyRecv(): void {}
  erase(): void {}
}
