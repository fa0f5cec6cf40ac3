// Datagram protection: keys derived from the session, connection ids, explicit counters, replay window.
import { MAX_DATAGRAM_PLAINTEXT } from "../wire/datagram.js";
import type { CipherName, CryptoBackend } from "./crypto.js";
import { CipherState } from "./noise/cipher-state.js";
import { ReplayWindow } from "./replay-window.js";

/** Connection id length on the wire. */
export const CONN_ID_SIZE = 8;
/** Datagram header: connection id and the 64-bit counter. */
export const DATAGRAM_HEADER = CONN_ID_SIZE + 8;
/** AEAD tag length. */
const TAG_SIZE = 16;
/**
 * Counters are below 2^48 (the u64 field's upper 16 bits are zero). A receiver drops any other
 * datagram before decrypting it; a sender that has used counter 2^48-1 sends no more datagrams with
 * these keys. 2^48 is exact in a JS number and far below Noise's reserved nonce 2^64-1.
 */
export const DATAGRAM_COUNTER_LIMIT = 2 ** 48;
/** Largest datagram a receiver opens: header, the largest plaintext, tag. Longer ones are malformed. */
export const MAX_DATAGRAM_SIZE = DATAGRAM_HEADER + MAX_DATAGRAM_PLAINTEXT + TAG_SIZE;

/** Why a datagram was dropped before any plaintext was seen. */
export type DatagramDropReason = "malformed" | "unknownConnId" | "badCounter" | "authFailed" | "replay";

/** The outcome of opening a datagram. */
export type OpenedDatagram =
  | {
      ok: true;
      /** The authenticated plaintext (a fresh buffer). */
      plaintext: Uint8Array;
      /** Its counter. */
      counter: number;
      /** True when no datagram with a higher counter was accepted before it. */
      newest: boolean;
    }
  | { ok: false; reason: DatagramDropReason };

/** Reads the counter of a datagram at least DATAGRAM_HEADER long; -1 when it is not below 2^48. */
export function datagramCounter(datagram: Uint8Array): number {
  const v = new DataView(datagram.buffer, datagram.byteOffset + CONN_ID_SIZE, 8);
  const hi = v.getUint32(0);
  if (hi >= DATAGRAM_COUNTER_LIMIT / 2 ** 32) return -1;
  return hi * 2 ** 32 + v.getUint32(4);
}

/** Both directions of a session's datagram path. Never shares keys with the TCP records. */
export class DatagramKeys {
  // cipher states and the replay window are made on first use: most sessions never send a datagram
  private sendState: CipherState | undefined;
  private recvState: CipherState | undefined;
  private replay: ReplayWindow | undefined;
  private counter: number;
  /** Replays and too-old datagrams dropped so far. */
  replaysDropped = 0;

  constructor(
    private readonly crypto: CryptoBackend,
    private readonly cipher: CipherName,
    /** The connection id both sides put on every datagram of this session. */
    readonly connId: Uint8Array,
    private readonly sendKey: Uint8Array,
    private readonly recvKey: Uint8Array,
    /** The first counter to send (0; tests of the counter limit start near it). */
    firstCounter = 0,
  ) {
    this.counter = firstCounter;
  }

  private get send(): CipherState {
    return (this.sendState ??= new CipherState(this.crypto, this.cipher, this.sendKey));
  }

  private get recv(): CipherState {
    return (this.recvState ??= new CipherState(this.crypto, this.cipher, this.recvKey));
  }

  /** True once every counter below DATAGRAM_COUNTER_LIMIT was used: `seal` returns null from then on. */
  get exhausted(): boolean {
    return this.counter >= DATAGRAM_COUNTER_LIMIT;
  }

  /** Protects a plaintext as one datagram: conn id ‖ counter ‖ AEAD(ad = header). Null once exhausted. */
  seal(plaintext: Uint8Array): Uint8Array | null {
    if (this.exhausted) return null;
    const n = this.counter++;
    const out = new Uint8Array(DATAGRAM_HEADER + plaintext.length + TAG_SIZE);
    out.set(this.connId);
    const v = new DataView(out.buffer);
    v.setUint32(CONN_ID_SIZE, Math.floor(n / 2 ** 32));
    v.setUint32(CONN_ID_SIZE + 4, n >>> 0);
    this.send.setNonce(n);
    out.set(this.send.encryptWithAd(out.subarray(0, DATAGRAM_HEADER), plaintext), DATAGRAM_HEADER);
    return out;
  }

  /**
   * Opens a datagram: checks length, connection id and counter range, authenticates, and only then
   * checks the replay window (so forged counters cannot move it). Never throws for any input.
   */
  open(datagram: Uint8Array): OpenedDatagram {
    if (datagram.length < DATAGRAM_HEADER + TAG_SIZE || datagram.length > MAX_DATAGRAM_SIZE) return { ok: false, reason: "malformed" };
    for (let i = 0; i < CONN_ID_SIZE; i++) if (datagram[i] !== this.connId[i]) return { ok: false, reason: "unknownConnId" };
    const n = datagramCounter(datagram);
    if (n < 0) return { ok: false, reason: "badCounter" };
    this.recv.setNonce(n);
    const pt = this.recv.decryptWithAd(datagram.subarray(0, DATAGRAM_HEADER), datagram.subarray(DATAGRAM_HEADER));
    if (pt === null) return { ok: false, reason: "authFailed" };
    const newest = n > (this.replay?.top ?? -1);
    if (!(this.replay ??= new ReplayWindow()).check(n)) {
      this.replaysDropped++;
      return { ok: false, reason: "replay" };
    }
    return { ok: true, plaintext: pt, counter: n, newest };
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
