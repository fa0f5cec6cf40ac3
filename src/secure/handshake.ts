// Session establishment over a byte duplex: preamble, Noise XX/IK (optionally hybrid PQ), then records.
import { Code, XtmpError } from "../status/error.js";
import { ByteQueue } from "../wire/byte-queue.js";
import type { ByteDuplex, ByteReceiver } from "../wire/duplex.js";
import {
  CipherId,
  encodeClientHello,
  encodeServerHello,
  Feature,
  HandshakeMode,
  HelloStatus,
  HELLO_SIZE,
  parseClientHello,
  parseServerHello,
  PROTOCOL_VERSION,
  type ClientHello,
} from "../wire/preamble.js";
import { DEFAULT_MAX_PLAINTEXT, LENGTH_PREFIX, MAX_PLAINTEXT_LIMIT, MIN_PLAINTEXT_LIMIT, writeLength } from "../wire/record.js";
import { nodeCrypto } from "./crypto-node.js";
import type { CipherName, CryptoBackend, KeyPair } from "./crypto.js";
import { noiseStaticKey, x25519FromEd25519Public, type Identity } from "./identity.js";
import { mlKem768 } from "./kem.js";
import { HandshakeState } from "./noise/handshake-state.js";
import type { ClientSessionOptions, ServerSessionOptions, SessionInfo, SessionOptions } from "./options.js";
import { buildPayload, verifyPayload, type PeerPayload } from "./payload.js";
import { AeadProtector, Crc32cProtector, type RecordProtector } from "./protector.js";
import { RecordSession } from "./record-session.js";
import { deriveDatagramKeys, type DatagramKeys } from "./datagram.js";
import type { TrustPolicy } from "./trust.js";

/** Largest handshake message accepted (hybrid messages are ~2.4 KB; Noise allows 65,535). */
export const MAX_HANDSHAKE_MESSAGE = 8192;
const CIPHERS: Record<number, CipherName> = { [CipherId.CHACHAPOLY]: "ChaChaPoly", [CipherId.AESGCM]: "AESGCM" };
const CIPHER_IDS: Record<CipherName, CipherId> = { ChaChaPoly: CipherId.CHACHAPOLY, AESGCM: CipherId.AESGCM };
const ABORT = new Uint8Array(2); // a zero-length handshake message: "I give up", then close

/** An established session: a RecordSession that knows how it was set up (and its datagram keys). */
export type Session = RecordSession & { readonly info: SessionInfo; readonly datagram?: DatagramKeys };

function framed(...messages: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(messages.reduce((n, m) => n + LENGTH_PREFIX + m.length, 0));
  let off = 0;
  for (const m of messages) {
    writeLength(out, off, m.length);
    out.set(m, off + LENGTH_PREFIX);
    off += LENGTH_PREFIX + m.length;
  }
  return out;
}

/** What an insecure session reports: no cipher, no identity, no channel binding. */
function insecureInfo(features: number): Omit<SessionInfo, "handshakeMs"> {
  return { mode: "insecure", cipher: undefined, postQuantum: false, handshakeHash: new Uint8Array(0), peerIdentity: undefined, peerCertificate: undefined, features };
}

function recordLimit(opts: SessionOptions): number {
  const n = opts.maxRecordPlaintext ?? DEFAULT_MAX_PLAINTEXT;
  if (!Number.isInteger(n) || n < MIN_PLAINTEXT_LIMIT || n > MAX_PLAINTEXT_LIMIT) {
    throw new RangeError(`maxRecordPlaintext must be ${MIN_PLAINTEXT_LIMIT}..${MAX_PLAINTEXT_LIMIT}`);
  }
  return n;
}

