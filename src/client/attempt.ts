// Attempt: one try of a call on one stream of one session; reports to its call, which decides what counts.
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";
import type { MuxStream, StreamHandler } from "../mux/stream.js";
import { encodeTimeout } from "../rpc/deadline.js";
import { decodeHeaderBlock, encodeHeaderBlock, pseudoText } from "../rpc/header-block.js";
import { shouldCompress } from "../rpc/message-codec.js";
import { compressMessage } from "../rpc/compression.js";
import { Metadata } from "../rpc/metadata.js";
import { appendSignature } from "../rpc/message-signer.js";
import { FrameFlags } from "../wire/frame-types.js";
import type { DatagramReceiver } from "./datagrams.js";
import type { ChannelSession } from "./connect.js";
import { END, type RequestBuffer } from "./request-buffer.js";
import type { ClientRequest } from "../rpc/interceptor.js";

/** A `:datagrams` trailer value: at most 15 digits. */
const DATAGRAMS_COUNT = /^[0-9]{1,15}$/;
const nextTurn: (f: () => void) => void = typeof setImmediate === "function" ? (f) => void setImmediate(f) : (f) => void setTimeout(f, 0);

/** The call an attempt reports to. */
export interface AttemptOwner {
  readonly req: ClientRequest;
  readonly requests: RequestBuffer;
  /** Compress requests per the method policy (channel switch). */
  readonly compression: boolean;
  /** Per-call override of request compression. */
  readonly forceCompression: boolean | undefined;
  attemptHeaders(a: Attempt, metadata: Metadata): void;
  attemptMessage(a: Attempt, data: Uint8Array, flags: number): void;
  /** A DATAGRAM message arrived by UDP (`seq` per stream). */
  attemptDatagram(a: Attempt, seq: number, payload: Uint8Array): void;
  attemptSucceeded(a: Attempt, trailers: Metadata, datagramsSent: number | undefined): void;
  /** `refused`: no server application saw the attempt. */
  attemptFailed(a: Attempt, error: XtmpError, refused: boolean, datagramsSent?: number): void;
}

/** One stream carrying the call's requests; `arrivals` counts datagram messages for the `:datagrams` settlement. */
export class Attempt implements StreamHandler, DatagramReceiver {
  stream: MuxStream | undefined;
  session: ChannelSession | undefined;
  done = false;
  /** Request messages this attempt has sent. */
  sent = 0;
  /** Datagram messages that arrived for this attempt. */
  arrivals = 0;
  /** Whether DATAGRAM messages travel by UDP on this attempt. */
  udp = false;
  private drainWaiter: (() => void) | undefined;

  /** Whether the stream's OPEN was sent (a refusal then came from the server, not from this side). */
  get reachedServer(): boolean {
    return this.stream !== undefined && this.stream.id !== 0;
  }

  constructor(
    private readonly owner: AttemptOwner,
    /** 0 for the first attempt; sent to the server as `grpc-previous-rpc-attempts` when above 0. */
    readonly previous: number,
  ) {}

  /** Opens the stream on `cs` and starts sending; failures are reported, never thrown. */
  start(cs: ChannelSession): void {
    const { req } = this.owner;
    this.session = cs;
    const pseudo: Array<[string, string]> = [[":path", req.method.path]];
    if (req.method.rules.delivery === "datagram" && cs.udp?.ready) {
      pseudo.push([":delivery", "datagram"]);
      this.udp = true;
    }
    if (req.deadline !== undefined) pseudo.push([":timeout", encodeTimeout(req.deadline)]);
    let header = req.header;
    if (this.previous > 0) header = new Metadata(req.header).set("grpc-previous-rpc-attempts", String(this.previous));
    try {
      if (req.method.rules.signed && !cs.signer) throw new XtmpError(Code.UNAUTHENTICATED, "signed method: this session has no identities to sign with");
      this.stream = cs.mux.openStream(encodeHeaderBlock(pseudo, header), this);
    } catch (err) {
      const e = XtmpError.from(err, Code.INTERNAL);
      // a session that stopped taking streams since it was picked: nothing reached the server
      return this.finish(e, e.code === Code.UNAVAILABLE);
    }
    void this.send(cs, this.stream);
  }

