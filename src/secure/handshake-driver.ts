// The handshake driver both sides share: buffering with a cap, the timeout, failure reasons, completion.
import { Code } from "../status/error.js";
import { ByteQueue } from "../wire/byte-queue.js";
import type { ByteDuplex, ByteReceiver } from "../wire/duplex.js";
import { DEFAULT_MAX_PLAINTEXT, LENGTH_PREFIX, MAX_PLAINTEXT_LIMIT, MIN_PLAINTEXT_LIMIT, writeLength } from "../wire/record.js";
import { nodeCrypto } from "./crypto-node.js";
import type { CipherName, CryptoBackend } from "./crypto.js";
import type { Identity } from "./identity.js";
import { HandshakeState } from "./noise/handshake-state.js";
import type { SessionInfo, SessionOptions } from "./options.js";
import type { PeerPayload } from "./payload.js";
import { AeadProtector, type RecordProtector } from "./protector.js";
import { RecordSession } from "./record-session.js";
import { deriveDatagramKeys, type DatagramKeys } from "./datagram.js";
import { HandshakeError, type HandshakeFailureReason } from "./handshake-error.js";
import { resumptionSecret } from "./resume.js";

/** Largest handshake message accepted (hybrid messages are ~2.4 KB; Noise allows 65,535). */
export const MAX_HANDSHAKE_MESSAGE = 8192;
/** Most bytes a handshake keeps buffered between steps (one incomplete message and change). */
export const MAX_HANDSHAKE_BUFFER = 2 * (LENGTH_PREFIX + MAX_HANDSHAKE_MESSAGE);
/** A zero-length handshake message: "I give up", then close. */
export const ABORT = new Uint8Array(2);

/** An established session: a RecordSession that knows how it was set up (and its datagram keys). */
export type Session = RecordSession & { readonly info: SessionInfo; readonly datagram?: DatagramKeys };

