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
  /** Protects one record plaintext (the result is a new buffer). */
  seal(plaintext: Uint8Array): Uint8Array;
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
  seal(plaintext: Uint8Array): Uint8Array {
    return this.send.encryptWithAd(EMPTY, plaintext);
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
  seal(plaintext: Uint8Array): Uint8Array {
    const out = new Uint8Array(plaintext.length + CRC_SIZE);
    out.set(plaintext);
    new DataView(out.buffer).setUint32(plaintext.length, crc32c(plaintext));
    return out;
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
