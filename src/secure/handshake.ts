// Session establishment over a byte duplex: preamble, Noise XX/IK (optionally hybrid PQ), then records.
import { Code } from "../status/error.js";
import type { ByteDuplex } from "../wire/duplex.js";
import { CipherId, COOKIE_FLAG, encodeClientHello, encodeCookieBlock, encodeServerHello, Feature, HandshakeMode, HelloStatus, HELLO_SIZE, MAX_COOKIE_BLOCK } from "../wire/preamble.js";
import { MAX_SERVER_HELLO, parseClientHello, parseCookieBlock, parseServerHello, PROTOCOL_VERSION, type ClientHello, type RetryChallenge } from "../wire/preamble.js";
import { concatBytes } from "../wire/bytes.js";
import { BASE_MAX_PLAINTEXT, LENGTH_PREFIX, MAX_PLAINTEXT_LIMIT } from "../wire/record.js";
import type { CipherName, KeyPair } from "./crypto.js";
import { MAX_PUZZLE_BITS, searchPuzzle } from "./cookie.js";
import { ABORT, Driver, framed, insecureInfo, recordLimit, type Session } from "./handshake-driver.js";
import { HandshakeError, refusalError, type HandshakeFailureReason } from "./handshake-error.js";
import { noiseStaticKey, x25519FromEd25519Public } from "./identity.js";
import { mlKem768 } from "./kem.js";
import { HandshakeState } from "./noise/handshake-state.js";
import type { AcceptContext, ClientSessionOptions, HandshakeTicket, ServerSessionOptions, SessionInfo } from "./options.js";
import { buildPayload, verifyPayload, type PeerPayload } from "./payload.js";
import { Crc32cProtector } from "./protector.js";
import { RecordSession } from "./record-session.js";
import { refuseConnection } from "./refuse.js";
import { buildResumePayload, encodeTicketBlock, resumedPeer, resumeState, RESUME_PATTERN, sendTicket, takeTicketBlock, ticketReceiver, usableTicket } from "./resume.js";
import type { ClientResumption, StoredTicket } from "./resume.js";
import type { TicketContents, TicketIssuer } from "./ticket.js";
import type { TrustPolicy } from "./trust.js";

export { HandshakeError, type HandshakeFailureReason } from "./handshake-error.js";
export { MAX_HANDSHAKE_BUFFER, MAX_HANDSHAKE_MESSAGE, type Session } from "./handshake-driver.js";
export { refuseConnection } from "./refuse.js";

/** Insecure mode's record limit, both ways: 65519 when LARGE_RECORDS was accepted, else 16384 (§8). */
const insecureRecordLimit = (features: number): number => (features & Feature.LARGE_RECORDS ? MAX_PLAINTEXT_LIMIT : BASE_MAX_PLAINTEXT);

/** RETRYs a client answers (and a server sends) on one connection. */
export const MAX_RETRIES = 2;
const PUZZLE_SLICE = 2048; // puzzle hashes per event-loop turn on the client
const RETRY_TEXT = "server is under load: answer RETRY with the cookie (XTMP protocol §3.1)";
const defer: (f: () => void) => void = typeof setImmediate === "function" ? (f) => void setImmediate(f) : (f) => void setTimeout(f, 0);
const CIPHERS: Record<number, CipherName> = { [CipherId.CHACHAPOLY]: "ChaChaPoly", [CipherId.AESGCM]: "AESGCM" };
const CIPHER_IDS: Record<CipherName, CipherId> = { ChaChaPoly: CipherId.CHACHAPOLY, AESGCM: CipherId.AESGCM };

class ClientDriver extends Driver {
  protected readonly isClient = true;
  private hello: ClientHello;
  private staticKey: KeyPair | undefined;
  private serverFeatures: number | undefined;
  private readonly trust: TrustPolicy;
  private cipher: CipherName;
  private mode: string;
  private retries = 0;
  private solving = false;
  private readonly ticket: StoredTicket | undefined; // resuming with it (mode RESUME)

