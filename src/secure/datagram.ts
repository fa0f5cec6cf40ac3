// Datagram protection: keys derived from the session, connection ids, explicit counters, replay window.
import type { CipherName, CryptoBackend } from "./crypto.js";
import { CipherState } from "./noise/cipher-state.js";
import { ReplayWindow } from "./replay-window.js";

/** Connection id length on the wire. */
export const CONN_ID_SIZE = 8;
/** Datagram header: connection id and the 64-bit counter. */
export const DATAGRAM_HEADER = CONN_ID_SIZE + 8;

/** Both directions of a session's datagram path. Never shares keys with the TCP records. */
export class DatagramKeys {
  private readonly send: CipherState;
  private readonly recv: CipherState;
  private readonly window = new ReplayWindow();
  private counter = 0;
  /** Replays and too-old datagrams dropped so far. */
  replaysDropped = 0;

  constructor(
    crypto: CryptoBackend,
    cipher: CipherName,
    /** The connection id both sides put on every datagram of this session. */
    readonly connId: Uint8Array,
    sendKey: Uint8Array,
    recvKey: Uint8Array,
  ) {
    this.send = new CipherState(crypto, cipher, sendKey);
    this.recv = new CipherState(crypto, cipher, recvKey);
  }

  /** Protects a plaintext as one datagram: conn id ‖ counter ‖ AEAD(ad = header). */
  seal(plaintext: Uint8Array): Uint8Array {
    const n = this.counter++;
    const header = new Uint8Array(DATAGRAM_HEADER);
    header.set(this.connId);
    new DataView(header.buffer).setBigUint64(CONN_ID_SIZE, BigInt(n));
    this.send.setNonce(n);
    const ct = this.send.encryptWithAd(header, plaintext);
    const out = new Uint8Array(DATAGRAM_HEADER + ct.length);
    out.set(header);
    out.set(ct, DATAGRAM_HEADER);
    return out;
  }

  /**
   * Opens a datagram: authenticates first, then checks the replay window (so forged counters cannot
   * move it). Returns null for a forgery, a replay or a too-old datagram.
   */
  open(datagram: Uint8Array): Uint8Array | null {
    if (datagram.length < DATAGRAM_HEADER + 16) return null;
    const header = datagram.subarray(0, DATAGRAM_HEADER);
    const n = Number(new DataView(datagram.buffer, datagram.byteOffset + CONN_ID_SIZE, 8).getBigUint64(0));
    if (!Number.isSafeInteger(n)) return null;
    this.recv.setNonce(n);
    const pt = this.recv.decryptWithAd(header, datagram.subarray(DATAGRAM_HEADER));
    if (pt === null) return null;
    if (!this.window.check(n)) {
      this.replaysDropped++;
      return null;
    }
    return pt;
  }
}

const te = new TextEncoder();

/** Derives a session's datagram keys and connection id from its exporter secret (HKDF-SHA256). */
export function deriveDatagramKeys(crypto: CryptoBackend, exporter: Uint8Array, handshakeHash: Uint8Array, cipher: CipherName, isClient: boolean): DatagramKeys {
  const k = (label: string, n = 32) => crypto.hkdfSha256(exporter, handshakeHash, te.encode(label), n);
  const c2s = k("XTMP-v1 datagram client->server");
  const s2c = k("XTMP-v1 datagram server->client");
  const connId = k("XTMP-v1 connection id", CONN_ID_SIZE);
  return isClient ? new DatagramKeys(crypto, cipher, connId, c2s, s2c) : new DatagramKeys(crypto, cipher, connId, s2c, c2s);
}
