// Noise HandshakeState: runs any pattern over 25519/SHA256 with ChaChaPoly or AESGCM (Noise section 5.3).
import { Code, XtmpError } from "../../status/error.js";
import { concatBytes } from "../../wire/bytes.js";
import { LowOrderPointError, type CipherName, type CryptoBackend, type KeyPair } from "../crypto.js";
import type { Kem } from "../kem.js";
import type { CipherState } from "./cipher-state.js";
import { parsePattern, type Pattern, type Token } from "./patterns.js";
import { SymmetricState } from "./symmetric-state.js";

/** Largest Noise message (Noise section 3). */
export const MAX_NOISE_MESSAGE = 65535;
const DHLEN = 32;

/** Parameters of one side of a handshake. */
export interface HandshakeOptions {
  /** Pattern name, e.g. `XX`, `IK`, `NK`, `XXpsk3`. */
  pattern: string;
  /** True for the party that sends the first message. */
  initiator: boolean;
  /** AEAD cipher. */
  cipher: CipherName;
  /** Crypto backend. */
  crypto: CryptoBackend;
  /** Bytes both sides must agree on (e.g. the negotiation preamble). */
  prologue?: Uint8Array;
  /** Our static X25519 key pair, where the pattern uses one. */
  s?: KeyPair;
  /** The peer's static public key, where known in advance (IK, NK, K, X, KK ...). */
  rs?: Uint8Array;
  /** A fixed ephemeral key pair: only for test vectors; never set it in production. */
  e?: KeyPair;
  /** Pre-shared keys, consumed in order by psk tokens. */
  psks?: Uint8Array[];
  /** The KEM of `hfs` patterns. */
  kem?: Kem;
}

function fail(message: string): never {
  throw new XtmpError(Code.UNAUTHENTICATED, `handshake failed: ${message}`);
}

/** One side of a Noise handshake. Call writeMessage/readMessage in turn until `complete`, then split(). */
export class HandshakeState {
  /** The parsed pattern. */
  readonly pattern: Pattern;
  /** Whether we are the initiator. */
  readonly initiator: boolean;
  /** Symmetric state (exposed for hybrid extensions that mix extra secrets into ck). */
  readonly ss: SymmetricState;
  private readonly crypto: CryptoBackend;
  private s: KeyPair | undefined;
  private e: KeyPair | undefined;
  private rs: Uint8Array | undefined;
  private re: Uint8Array | undefined;
  private readonly psks: Uint8Array[];
  private readonly kem: Kem | undefined;
  private e1: { publicKey: Uint8Array; secretKey: Uint8Array } | undefined;
  private re1: Uint8Array | undefined;
  private index = 0;
  /** The handshake hash just before the last read message's payload was decrypted (what its sender could sign). */
  lastPayloadHash: Uint8Array = new Uint8Array(0);

  constructor(opts: HandshakeOptions) {
    this.pattern = parsePattern(opts.pattern);
    this.initiator = opts.initiator;
    this.crypto = opts.crypto;
    this.s = opts.s;
    this.e = opts.e;
    this.rs = opts.rs;
    this.psks = [...(opts.psks ?? [])];
    this.kem = opts.kem;
    if (this.pattern.hfs && !this.kem) throw new Error(`noise: ${opts.pattern} needs a KEM`);
    const dh = this.pattern.hfs ? `25519+${this.kem?.name}` : "25519";
    this.ss = new SymmetricState(opts.crypto, opts.cipher, `Noise_${opts.pattern}_${dh}_${opts.cipher}_SHA256`);
    this.ss.mixHash(opts.prologue ?? new Uint8Array(0));
    // pre-messages: initiator's first, then responder's
    for (const [tokens, ours] of [
      [this.pattern.initiatorPre, this.initiator],
      [this.pattern.responderPre, !this.initiator],
    ] as const) {
      for (const t of tokens) {
        const key = t === "s" ? (ours ? this.s?.publicKey : this.rs) : ours ? this.e?.publicKey : this.re;
        if (!key) throw new Error(`noise: ${this.pattern.name} needs the ${ours ? "local" : "remote"} ${t} key before the handshake`);
        this.ss.mixHash(key);
      }
    }
  }

  /** True once every handshake message was written or read. */
  get complete(): boolean {
    return this.index >= this.pattern.messages.length;
  }

  /** Whether the next message is ours to write. */
  get myTurn(): boolean {
    return this.index % 2 === 0 === this.initiator;
  }

  /** The handshake hash: a channel binding value once complete. */
  get handshakeHash(): Uint8Array {
    return this.ss.h;
  }

  /** The peer's static public key once received (or given). */
  get remoteStatic(): Uint8Array | undefined {
    return this.rs;
  }

  /** Our ephemeral public key, once generated. */
  get localEphemeral(): Uint8Array | undefined {
    return this.e?.publicKey;
  }

  private dh(token: Token): Uint8Array {
    // es: initiator e × responder s; se: initiator s × responder e
    const [mine, theirs] = ((): [KeyPair | undefined, Uint8Array | undefined] => {
      switch (token) {
        case "ee":
          return [this.e, this.re];
        case "ss":
          return [this.s, this.rs];
        case "es":
          return this.initiator ? [this.e, this.rs] : [this.s, this.re];
        default:
          return this.initiator ? [this.s, this.re] : [this.e, this.rs];
      }
    })();
    if (!mine || !theirs) throw new Error(`noise: missing key for ${token}`);
    try {
      return this.crypto.x25519(mine.privateKey, theirs);
    } catch (err) {
      if (err instanceof LowOrderPointError) return fail("peer sent a low-order public key");
      throw err;
    }
  }