/** Shared machinery of both sides: buffering, the timeout, failure and completion. */
abstract class Driver implements ByteReceiver {
  protected readonly queue = new ByteQueue();
  protected readonly crypto: CryptoBackend;
  protected readonly started = Date.now();
  protected hs: HandshakeState | undefined;
  protected exporter: Uint8Array | undefined;
  private settled = false;
  private readonly timer: ReturnType<typeof setTimeout>;
  private resolve!: (s: Session) => void;
  private reject!: (e: XtmpError) => void;
  /** Settles when the session is established or the handshake failed. */
  readonly promise = new Promise<Session>((res, rej) => {
    this.resolve = res;
    this.reject = rej;
  });

  constructor(
    protected readonly duplex: ByteDuplex,
    protected readonly opts: SessionOptions,
  ) {
    this.crypto = opts.crypto ?? nodeCrypto;
    const ms = opts.handshakeTimeoutMs ?? 10_000;
    this.timer = setTimeout(() => this.fail(new XtmpError(Code.DEADLINE_EXCEEDED, `handshake timed out after ${ms} ms`)), ms);
  }

  onData(chunk: Uint8Array): void {
    if (this.settled) return;
    this.queue.push(chunk);
    this.guard(() => this.step());
  }

  onEnd(error?: Error): void {
    this.fail(new XtmpError(Code.UNAVAILABLE, "connection closed during the handshake", error ? { cause: error } : {}), false);
  }

  protected guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.fail(XtmpError.from(err, Code.INTERNAL));
    }
  }

  /** Advances the state machine as far as the buffered bytes allow. */
  protected abstract step(): void;

  /** Tells the peer we gave up (before closing), where the protocol has a way to. */
  protected abstract notifyFailure(err: XtmpError): void;

  /** The next length-prefixed handshake message, or undefined while incomplete. */
  protected nextMessage(): Uint8Array | undefined {
    if (this.queue.length < LENGTH_PREFIX) return undefined;
    const p = this.queue.peek(LENGTH_PREFIX);
    const len = ((p[0] as number) << 8) | (p[1] as number);
    if (len === 0) throw new XtmpError(Code.UNAUTHENTICATED, "handshake failed: the peer aborted the handshake");
    if (len > MAX_HANDSHAKE_MESSAGE) throw new XtmpError(Code.INTERNAL, `protocol error: handshake message of ${len} bytes exceeds ${MAX_HANDSHAKE_MESSAGE}`);
    if (this.queue.length < LENGTH_PREFIX + len) return undefined;
    this.queue.skip(LENGTH_PREFIX);
    return this.queue.take(len).slice();
  }

  protected fail(err: XtmpError, notify = true): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    if (notify) {
      try {
        this.notifyFailure(err);
      } catch {
        // notifying is best effort: the connection is closed next regardless
      }
    }
    this.duplex.close();
    this.reject(err);
  }

  protected finish(protector: RecordProtector, sendLimit: number, info: Omit<SessionInfo, "handshakeMs">): void {
    this.settled = true;
    clearTimeout(this.timer);
    const leftover = this.queue.length > 0 ? this.queue.take(this.queue.length) : undefined;
    const fullInfo: SessionInfo = { ...info, handshakeMs: Date.now() - this.started };
    const session = new RecordSession(
      this.duplex,
      protector,
      { maxRecvPlaintext: recordLimit(this.opts), maxSendPlaintext: sendLimit, rekey: this.opts.rekey, padding: this.opts.padding ?? 0 },
      leftover,
    ) as Session;
    Object.defineProperty(session, "info", { value: fullInfo, enumerable: true });
    if (this.exporter) {
      const keys = deriveDatagramKeys(this.crypto, this.exporter, fullInfo.handshakeHash, fullInfo.cipher ?? "AESGCM", this instanceof ClientDriver);
      this.exporter.fill(0);
      Object.defineProperty(session, "datagram", { value: keys });
    }
    this.resolve(session);
  }

  protected secureInfo(mode: string, cipher: CipherName, pq: boolean, peer: PeerPayload, features: number): Omit<SessionInfo, "handshakeMs"> {
    return {
      mode,
      cipher,
      postQuantum: pq,
      handshakeHash: (this.hs as HandshakeState).handshakeHash.slice(),
      peerIdentity: peer.identity,
      peerCertificate: peer.certificate,
      features,
    };
  }

  protected aead(): AeadProtector {
    const { send, recv, exporter } = (this.hs as HandshakeState).split();
    this.exporter = exporter;
    return new AeadProtector(send, recv);
  }

  protected identity(): Identity {
    if (!this.opts.identity) throw new Error("a secure session needs an identity (or insecure: true)");
    return this.opts.identity;
  }
}