  constructor(
    duplex: ByteDuplex,
    private readonly copts: ClientSessionOptions,
    private readonly resume?: ClientResumption,
  ) {
    super(duplex, copts);
    this.cipher = copts.cipher ?? "AESGCM";
    const pq = copts.postQuantum === true;
    this.trust = copts.trust ?? (copts.serverKey ? { kind: "pinned", keys: [copts.serverKey] } : { kind: "any" });
    const resumable = resume !== undefined && !copts.insecure && !pq; // resumption never runs the hybrid handshake
    this.ticket = resumable ? usableTicket(resume.ticket, this.trust, this.crypto) : undefined;
    const mode = copts.insecure ? HandshakeMode.INSECURE : this.ticket ? HandshakeMode.RESUME : copts.serverKey ? HandshakeMode.IK : HandshakeMode.XX;
    this.mode = mode === HandshakeMode.INSECURE ? "insecure" : this.ticket ? RESUME_PATTERN : `${HandshakeMode[mode]}${pq ? "hfs" : ""}`;
    this.hello = {
      version: PROTOCOL_VERSION,
      mode,
      cipher: copts.insecure ? CipherId.NONE : CIPHER_IDS[this.cipher],
      features: ((copts.features ?? 0) | (pq ? Feature.PQ_HYBRID : 0) | (copts.insecure ? Feature.LARGE_RECORDS : 0) | (resumable ? Feature.RESUMPTION : 0)) & 0xff & ~COOKIE_FLAG,
    };
    duplex.setReceiver(this);
    this.guard(() => this.sendFirstFlight());
  }