  private nextPsk(): Uint8Array {
    const psk = this.psks.shift();
    if (!psk || psk.length !== 32) throw new Error("noise: pattern needs a 32-byte pre-shared key");
    return psk;
  }

  /**
   * Writes the next handshake message carrying `payload`. A function payload is called with the
   * handshake hash at the point the payload is encrypted, so it can sign the transcript so far.
   */
  writeMessage(payload: Uint8Array | ((h: Uint8Array) => Uint8Array) = new Uint8Array(0)): Uint8Array {
    if (this.complete || !this.myTurn) throw new Error("noise: writeMessage out of turn");
    const parts: Uint8Array[] = [];
    for (const t of this.pattern.messages[this.index] as Token[]) {
      if (t === "e") {
        this.e ??= this.crypto.x25519Generate();
        parts.push(this.e.publicKey);
        this.ss.mixHash(this.e.publicKey);
        if (this.pattern.psk) this.ss.mixKey(this.e.publicKey);
      } else if (t === "s") {
        if (!this.s) throw new Error("noise: pattern needs a local static key");
        parts.push(this.ss.encryptAndHash(this.s.publicKey));
      } else if (t === "psk") {
        this.ss.mixKeyAndHash(this.nextPsk());
      } else if (t === "e1") {
        this.e1 = (this.kem as Kem).generate();
        parts.push(this.ss.encryptAndHash(this.e1.publicKey));
      } else if (t === "ekem1") {
        const { cipherText, sharedSecret } = (this.kem as Kem).encapsulate(this.re1 as Uint8Array);
        parts.push(this.ss.encryptAndHash(cipherText));
        this.ss.mixKey(sharedSecret);
        sharedSecret.fill(0);
      } else {
        this.ss.mixKey(this.dh(t));
      }
    }
    parts.push(this.ss.encryptAndHash(typeof payload === "function" ? payload(this.ss.h) : payload));
    this.index++;
    const total = parts.reduce((n, p) => n + p.length, 0);
    if (total > MAX_NOISE_MESSAGE) throw new Error(`noise: message of ${total} bytes exceeds ${MAX_NOISE_MESSAGE}`);
    return concatBytes(parts, total);
  }

  /** Reads the peer's next handshake message and returns its payload; throws UNAUTHENTICATED on any failure. */
  readMessage(message: Uint8Array): Uint8Array {
    if (this.complete || this.myTurn) fail("unexpected handshake message");
    if (message.length > MAX_NOISE_MESSAGE) fail("message too large");
    let off = 0;
    const take = (n: number): Uint8Array => {
      if (off + n > message.length) fail("message truncated");
      const out = message.subarray(off, off + n);
      off += n;
      return out;
    };
    for (const t of this.pattern.messages[this.index] as Token[]) {
      if (t === "e") {
        this.re = take(DHLEN).slice();
        this.ss.mixHash(this.re);
        if (this.pattern.psk) this.ss.mixKey(this.re);
      } else if (t === "s") {
        const ct = take(this.ss.cs.hasKey() ? DHLEN + 16 : DHLEN);
        const rs = this.ss.decryptAndHash(ct);
        if (!rs) fail("could not decrypt the peer's static key");
        this.rs = rs.slice();
      } else if (t === "psk") {
        this.ss.mixKeyAndHash(this.nextPsk());
      } else if (t === "e1") {
        const kem = this.kem as Kem;
        const pk = this.ss.decryptAndHash(take(kem.publicKeySize + (this.ss.cs.hasKey() ? 16 : 0)));
        if (!pk) fail("could not decrypt the peer's KEM key");
        this.re1 = pk.slice();
      } else if (t === "ekem1") {
        const kem = this.kem as Kem;
        const ct = this.ss.decryptAndHash(take(kem.ciphertextSize + (this.ss.cs.hasKey() ? 16 : 0)));
        if (!ct || !this.e1) fail("could not decrypt the KEM ciphertext");
        const shared = kem.decapsulate(ct, this.e1.secretKey);
        this.ss.mixKey(shared);
        shared.fill(0);
      } else {
        this.ss.mixKey(this.dh(t));
      }
    }
    this.lastPayloadHash = this.ss.h;
    const payload = this.ss.decryptAndHash(message.subarray(off));
    if (!payload) fail("could not decrypt the handshake payload");
    this.index++;
    return payload;
  }

  /** After completion: [send, receive] transport cipher states for this side. Ephemeral keys are wiped. */
  split(): { send: CipherState; recv: CipherState; exporter: Uint8Array } {
    if (!this.complete) throw new Error("noise: split before the handshake completed");
    const exporter = this.ss.exportSecret("XTMP-v1 exporter");
    const [c1, c2] = this.ss.split();
    this.e?.privateKey.fill(0);
    this.e1?.secretKey.fill(0);
    return this.initiator ? { send: c1, recv: c2, exporter } : { send: c2, recv: c1, exporter };
  }
}