class ClientDriver extends Driver {
  private hello: ClientHello;
  private staticKey: KeyPair | undefined;
  private serverFeatures: number | undefined;
  private readonly trust: TrustPolicy;
  private cipher: CipherName;
  private mode: string;

  constructor(
    duplex: ByteDuplex,
    private readonly copts: ClientSessionOptions,
  ) {
    super(duplex, copts);
    this.cipher = copts.cipher ?? "AESGCM";
    const pq = copts.postQuantum === true;
    const mode = copts.insecure ? HandshakeMode.INSECURE : copts.serverKey ? HandshakeMode.IK : HandshakeMode.XX;
    this.mode = mode === HandshakeMode.INSECURE ? "insecure" : `${HandshakeMode[mode]}${pq ? "hfs" : ""}`;
    this.hello = {
      version: PROTOCOL_VERSION,
      mode,
      cipher: copts.insecure ? CipherId.NONE : CIPHER_IDS[this.cipher],
      features: ((copts.features ?? 0) | (pq ? Feature.PQ_HYBRID : 0)) & 0xff,
    };
    this.trust = copts.trust ?? (copts.serverKey ? { kind: "pinned", keys: [copts.serverKey] } : { kind: "any" });
    duplex.setReceiver(this);
    this.guard(() => this.start());
  }

  private start(): void {
    const helloBytes = encodeClientHello(this.hello);
    if (this.hello.mode === HandshakeMode.INSECURE) {
      this.duplex.write(helloBytes);
      return;
    }
    const identity = this.identity();
    this.staticKey = noiseStaticKey(identity, this.crypto);
    this.hs = new HandshakeState({
      pattern: this.mode,
      initiator: true,
      cipher: this.cipher,
      crypto: this.crypto,
      prologue: helloBytes,
      s: this.staticKey,
      ...(this.copts.serverKey ? { rs: x25519FromEd25519Public(this.copts.serverKey) } : {}),
      kem: this.copts.kem ?? mlKem768,
    });
    const key = this.staticKey.publicKey;
    const msg0 =
      this.hello.mode === HandshakeMode.IK
        ? this.hs.writeMessage((h) => buildPayload(this.crypto, identity, "I", key, recordLimit(this.opts), this.hello.features, h))
        : this.hs.writeMessage();
    const out = new Uint8Array(HELLO_SIZE + LENGTH_PREFIX + msg0.length);
    out.set(helloBytes);
    out.set(framed(msg0), HELLO_SIZE);
    this.duplex.write(out);
  }