  /** ClientHello (with COOKIE_FLAG and the cookie block when answering RETRY), then the first Noise message. */
  private sendFirstFlight(cookieBlock?: Uint8Array): void {
    const helloBytes = encodeClientHello(cookieBlock ? { ...this.hello, features: this.hello.features | COOKIE_FLAG } : this.hello);
    if (this.hello.mode === HandshakeMode.INSECURE) {
      this.duplex.write(helloBytes);
      return;
    }
    if (this.ticket) {
      this.hs = resumeState(this.crypto, this.cipher, true, helloBytes, this.ticket.ticket, this.ticket.psk);
      const msg = this.hs.writeMessage(buildResumePayload(recordLimit(this.opts), this.hello.features));
      this.duplex.write(concatBytes([helloBytes, cookieBlock ?? new Uint8Array(0), encodeTicketBlock(this.ticket.ticket), framed(msg)]));
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
    const block = cookieBlock ?? new Uint8Array(0);
    const out = new Uint8Array(HELLO_SIZE + block.length + LENGTH_PREFIX + msg0.length);
    out.set(helloBytes);
    out.set(block, HELLO_SIZE);
    out.set(framed(msg0), HELLO_SIZE + block.length);
    this.duplex.write(out);
  }

  /** RETRY: drop the handshake state, solve the puzzle a slice per event-loop turn, send a fresh first flight. */
  private retry(challenge: RetryChallenge): void {
    if (this.hello.mode === HandshakeMode.INSECURE) throw new HandshakeError(Code.INTERNAL, "protocol", "protocol error: RETRY to an insecure ClientHello");
    if (++this.retries > MAX_RETRIES) throw new HandshakeError(Code.UNAVAILABLE, "cookie", `server sent more than ${MAX_RETRIES} RETRYs`);
    if (challenge.difficulty > MAX_PUZZLE_BITS) {
      throw new HandshakeError(Code.UNAVAILABLE, "cookie", `server demands a ${challenge.difficulty}-bit puzzle (this client solves at most ${MAX_PUZZLE_BITS})`);
    }
    this.hs = undefined;
    this.solving = true;
    const limit = 2 ** (challenge.difficulty + 5); // a miss this long has probability e^-32
    const slice = (from: number): void => {
      if (this.settled) return;
      const nonce = searchPuzzle(this.crypto, challenge.cookie, challenge.difficulty, from, PUZZLE_SLICE);
      if (nonce) {
        this.solving = false;
        this.sendFirstFlight(encodeCookieBlock({ cookie: challenge.cookie, nonce }));
        this.step();
      } else if (from + PUZZLE_SLICE >= limit) {
        throw new HandshakeError(Code.UNAVAILABLE, "cookie", `no solution to the ${challenge.difficulty}-bit puzzle in ${limit} tries`);
      } else {
        defer(() => this.guard(() => slice(from + PUZZLE_SLICE)));
      }
    };
    slice(0);
  }

  protected step(): void {
    if (this.solving) return;
    if (this.serverFeatures === undefined) {
      const r = parseServerHello(this.queue.peekUpTo(MAX_SERVER_HELLO));
      if (!r) return;
      const [sh, used] = r;
      this.queue.skip(used);
      if (sh.status === HelloStatus.RETRY && sh.retry) {
        this.retry(sh.retry);
        return;
      }
      if (sh.status !== HelloStatus.OK) {
        this.fail(refusalError(this.ticket && sh.status === HelloStatus.MODE_REFUSED ? HelloStatus.TICKET_REJECTED : sh.status, sh.reason ?? ""), false); // (a server without RESUME)
        return;
      }
      if (sh.version !== PROTOCOL_VERSION || (sh.features & ~this.hello.features) !== 0) {
        throw new HandshakeError(Code.INTERNAL, "protocol", "protocol error: ServerHello does not match the offer");
      }
      this.serverFeatures = sh.features;
      this.wantsResumption = (sh.features & Feature.RESUMPTION) !== 0;
      if (this.hello.mode === HandshakeMode.INSECURE) {
        this.finish(new Crc32cProtector(), insecureRecordLimit(sh.features), insecureInfo(sh.features));
        return;
      }
    }
    const msg1 = this.nextMessage();
    if (!msg1) return;
    const hs = this.hs as HandshakeState;
    const payload = hs.readMessage(msg1);
    if (this.ticket) {
      const peer = resumedPeer(payload, this.ticket.serverIdentity, this.ticket.serverCertificate, this.serverFeatures);
      return this.finish(this.aead(), peer.maxRecord, this.secureInfo(this.mode, this.cipher, false, peer, peer.features));
    }
    const peer = verifyPayload(this.crypto, payload, "R", hs.remoteStatic, hs.lastPayloadHash, this.trust);
    if (peer.features !== this.serverFeatures) throw new HandshakeError(Code.UNAUTHENTICATED, "auth", "handshake failed: ServerHello was tampered with");
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
    if (this.hs) this.duplex.write(ABORT); // not while solving a puzzle: the server expects a ClientHello then
  }

  protected override ticketHandler = (info: SessionInfo, secret: Uint8Array) => ticketReceiver(this.crypto, secret, info, this.resume as ClientResumption);
}

class ServerDriver extends Driver {
  protected readonly isClient = false;
  private hello: ClientHello | undefined;
  private helloSent = false;
  private cipher: CipherName = "AESGCM";
  private mode = "";
  private features = 0;
  private retries = 0;
  private skipping = false; // discarding the Noise message of a flight answered with RETRY
  private skipTicket = false; // ... and first its ticket block (a RESUME flight)
  private resumed: TicketContents | undefined;

  constructor(
    duplex: ByteDuplex,
    private readonly sopts: ServerSessionOptions,
    private readonly ticket?: HandshakeTicket,
    private readonly address = "",
    private readonly issuer?: TicketIssuer,
  ) {
    super(duplex, sopts);
    duplex.setReceiver(this);
  }

  private refuse(status: HelloStatus, code: Code, reason: string): never {
    this.duplex.write(encodeServerHello({ version: PROTOCOL_VERSION, status, features: 0, reason }));
    this.helloSent = true;
    const why = status === HelloStatus.HANDSHAKE_FAILED ? "cookie" : status === HelloStatus.TICKET_REJECTED ? "ticket_rejected" : "negotiation";
    throw new HandshakeError(code, why, `session refused: ${reason}`);
  }