  private async send(cs: ChannelSession, stream: MuxStream): Promise<void> {
    const { req, requests } = this.owner;
    const policy = req.method.rules.compression;
    const signed = req.method.rules.signed && cs.signer !== undefined;
    try {
      for (let i = 0; ; i++) {
        const item = requests.at(i) ?? (await requests.next(i));
        if (this.done || stream.localEnded) return;
        if (item === END) return stream.end();
        let bytes = item;
        let flags = 0;
        if (this.owner.compression && shouldCompress(policy, bytes.length, cs.acceptsZstd, this.owner.forceCompression)) {
          bytes = compressMessage(bytes);
          flags = FrameFlags.COMPRESSED;
        }
        if (signed && cs.signer) {
          bytes = appendSignature(bytes, cs.signer.sign("C", req.method.path, i, bytes));
          flags |= FrameFlags.SIGNED;
        }
        const more = stream.sendMessage(bytes, flags);
        this.sent = i + 1;
        requests.sent(i);
        if (!more) await new Promise<void>((r) => (this.drainWaiter = r));
      }
    } catch (err) {
      this.cancel(XtmpError.from(err, Code.INTERNAL));
    }
  }

  /** Ends the attempt locally and resets its stream so the server stops; reported as a failure. */
  cancel(error: XtmpError): void {
    if (this.done) return;
    this.stream?.reset(error.code === Code.DEADLINE_EXCEEDED ? Code.DEADLINE_EXCEEDED : Code.CANCELLED, error.rawMessage);
    this.finish(error, false);
  }

  /** Ends the attempt without reporting (the call is over or committed elsewhere). */
  abandon(code: Code, reason: string): void {
    if (this.done) return;
    this.done = true;
    this.stream?.reset(code, reason);
    this.drainWaiter?.();
  }

  private finish(error: XtmpError, refused: boolean, sent?: number): void {
    if (this.done) return;
    this.done = true;
    this.drainWaiter?.();
    this.owner.attemptFailed(this, error, refused, sent);
  }

  // ---- StreamHandler ----

  onHeaders(block: Uint8Array): void {
    if (this.done) return;
    try {
      this.owner.attemptHeaders(this, decodeHeaderBlock(block).metadata);
    } catch (err) {
      this.cancel(XtmpError.from(err, Code.INTERNAL));
    }
  }

  onMessage(data: Uint8Array, flags: number): void {
    if (!this.done) this.owner.attemptMessage(this, data, flags);
  }

  onEnd(): void {}

  onDatagram(seq: number, payload: Uint8Array): void {
    if (this.done) return;
    this.arrivals++;
    this.owner.attemptDatagram(this, seq, payload);
  }

  onTrailers(block: Uint8Array): void {
    if (this.done) return;
    let status = Code.INTERNAL;
    let message = "malformed trailers";
    let metadata = new Metadata();
    const details: Uint8Array[] = [];
    let sent: number | undefined;
    try {
      const h = decodeHeaderBlock(block);
      const s = Number(pseudoText(h, ":status"));
      status = Number.isInteger(s) && s >= 0 && s <= 16 ? s : Code.UNKNOWN;
      message = pseudoText(h, ":message") ?? "";
      metadata = h.metadata;
      for (const d of h.details ?? []) details.push(d.slice());
      const n = pseudoText(h, ":datagrams");
      if (n !== undefined && !DATAGRAMS_COUNT.test(n)) {
        [status, message] = [Code.INTERNAL, "malformed :datagrams"];
      } else if (n !== undefined) sent = Number(n);
    } catch {
      // status stays INTERNAL: the peer sent trailers we cannot read
    }
    if (status !== Code.OK) return this.finish(new XtmpError(status, message, { metadata, details }), false, sent);
    const udp = this.session?.udp;
    if (sent !== undefined && this.arrivals < sent && this.stream && this.udp && udp?.linger) this.settle(sent, udp.linger(this.stream.id, this), metadata);
    else this.succeed(metadata, sent);
  }

  /**
   * Datagrams sent before the trailers may still be in the UDP socket's buffer: keep taking them
   * while each event-loop turn brings more (at most `sent` turns), then end the attempt.
   */
  private settle(sent: number, unlinger: () => void, metadata: Metadata): void {
    let seen = this.arrivals;
    const check = (): void => {
      if (!this.done && this.arrivals < sent && this.arrivals > seen) {
        seen = this.arrivals;
        return nextTurn(check);
      }
      unlinger();
      this.succeed(metadata, sent);
    };
    nextTurn(check);
  }

  private succeed(metadata: Metadata, sent: number | undefined): void {
    if (this.done) return;
    this.done = true;
    this.drainWaiter?.();
    this.owner.attemptSucceeded(this, metadata, sent);
  }

  onReset(error: XtmpError, refused?: boolean): void {
    this.finish(error.code === Code.CANCELLED ? new XtmpError(Code.CANCELLED, error.rawMessage) : error, refused === true);
  }

  onDrain(): void {
    const w = this.drainWaiter;
    this.drainWaiter = undefined;
    w?.();
  }
}