  protected step(): void {
    if (this.serverFeatures === undefined) {
      const r = parseServerHello(this.queue.peek(this.queue.length));
      if (!r) return;
      const [sh, used] = r;
      this.queue.skip(used);
      if (sh.status !== HelloStatus.OK) {
        const code = sh.status === HelloStatus.HANDSHAKE_FAILED || sh.status === HelloStatus.MODE_REFUSED ? Code.UNAUTHENTICATED : Code.FAILED_PRECONDITION;
        this.fail(new XtmpError(code, `server refused the session (${HelloStatus[sh.status] ?? sh.status}): ${sh.reason ?? ""}`), false);
        return;
      }
      if (sh.version !== PROTOCOL_VERSION || (sh.features & ~this.hello.features) !== 0) {
        throw new XtmpError(Code.INTERNAL, "protocol error: ServerHello does not match the offer");
      }
      this.serverFeatures = sh.features;
      if (this.hello.mode === HandshakeMode.INSECURE) {
        this.finish(new Crc32cProtector(), DEFAULT_MAX_PLAINTEXT, insecureInfo(sh.features));
        return;
      }
    }
    const msg1 = this.nextMessage();
    if (!msg1) return;
    const hs = this.hs as HandshakeState;
    const payload = hs.readMessage(msg1);
    const peer = verifyPayload(this.crypto, payload, "R", hs.remoteStatic, hs.lastPayloadHash, this.trust);
    if (peer.features !== this.serverFeatures) throw new XtmpError(Code.UNAUTHENTICATED, "handshake failed: ServerHello was tampered with");
    if (this.hello.mode === HandshakeMode.XX) {
      const identity = this.identity();
      const key = (this.staticKey as KeyPair).publicKey;
      const msg2 = hs.writeMessage((h) => buildPayload(this.crypto, identity, "I", key, recordLimit(this.opts), this.hello.features, h));
      this.duplex.write(framed(msg2));
    }
    const pq = (this.hello.features & Feature.PQ_HYBRID) !== 0;
    this.finish(this.aead(), peer.maxRecord, this.secureInfo(this.mode, this.cipher, pq, peer, peer.features));
  }

  protected notifyFailure(): void {
    if (this.hello.mode !== HandshakeMode.INSECURE) this.duplex.write(ABORT);
  }
}

class ServerDriver extends Driver {
  private hello: ClientHello | undefined;
  private helloSent = false;
  private cipher: CipherName = "AESGCM";
  private mode = "";
  private features = 0;

  constructor(
    duplex: ByteDuplex,
    private readonly sopts: ServerSessionOptions,
  ) {
    super(duplex, sopts);
    duplex.setReceiver(this);
  }

  private refuse(status: HelloStatus, code: Code, reason: string): never {
    this.duplex.write(encodeServerHello({ version: PROTOCOL_VERSION, status, features: 0, reason }));
    this.helloSent = true;
    throw new XtmpError(code, `session refused: ${reason}`);
  }

  private acceptHello(h: ClientHello): void {
    const insecureServer = this.sopts.insecure === true;
    if (h.version !== PROTOCOL_VERSION) this.refuse(HelloStatus.VERSION_UNSUPPORTED, Code.FAILED_PRECONDITION, `protocol version ${h.version} is not supported (this server speaks ${PROTOCOL_VERSION})`);
    if (h.mode === HandshakeMode.INSECURE && !insecureServer) this.refuse(HelloStatus.MODE_REFUSED, Code.UNAUTHENTICATED, "insecure sessions are refused by this server");
    if (h.mode !== HandshakeMode.INSECURE && insecureServer) this.refuse(HelloStatus.MODE_REFUSED, Code.UNAUTHENTICATED, "this server runs in insecure mode");
    if (h.mode !== HandshakeMode.INSECURE && h.mode !== HandshakeMode.XX && h.mode !== HandshakeMode.IK) this.refuse(HelloStatus.MODE_REFUSED, Code.FAILED_PRECONDITION, `unknown handshake mode ${h.mode}`);
    const pq = (h.features & Feature.PQ_HYBRID) !== 0;
    if (this.sopts.requirePostQuantum && !pq) this.refuse(HelloStatus.FEATURE_REQUIRED, Code.FAILED_PRECONDITION, "this server requires the hybrid post-quantum handshake");
    this.features = h.features & ((this.sopts.features ?? Feature.ZSTD) | Feature.PQ_HYBRID);
    if (h.mode === HandshakeMode.INSECURE) return;
    const cipher = CIPHERS[h.cipher];
    if (!cipher || !(this.sopts.ciphers ?? ["AESGCM", "ChaChaPoly"]).includes(cipher)) {
      this.refuse(HelloStatus.CIPHER_UNSUPPORTED, Code.FAILED_PRECONDITION, `cipher ${cipher ?? h.cipher} is not accepted`);
    }
    this.cipher = cipher;
    this.mode = `${HandshakeMode[h.mode]}${pq ? "hfs" : ""}`;
    this.hs = new HandshakeState({
      pattern: this.mode,
      initiator: false,
      cipher,
      crypto: this.crypto,
      prologue: encodeClientHello(h),
      s: noiseStaticKey(this.identity(), this.crypto),
      kem: this.sopts.kem ?? mlKem768,
    });
  }