/** Length-prefixed handshake messages, concatenated. */
export function framed(...messages: Uint8Array[]): Uint8Array {
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
export function insecureInfo(features: number): Omit<SessionInfo, "handshakeMs"> {
  return { mode: "insecure", cipher: undefined, postQuantum: false, handshakeHash: new Uint8Array(0), peerIdentity: undefined, peerCertificate: undefined, features };
}

/** The record plaintext limit of the options, checked. */
export function recordLimit(opts: SessionOptions): number {
  const n = opts.maxRecordPlaintext ?? DEFAULT_MAX_PLAINTEXT;
  if (!Number.isInteger(n) || n < MIN_PLAINTEXT_LIMIT || n > MAX_PLAINTEXT_LIMIT) {
    throw new RangeError(`maxRecordPlaintext must be ${MIN_PLAINTEXT_LIMIT}..${MAX_PLAINTEXT_LIMIT}`);
  }
  return n;
}

/** Shared machinery of both sides: buffering, the timeout, failure and completion. */
export abstract class Driver implements ByteReceiver {
  /** Which side this is (the datagram keys depend on it). */
  protected abstract readonly isClient: boolean;
  protected readonly queue = new ByteQueue();
  protected readonly crypto: CryptoBackend;
  protected readonly started = Date.now();
  protected hs: HandshakeState | undefined;
  protected exporter: Uint8Array | undefined;
  /** Set when the RESUMPTION feature was accepted: the session then derives a resumption secret (§4.2). */
  protected wantsResumption = false;
  private resumption: Uint8Array | undefined;
  protected settled = false;
  private readonly timer: ReturnType<typeof setTimeout>;
  private resolve!: (s: Session) => void;
  private reject!: (e: HandshakeError) => void;
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
    if (!Number.isInteger(ms) || ms < 1 || ms > 2 ** 31 - 1) throw new RangeError("handshakeTimeoutMs must be an integer 1..2^31-1");
    this.timer = setTimeout(() => this.fail(new HandshakeError(Code.DEADLINE_EXCEEDED, "timeout", `handshake timed out after ${ms} ms`)), ms);
  }

  onData(chunk: Uint8Array): void {
    if (this.settled) return;
    this.queue.push(chunk);
    this.guard(() => this.step());
    if (!this.settled && this.queue.length > MAX_HANDSHAKE_BUFFER) {
      this.fail(new HandshakeError(Code.INTERNAL, "protocol", `protocol error: ${this.queue.length} bytes buffered during the handshake (limit ${MAX_HANDSHAKE_BUFFER})`));
    }
  }

  onEnd(error?: Error): void {
    this.fail(new HandshakeError(Code.UNAVAILABLE, this.closedReason(), "connection closed during the handshake", error ? { cause: error } : {}), false);
  }

  /** The failure reason when the peer closes mid-handshake. */
  protected closedReason(): HandshakeFailureReason {
    return "closed";
  }

  protected guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.fail(err);
    }
  }

  /** Advances the state machine as far as the buffered bytes allow. */
  protected abstract step(): void;

  /** Tells the peer we gave up (before closing), where the protocol has a way to. */
  protected abstract notifyFailure(err: HandshakeError): void;

  /** The next length-prefixed handshake message, or undefined while incomplete. */
  protected nextMessage(): Uint8Array | undefined {
    if (this.queue.length < LENGTH_PREFIX) return undefined;
    const p = this.queue.peek(LENGTH_PREFIX);
    const len = ((p[0] as number) << 8) | (p[1] as number);
    if (len === 0) throw new HandshakeError(Code.UNAUTHENTICATED, "aborted", "handshake failed: the peer aborted the handshake");
    if (len > MAX_HANDSHAKE_MESSAGE) throw new HandshakeError(Code.INTERNAL, "protocol", `protocol error: handshake message of ${len} bytes exceeds ${MAX_HANDSHAKE_MESSAGE}`);
    if (this.queue.length < LENGTH_PREFIX + len) return undefined;
    this.queue.skip(LENGTH_PREFIX);
    return this.queue.take(len).slice();
  }

  protected fail(thrown: unknown, notify = true): void {
    if (this.settled) return;
    const err = HandshakeError.from(thrown);
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
    // insecure mode has no payload to announce a limit in: 16384 both ways, or 65519 with LARGE_RECORDS (PROTOCOL.md §8)
    const recvLimit = protector.secure ? recordLimit(this.opts) : sendLimit;
    this.settled = true;
    clearTimeout(this.timer);
    const leftover = this.queue.length > 0 ? this.queue.take(this.queue.length) : undefined;
    const fullInfo: SessionInfo = { ...info, handshakeMs: Date.now() - this.started };
    const session = new RecordSession(
      this.duplex,
      protector,
      {
        maxRecvPlaintext: recvLimit,
        maxSendPlaintext: sendLimit,
        rekey: this.opts.rekey,
        padding: this.opts.padding ?? 0,
        ...(this.opts.maxOutboundBuffer !== undefined ? { maxOutboundBuffer: this.opts.maxOutboundBuffer } : {}),
        ...(this.opts.writeStallTimeoutMs !== undefined ? { writeStallTimeoutMs: this.opts.writeStallTimeoutMs } : {}),
        ...(this.resumption && this.ticketHandler ? { onTicket: this.ticketHandler(fullInfo, this.resumption) } : {}),
      },
      leftover,
    ) as Session;
    // plain assignments: every session takes the same hidden-class transitions (defineProperty gave each its own)
    (session as { info: SessionInfo }).info = fullInfo;
    if (this.exporter) {
      const keys = deriveDatagramKeys(this.crypto, this.exporter, fullInfo.handshakeHash, fullInfo.cipher ?? "AESGCM", this.isClient);
      this.exporter.fill(0);
      (session as { datagram?: DatagramKeys }).datagram = keys;
    }
    if (this.resumption && this.sendTicket) this.sendTicket(session, this.resumption);
    this.resolve(session);
  }

  /** Client: handles the session's TICKET frames (PSKs derive from `secret`). */
  protected ticketHandler?(info: SessionInfo, secret: Uint8Array): (payload: Uint8Array) => void;
  /** Server: sends the session's TICKET, then wipes `secret`. */
  protected sendTicket?(session: Session, secret: Uint8Array): void;

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
    if (this.wantsResumption) this.resumption = resumptionSecret(this.hs as HandshakeState);
    const { send, recv, exporter } = (this.hs as HandshakeState).split();
    this.exporter = exporter;
    return new AeadProtector(send, recv);
  }

  protected identity(): Identity {
    if (!this.opts.identity) throw new Error("a secure session needs an identity (or insecure: true)");
    return this.opts.identity;
  }
}