  protected override closedReason(): HandshakeFailureReason {
    return this.retries > 0 && !this.hello ? "cookie" : "closed";
  }

  /** The cheap checks of a ClientHello: version, mode, cipher, required features (no cryptography). */
  private checkHello(h: ClientHello): void {
    const insecureServer = this.sopts.insecure === true;
    if (h.version !== PROTOCOL_VERSION) this.refuse(HelloStatus.VERSION_UNSUPPORTED, Code.FAILED_PRECONDITION, `protocol version ${h.version} is not supported (this server speaks ${PROTOCOL_VERSION})`);
    if (h.mode === HandshakeMode.INSECURE && !insecureServer) this.refuse(HelloStatus.MODE_REFUSED, Code.UNAUTHENTICATED, "insecure sessions are refused by this server");
    if (h.mode !== HandshakeMode.INSECURE && insecureServer) this.refuse(HelloStatus.MODE_REFUSED, Code.UNAUTHENTICATED, "this server runs in insecure mode");
    if (h.mode !== HandshakeMode.INSECURE && h.mode !== HandshakeMode.XX && h.mode !== HandshakeMode.IK && h.mode !== HandshakeMode.RESUME) this.refuse(HelloStatus.MODE_REFUSED, Code.FAILED_PRECONDITION, `unknown handshake mode ${h.mode}`);
    const pq = (h.features & Feature.PQ_HYBRID) !== 0;
    if (h.mode === HandshakeMode.RESUME && pq) this.refuse(HelloStatus.MODE_REFUSED, Code.FAILED_PRECONDITION, "a resumed handshake never runs the hybrid handshake");
    if (this.sopts.requirePostQuantum && !pq) this.refuse(HelloStatus.FEATURE_REQUIRED, Code.FAILED_PRECONDITION, "this server requires the hybrid post-quantum handshake");
    this.features = h.features & ((this.sopts.features ?? Feature.ZSTD) | Feature.PQ_HYBRID | (insecureServer ? Feature.LARGE_RECORDS : 0) | (this.issuer && !pq ? Feature.RESUMPTION : 0)) & ~COOKIE_FLAG;
    if (h.mode === HandshakeMode.INSECURE) {
      if (h.cipher !== CipherId.NONE) this.refuse(HelloStatus.CIPHER_UNSUPPORTED, Code.FAILED_PRECONDITION, `cipher ${h.cipher} in insecure mode (must be 0)`);
      return;
    }
    const cipher = CIPHERS[h.cipher];
    if (!cipher || !(this.sopts.ciphers ?? ["AESGCM", "ChaChaPoly"]).includes(cipher)) {
      this.refuse(HelloStatus.CIPHER_UNSUPPORTED, Code.FAILED_PRECONDITION, `cipher ${cipher ?? h.cipher} is not accepted`);
    }
    this.cipher = cipher;
    this.mode = h.mode === HandshakeMode.RESUME ? RESUME_PATTERN : `${HandshakeMode[h.mode]}${pq ? "hfs" : ""}`;
  }