  protected step(): void {
    if (!this.hello) {
      const h = parseClientHello(this.queue.peekUpTo(HELLO_SIZE));
      if (!h) return;
      this.queue.skip(HELLO_SIZE);
      this.acceptHello(h);
      this.hello = h;
      if (h.mode === HandshakeMode.INSECURE) {
        this.duplex.write(encodeServerHello({ version: PROTOCOL_VERSION, status: HelloStatus.OK, features: this.features }));
        this.helloSent = true;
        this.finish(new Crc32cProtector(), DEFAULT_MAX_PLAINTEXT, insecureInfo(this.features));
        return;
      }
    }
    const hs = this.hs as HandshakeState;
    const trust = this.sopts.trust ?? { kind: "any" };
    const pq = (this.features & Feature.PQ_HYBRID) !== 0;
    if (!this.helloSent) {
      const msg0 = this.nextMessage();
      if (!msg0) return;
      const payload0 = hs.readMessage(msg0);
      let peer: PeerPayload | undefined;
      if (this.hello.mode === HandshakeMode.IK) peer = verifyPayload(this.crypto, payload0, "I", hs.remoteStatic, hs.lastPayloadHash, trust);
      const identity = this.identity();
      const key = noiseStaticKey(identity, this.crypto).publicKey;
      const msg1 = hs.writeMessage((h) => buildPayload(this.crypto, identity, "R", key, recordLimit(this.opts), this.features, h));
      const sh = encodeServerHello({ version: PROTOCOL_VERSION, status: HelloStatus.OK, features: this.features });
      const out = new Uint8Array(sh.length + LENGTH_PREFIX + msg1.length);
      out.set(sh);
      out.set(framed(msg1), sh.length);
      this.duplex.write(out);
      this.helloSent = true;
      if (peer) this.finish(this.aead(), peer.maxRecord, this.secureInfo(this.mode, this.cipher, pq, peer, this.features));
      return;
    }
    const msg2 = this.nextMessage();
    if (!msg2) return;
    const payload2 = hs.readMessage(msg2);
    const peer = verifyPayload(this.crypto, payload2, "I", hs.remoteStatic, hs.lastPayloadHash, trust);
    this.finish(this.aead(), peer.maxRecord, this.secureInfo(this.mode, this.cipher, pq, peer, this.features));
  }

  protected notifyFailure(err: XtmpError): void {
    if (!this.helloSent) {
      const status = /bad magic|protocol error/.test(err.rawMessage) ? HelloStatus.BAD_PREAMBLE : HelloStatus.HANDSHAKE_FAILED;
      this.duplex.write(encodeServerHello({ version: PROTOCOL_VERSION, status, features: 0, reason: err.rawMessage }));
    } else if (this.hs?.complete) {
      // XX: the client's identity was refused after the keys exist: tell it, encrypted
      new RecordSession(this.duplex, this.aead(), { maxRecvPlaintext: DEFAULT_MAX_PLAINTEXT, maxSendPlaintext: DEFAULT_MAX_PLAINTEXT }).close(err);
    } else {
      this.duplex.write(ABORT);
    }
  }
}

/** Runs the client side of a session over `duplex` (a fresh connection). */
export function connectSession(duplex: ByteDuplex, opts: ClientSessionOptions): Promise<Session> {
  return new ClientDriver(duplex, opts).promise;
}

/** Runs the server side of a session over `duplex` (a freshly accepted connection). */
export function acceptSession(duplex: ByteDuplex, opts: ServerSessionOptions): Promise<Session> {
  return new ServerDriver(duplex, opts).promise;
}
