// RecordSession: frames batched into protected records over a byte duplex, with rekeying, padding and close.
import { Code, XtmpError } from "../status/error.js";
import { ByteQueue } from "../wire/byte-queue.js";
import { concatBytes } from "../wire/bytes.js";
import type { ByteDuplex, ByteReceiver, FrameDuplex, FrameReceiver } from "../wire/duplex.js";
import { frameHeaderSize, parseFrame, writeFrame, type Frame } from "../wire/frame.js";
import { CloseCode, FrameType } from "../wire/frame-types.js";
import { LENGTH_PREFIX, readLength, writeLength } from "../wire/record.js";
import { readVarint, varintSize, writeVarint } from "../wire/varint.js";
import type { RecordProtector } from "./protector.js";

/** When a sender switches to a new key (whichever limit is reached first). */
export interface RekeyPolicy {
  /** Records sent under one key (default 2^20). */
  records?: number;
  /** Plaintext bytes sent under one key (default 2^30). */
  bytes?: number;
  /** Milliseconds one key is used (default 1 hour). */
  intervalMs?: number;
}

/** Tunables of a record session. */
export interface RecordSessionOptions {
  /** Largest record plaintext we accept (announced in the handshake). */
  maxRecvPlaintext: number;
  /** Largest record plaintext the peer accepts. */
  maxSendPlaintext: number;
  /** Key rotation limits (ignored by insecure sessions). */
  rekey?: RekeyPolicy;
  /** Pad every record plaintext to a multiple of this many bytes (0 = off). */
  padding?: number;
  /** Clock (ms), replaceable in tests. */
  now?: () => number;
}

// a KEY_UPDATE frame: type, flags, stream 0, length 0
const KEY_UPDATE_SIZE = 4;
// the largest frame header: type, flags, 5-byte stream id, 5-byte length
const MAX_FRAME_HEADER = 12;
const MAX_CLOSE_REASON = 256;

const CLOSE_TO_CODE: Record<number, Code> = {
  [CloseCode.PROTOCOL_ERROR]: Code.INTERNAL,
  [CloseCode.INTERNAL_ERROR]: Code.INTERNAL,
  [CloseCode.FLOW_CONTROL_ERROR]: Code.INTERNAL,
  [CloseCode.SIZE_ERROR]: Code.RESOURCE_EXHAUSTED,
  [CloseCode.TIMEOUT]: Code.UNAVAILABLE,
  [CloseCode.GOING_AWAY]: Code.UNAVAILABLE,
  [CloseCode.AUTH_FAILED]: Code.UNAUTHENTICATED,
};

function closeCodeOf(err: XtmpError | undefined): CloseCode {
  if (!err) return CloseCode.NO_ERROR;
  switch (err.code) {
    case Code.UNAUTHENTICATED:
      return CloseCode.AUTH_FAILED;
    case Code.RESOURCE_EXHAUSTED:
      return CloseCode.SIZE_ERROR;
    case Code.UNAVAILABLE:
      return CloseCode.GOING_AWAY;
    case Code.DEADLINE_EXCEEDED:
      return CloseCode.TIMEOUT;
    case Code.INTERNAL:
    case Code.DATA_LOSS:
      return CloseCode.PROTOCOL_ERROR;
    default:
      return CloseCode.INTERNAL_ERROR;
  }
}

/** Counters a session exposes (for tests, metrics and the demo's bytes-on-the-wire figure). */
export interface RecordStats {
  /** Records sent. */
  recordsSent: number;
  /** Records received. */
  recordsReceived: number;
  /** Bytes written to the duplex (prefixes, ciphertext, tags). */
  bytesSent: number;
  /** Bytes received from the duplex. */
  bytesReceived: number;
  /** Key updates sent. */
  rekeysSent: number;
  /** Key updates received. */
  rekeysReceived: number;
}

/** A FrameDuplex over a ByteDuplex: frames sent in one event-loop turn go out as few records in one write. */
export class RecordSession implements FrameDuplex, ByteReceiver {
  /** Largest frame payload the peer accepts. */
  readonly maxFramePayload: number;
  /** Counters. */
  readonly stats: RecordStats = { recordsSent: 0, recordsReceived: 0, bytesSent: 0, bytesReceived: 0, rekeysSent: 0, rekeysReceived: 0 };
  private receiver: FrameReceiver | undefined;
  private readonly queue = new ByteQueue();
  // plaintext of the record being filled; taken from a shared pool only while frames are pending,
  // so an idle session holds no record buffer
  private scratch: Uint8Array | undefined;
  private used = 0;
  private out: Uint8Array[] = [];
  private outBytes = 0;
  private flushScheduled = false;
  private closed = false;
  private closeError: XtmpError | undefined;
  private pendingEnd: XtmpError | undefined;
  private readonly now: () => number;
  private readonly rekeyRecords: number;
  private readonly rekeyBytes: number;
  private readonly rekeyInterval: number;
  private keyRecords = 0;
  private keyBytes = 0;
  private keySince: number;
  private readonly maxRecvBody: number;
  private readonly flushNow = (): void => {
    this.flushScheduled = false;
    this.flush();
  };