  /**
   * Reads ClientHellos (and cookie blocks) until one is admitted. Under load a flight without a valid
   * cookie costs one HMAC: it is answered with RETRY and its Noise message is skipped unread.
   */
  private readHello(): ClientHello | undefined {
    for (;;) {
      if (this.skipping) {
        if (this.skipTicket && !takeTicketBlock(this.queue)) return undefined;
        this.skipTicket = false;
        if (!this.nextMessage()) return undefined;
        this.skipping = false;
      }
      const h = parseClientHello(this.queue.peekUpTo(HELLO_SIZE));
      if (!h) return undefined;
      const flagged = (h.features & COOKIE_FLAG) !== 0;
      const plain = encodeClientHello({ ...h, features: h.features & ~COOKIE_FLAG });
      let cookieValid = false;
      const demand = h.mode === HandshakeMode.INSECURE ? undefined : this.ticket?.cookieDemand();
      if (flagged) {
        if (!this.ticket) throw new HandshakeError(Code.INTERNAL, "protocol", "protocol error: a cookie this server never asked for");
        const r = parseCookieBlock(this.queue.peekUpTo(HELLO_SIZE + MAX_COOKIE_BLOCK).subarray(HELLO_SIZE));
        if (!r) return undefined;
        this.queue.skip(HELLO_SIZE + r[1]);
        // no demand now: the cookie is not needed and not checked
        cookieValid = demand === undefined || this.ticket.cookies.verify(r[0].cookie, r[0].nonce, this.address, plain).ok;
      } else {
        this.queue.skip(HELLO_SIZE);
      }
      this.checkHello(h);
      if (demand === undefined || cookieValid) return h;
      const ticket = this.ticket as HandshakeTicket;
      if (++this.retries > MAX_RETRIES) this.refuse(HelloStatus.HANDSHAKE_FAILED, Code.UNAUTHENTICATED, `no valid cookie after ${MAX_RETRIES} RETRYs`);
      const cookie = ticket.cookies.mint(this.address, plain, demand);
      this.duplex.write(encodeServerHello({ version: PROTOCOL_VERSION, status: HelloStatus.RETRY, features: 0, reason: RETRY_TEXT, retry: { difficulty: demand, cookie } }));
      ticket.retried();
      this.skipping = true;
      this.skipTicket = h.mode === HandshakeMode.RESUME;
    }
  }