  constructor(
    private readonly duplex: ByteDuplex,
    private readonly protector: RecordProtector,
    private readonly options: RecordSessionOptions,
    leftover?: Uint8Array,
  ) {
    this.maxFramePayload = options.maxSendPlaintext - KEY_UPDATE_SIZE - MAX_FRAME_HEADER;
    this.maxRecvBody = options.maxRecvPlaintext + protector.overhead;
    this.now = options.now ?? Date.now;
    this.rekeyRecords = options.rekey?.records ?? 2 ** 20;
    this.rekeyBytes = options.rekey?.bytes ?? 2 ** 30;
    this.rekeyInterval = options.rekey?.intervalMs ?? 3_600_000;
    this.keySince = this.now();
    if (leftover && leftover.length > 0) this.queue.push(leftover);
    duplex.setReceiver(this);
  }

  /** Whether the session has closed. */
  get isClosed(): boolean {
    return this.closed;
  }

  setReceiver(receiver: FrameReceiver): void {
    this.receiver = receiver;
    if (this.closed) {
      receiver.onClose(this.closeError);
      return;
    }
    this.drain();
    if (this.pendingEnd) this.shutdown(this.pendingEnd, false);
  }

  send(frame: Frame): void {
    if (this.closed) throw new XtmpError(Code.UNAVAILABLE, "session is closed");
    if (frame.payload.length > this.maxFramePayload) {
      throw new RangeError(`frame payload of ${frame.payload.length} bytes exceeds ${this.maxFramePayload}`);
    }
    const size = frameHeaderSize(frame.streamId, frame.payload.length) + frame.payload.length;
    this.scratch ??= takeBuffer(this.options.maxSendPlaintext);
    if (this.used + size > this.scratch.length - KEY_UPDATE_SIZE) this.sealRecord();
    this.used = writeFrame(this.scratch, this.used, frame);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      scheduleFlush(this.flushNow);
    }
  }

  /** Seals the pending record and writes every sealed record with one duplex write. */
  flush(): void {
    if (this.used > 0) this.sealRecord();
    if (this.scratch) {
      giveBuffer(this.scratch);
      this.scratch = undefined;
    }
    if (this.out.length === 0 || this.closed) return;
    const parts = this.out;
    this.stats.bytesSent += this.outBytes;
    this.out = [];
    // small batches are cheaper to copy once than to gather; large ones go out without a copy
    if (this.duplex.writev && this.outBytes > 4096) this.duplex.writev(parts);
    else this.duplex.write(concatBytes(parts, this.outBytes));
    this.outBytes = 0;
  }

  private sealRecord(): void {
    const scratch = this.scratch as Uint8Array;
    const rekey =
      this.protector.secure &&
      (this.keyRecords + 1 >= this.rekeyRecords || this.keyBytes + this.used >= this.rekeyBytes || this.now() - this.keySince >= this.rekeyInterval);
    if (rekey) this.used = writeFrame(scratch, this.used, { type: FrameType.KEY_UPDATE, flags: 0, streamId: 0, payload: EMPTY });
    const pad = this.options.padding ?? 0;
    let len = this.used;
    if (pad > 0 && len % pad !== 0) {
      const target = Math.min(Math.ceil(len / pad) * pad, scratch.length);
      scratch.fill(0, len, target); // PADDING is type 0: the zeros are the padding frame
      len = target;
    }
    const body = this.protector.seal(scratch.subarray(0, len));
    const prefix = new Uint8Array(LENGTH_PREFIX);
    writeLength(prefix, 0, body.length);
    this.out.push(prefix, body);
    this.outBytes += LENGTH_PREFIX + body.length;
    this.stats.recordsSent++;
    this.keyRecords++;
    this.keyBytes += len;
    this.used = 0;
    if (rekey) {
      this.protector.rekeySend();
      this.stats.rekeysSent++;
      this.keyRecords = 0;
      this.keyBytes = 0;
      this.keySince = this.now();
    }
  }

  onData(chunk: Uint8Array): void {
    if (this.closed) return;
    this.stats.bytesReceived += chunk.length;
    this.queue.push(chunk);
    this.drain();
  }

  onEnd(error?: Error): void {
    const err = new XtmpError(Code.UNAVAILABLE, "connection closed by peer", error ? { cause: error } : {});
    // records that arrived before the end (a CLOSE with its reason, say) are processed first
    if (this.receiver) this.shutdown(err, false);
    else this.pendingEnd = err;
  }

  private drain(): void {
    try {
      while (this.receiver && !this.closed && this.queue.length >= LENGTH_PREFIX) {
        const len = readLength(this.queue.peek(LENGTH_PREFIX), this.maxRecvBody) as number;
        if (this.queue.length < LENGTH_PREFIX + len) return;
        this.queue.skip(LENGTH_PREFIX);
        // a zero-length record is never valid: it is the handshake's ABORT arriving after we finished
        if (len === 0) throw new XtmpError(Code.UNAUTHENTICATED, "the peer aborted the handshake");
        const pt = this.protector.open(this.queue.take(len));
        if (pt === null) {
          throw new XtmpError(Code.DATA_LOSS, this.protector.secure ? "record authentication failed" : "record checksum mismatch");
        }
        this.stats.recordsReceived++;
        this.processRecord(pt);
      }
    } catch (err) {
      this.close(XtmpError.from(err, Code.INTERNAL));
    }
  }

  private processRecord(pt: Uint8Array): void {
    const max = this.options.maxRecvPlaintext;
    let keyUpdate = false;
    let off = 0;
    for (let r = parseFrame(pt, off, max); r; r = parseFrame(pt, off, max)) {
      const [f, next] = r;
      off = next;
      if (keyUpdate) throw new XtmpError(Code.INTERNAL, "protocol error: frame after KEY_UPDATE");
      if (f.type === FrameType.KEY_UPDATE) {
        if (!this.protector.secure || f.streamId !== 0 || f.payload.length !== 0) throw new XtmpError(Code.INTERNAL, "protocol error: bad KEY_UPDATE");
        keyUpdate = true;
      } else if (f.type === FrameType.CLOSE) {
        this.onPeerClose(f.payload);
        return;
      } else if (f.type < 0x80) {
        this.receiver?.onFrame(f);
        if (this.closed) return;
      }
    }
    if (keyUpdate) {
      this.protector.rekeyRecv();
      this.stats.rekeysReceived++;
    }
  }

  private onPeerClose(payload: Uint8Array): void {
    const [code, off] = readVarint(payload, 0) ?? [CloseCode.PROTOCOL_ERROR, payload.length];
    const reason = new TextDecoder().decode(payload.subarray(off, off + MAX_CLOSE_REASON));
    const err = code === CloseCode.NO_ERROR ? undefined : new XtmpError(CLOSE_TO_CODE[code] ?? Code.INTERNAL, `peer closed the session: ${reason || CloseCode[code] || `code ${code}`}`);
    this.shutdown(err, true);
  }

  /** Sends CLOSE (with `error`'s code and message, or NO_ERROR), flushes, and closes the duplex. */
  close(error?: XtmpError): void {
    if (this.closed) return;
    const reason = new TextEncoder().encode((error?.rawMessage ?? "").slice(0, MAX_CLOSE_REASON));
    const code = closeCodeOf(error);
    const payload = new Uint8Array(varintSize(code) + reason.length);
    payload.set(reason, writeVarint(payload, 0, code));
    try {
      this.send({ type: FrameType.CLOSE, flags: 0, streamId: 0, payload });
      this.flush();
    } catch (sendErr) {
      // the CLOSE notice is best effort; the session is going away either way
      error ??= XtmpError.from(sendErr, Code.INTERNAL);
    }
    this.shutdown(error, true);
  }

  private shutdown(error: XtmpError | undefined, closeDuplex: boolean): void {
    if (this.closed) return;
    this.closed = true;
    this.closeError = error;
    this.protector.erase();
    if (closeDuplex) this.duplex.close();
    this.receiver?.onClose(error);
  }
}

const EMPTY = new Uint8Array(0);

// record plaintext buffers, by size, shared by every session of the process
const pool = new Map<number, Uint8Array[]>();

function takeBuffer(size: number): Uint8Array {
  return pool.get(size)?.pop() ?? new Uint8Array(size);
}

function giveBuffer(b: Uint8Array): void {
  const list = pool.get(b.length) ?? [];
  if (list.length < 32) list.push(b);
  pool.set(b.length, list);
}

// Flush once per event-loop turn, after all the microtask-driven work of the turn (async generators
// yield through microtasks, so a microtask flush would write one record per message).
const scheduleFlush: (f: () => void) => void = typeof setImmediate === "function" ? (f) => void setImmediate(f) : (f) => void setTimeout(f, 0);