  protected step(): void {
    if (!this.hello) {
      const h = this.readHello();
      if (!h) return;
      this.hello = h;
      if (h.mode === HandshakeMode.INSECURE) {
        this.duplex.write(encodeServerHello({ version: PROTOCOL_VERSION, status: HelloStatus.OK, features: this.features }));
        this.helloSent = true;
        this.finish(new Crc32cProtector(), insecureRecordLimit(this.features), insecureInfo(this.features));
        return;
      }
      this.wantsResumption = (this.features & Feature.RESUMPTION) !== 0;
      if (h.mode === HandshakeMode.RESUME) return this.stepResume();
      this.hs = new HandshakeState({
        pattern: this.mode,
        initiator: false,
        cipher: this.cipher,
        crypto: this.crypto,
        prologue: encodeClientHello(h),
        s: noiseStaticKey(this.identity(), this.crypto),
        kem: this.sopts.kem ?? mlKem768,
      });
    }
    if (this.hello.mode === HandshakeMode.RESUME) return this.stepResume();
    const hs = this.hs as HandshakeState;
    const trust = this.sopts.trust ?? { kind: "any" };
    const pq = (this.features & Feature.PQ_HYBRID) !== 0;
    if (!this.helloSent) {
      const msg0 = this.nextMessage();
      if (!msg0) return;
      const payload0 = hs.readMessage(msg0);
      let peer: PeerPayload | undefined;
      if (this.hello.mode === HandshakeMode.IK) peer = this.checkOffer(verifyPayload(this.crypto, payload0, "I", hs.remoteStatic, hs.lastPayloadHash, trust));
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
    const peer = this.checkOffer(verifyPayload(this.crypto, payload2, "I", hs.remoteStatic, hs.lastPayloadHash, trust));
    this.finish(this.aead(), peer.maxRecord, this.secureInfo(this.mode, this.cipher, pq, peer, this.features));
  }

  /** A RESUME flight (§4.2): the ticket (TICKET_REJECTED when it does not open), then NNpsk0; we split after our message. */
  private stepResume(): void {
    const hello = this.hello as ClientHello;
    if (!this.resumed) {
      const t = takeTicketBlock(this.queue);
      if (!t) return;
      const opened = this.issuer ? this.issuer.open(t, this.identity().publicKey, this.sopts.trust ?? { kind: "any" }) : { refused: "disabled" };
      if ("refused" in opened) this.refuse(HelloStatus.TICKET_REJECTED, Code.UNAVAILABLE, `resumption ticket refused (${opened.refused}): run a full handshake`);
      this.resumed = opened;
      this.hs = resumeState(this.crypto, this.cipher, false, encodeClientHello(hello), t, opened.psk);
    }
    const msg = this.nextMessage();
    if (!msg) return;
    const hs = this.hs as HandshakeState;
    const peer = resumedPeer(hs.readMessage(msg), this.resumed.clientIdentity, this.resumed.clientCertificate, hello.features & ~COOKIE_FLAG);
    const reply = hs.writeMessage(buildResumePayload(recordLimit(this.opts), this.features));
    this.duplex.write(concatBytes([encodeServerHello({ version: PROTOCOL_VERSION, status: HelloStatus.OK, features: this.features }), framed(reply)]));
    this.helloSent = true;
    this.finish(this.aead(), peer.maxRecord, this.secureInfo(this.mode, this.cipher, false, peer, this.features));
  }

  protected override sendTicket = (session: Session, secret: Uint8Array) => sendTicket(session, this.crypto, this.issuer, secret, this.identity().publicKey);

  /** The FEATURES of the client's payload must repeat its ClientHello's offer (bit 7 clear), as the client checks ours. */
  private checkOffer(peer: PeerPayload): PeerPayload {
    const offer = (this.hello as ClientHello).features & ~COOKIE_FLAG;
    if (peer.features !== offer) throw new HandshakeError(Code.UNAUTHENTICATED, "auth", `handshake failed: FEATURES ${peer.features} in the client's payload differ from its ClientHello (${offer})`);
    return peer;
  }

  protected notifyFailure(err: HandshakeError): void {
    if (!this.helloSent) {
      // a protocol violation in the first flight (bad magic, cookie block, handshake framing) is
      // BAD_PREAMBLE; anything else (decryption, identity, ABORT) is HANDSHAKE_FAILED
      const status = err.reason === "bad_preamble" || err.reason === "protocol" ? HelloStatus.BAD_PREAMBLE : HelloStatus.HANDSHAKE_FAILED;
      this.duplex.write(encodeServerHello({ version: PROTOCOL_VERSION, status, features: 0, reason: err.rawMessage }));
    } else if (this.hs?.complete) {
      // XX: the client's identity was refused after the keys exist: tell it, encrypted
      new RecordSession(this.duplex, this.aead(), { maxRecvPlaintext: BASE_MAX_PLAINTEXT, maxSendPlaintext: BASE_MAX_PLAINTEXT }).close(err);
    } else if (this.hs) {
      this.duplex.write(ABORT); // (after a refusal ServerHello there is nothing more to say)
    }
  }
}

/** Runs the client side of a session over `duplex` (a fresh connection). Rejects with a HandshakeError. */
export function connectSession(duplex: ByteDuplex, opts: ClientSessionOptions, resume?: ClientResumption): Promise<Session> {
  try {
    return new ClientDriver(duplex, opts, resume).promise;
  } catch (err) {
    duplex.close();
    return Promise.reject(HandshakeError.from(err));
  }
}

/**
 * Runs the server side of a session over `duplex` (a freshly accepted connection). With
 * `ctx.admission`, the connection is first admitted (or refused with BUSY) and cookies are demanded
 * under load. Rejects with a HandshakeError whose `reason` says why.
 */
export function acceptSession(duplex: ByteDuplex, opts: ServerSessionOptions, ctx: AcceptContext = {}): Promise<Session> {
  const ticket = ctx.admission?.admit(ctx.remoteAddress);
  if (ticket && "refused" in ticket) {
    refuseConnection(duplex, ticket.message);
    return Promise.reject(new HandshakeError(Code.UNAVAILABLE, ticket.refused, `session refused: ${ticket.message}`));
  }
  let p: Promise<Session>;
  try {
    p = new ServerDriver(duplex, opts, ticket, ctx.remoteAddress, ctx.tickets).promise;
  } catch (err) {
    ticket?.finished();
    duplex.close();
    return Promise.reject(HandshakeError.from(err));
  }
  if (ticket) p.then(() => ticket.finished(), () => ticket.finished());
  return p;
}
