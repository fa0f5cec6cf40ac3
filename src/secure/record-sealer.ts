// RecordSealer: frames into sealed records (record buffer from the pool, large payloads by reference, rekeying, padding).
import type { Frame } from "../wire/frame.js";
import { frameHeaderSize, writeFrame, writeFrameHeader } from "../wire/frame.js";
import { FrameType } from "../wire/frame-types.js";
import { LENGTH_PREFIX, writeLength } from "../wire/record.js";
import type { RecordProtector } from "./protector.js";
import { giveBuffer, takeBuffer } from "./record-pool.js";

/** When a sender switches to a new key (whichever limit is reached first). */
export interface RekeyPolicy {
  /** Records sent under one key (default 2^20). */
  records?: number;
  /** Plaintext bytes sent under one key (default 2^30). */
  bytes?: number;
  /** Milliseconds one key is used (default 1 hour). */
  intervalMs?: number;
}

/** A KEY_UPDATE frame: type, flags, stream 0, length 0. */
export const KEY_UPDATE_SIZE = 4;
// the smallest record buffer taken from the pool
const MIN_SCRATCH = 4096;
// frame payloads this large are sealed where they lie instead of being copied into the record buffer
const BY_REFERENCE = 16384;
const EMPTY = new Uint8Array(0);

/** The counters the sealer advances. */
export interface SealerStats {
  recordsSent: number;
  rekeysSent: number;
}

/** Fills records with frames and seals them into `out` (length prefixes and bodies, in order). */
export class RecordSealer {
  /** Sealed record pieces waiting to be written, and their total length. */
  out: Uint8Array[] = [];
  outBytes = 0;
  // plaintext of the record being filled; taken from a shared pool only while frames are pending,
  // so an idle session holds no record buffer
  private scratch: Uint8Array | undefined;
  private scratchBuffer: Uint8Array | undefined; // the pooled buffer `scratch` views
  private used = 0; // bytes of `scratch` in use
  // the record being filled is `parts` (pieces of scratch and large payloads, kept by reference and
  // sealed without being copied) followed by scratch[partStart, used); `pending` bytes in all
  private parts: Uint8Array[] | undefined;
  private partStart = 0;
  /** Plaintext bytes of the record being filled. */
  pending = 0;
  private readonly rekeyRecords: number;
  private readonly rekeyBytes: number;
  private readonly rekeyInterval: number;
  private keyRecords = 0;
  private keyBytes = 0;
  private keySince: number;

  constructor(
    private readonly protector: RecordProtector,
    private readonly maxPlaintext: number,
    private readonly padding: number,
    rekey: RekeyPolicy | undefined,
    private readonly now: () => number,
    private readonly stats: SealerStats,
  ) {
    this.rekeyRecords = rekey?.records ?? 2 ** 20;
    this.rekeyBytes = rekey?.bytes ?? 2 ** 30;
    this.rekeyInterval = rekey?.intervalMs ?? 3_600_000;
    this.keySince = now();
  }

  /** Adds a frame to the record being filled (sealing that record first when the frame does not fit). */
  add(frame: Frame): void {
    const n = frame.payload.length;
    const head = frameHeaderSize(frame.streamId, n);
    if (this.pending + head + n > this.maxPlaintext - KEY_UPDATE_SIZE) this.seal();
    const inline = n < BY_REFERENCE ? head + n : head;
    if (!this.scratch || this.used + inline + KEY_UPDATE_SIZE > this.scratch.length) this.grow(this.used + inline + KEY_UPDATE_SIZE);
    const scratch = this.scratch as Uint8Array;
    if (n < BY_REFERENCE) {
      this.used = writeFrame(scratch, this.used, frame);
    } else {
      // a large payload is sealed where it lies (so it must not change before the record is sealed)
      this.used = writeFrameHeader(scratch, this.used, frame);
      (this.parts ??= []).push(scratch.subarray(this.partStart, this.used), frame.payload);
      this.partStart = this.used;
    }
    this.pending += head + n;
  }

  /** Gives the record buffer back to the pool (nothing may be pending). */
  release(): void {
    if (this.scratchBuffer) giveBuffer(this.scratchBuffer);
    this.scratch = this.scratchBuffer = undefined;
  }

  /** Takes the sealed pieces. */
  take(): Uint8Array[] {
    const out = this.out;
    this.out = [];
    this.outBytes = 0;
    return out;
  }

  // the record buffer starts at the size of what is pending and doubles up to the peer's MAX_RECORD,
  // so small messages to a peer with 64 KiB records do not take 64 KiB buffers
  private grow(need: number): void {
    const old = this.scratchBuffer;
    const buf = takeBuffer(Math.max(need, MIN_SCRATCH));
    if (old) {
      buf.set((this.scratch as Uint8Array).subarray(0, this.used));
      // pieces of the old buffer may wait in `parts`: then it is left to the garbage collector
      if (this.partStart === 0) giveBuffer(old);
    }
    this.scratchBuffer = buf;
    this.scratch = buf.subarray(0, Math.min(buf.length, this.maxPlaintext));
  }

  /** Seals the record being filled (with KEY_UPDATE when a rekey limit is reached, and padding). */
  seal(): void {
    const rekey =
      this.protector.secure &&
      (this.keyRecords + 1 >= this.rekeyRecords || this.keyBytes + this.pending >= this.rekeyBytes || this.now() - this.keySince >= this.rekeyInterval);
    if (rekey) {
      this.used = writeFrame(this.scratch as Uint8Array, this.used, { type: FrameType.KEY_UPDATE, flags: 0, streamId: 0, payload: EMPTY });
      this.pending += KEY_UPDATE_SIZE;
    }
    const pad = this.padding;
    const len = this.pending;
    if (pad > 0 && len % pad !== 0) {
      const extra = Math.min(Math.ceil(len / pad) * pad, this.maxPlaintext) - len;
      if (this.used + extra > (this.scratch as Uint8Array).length) this.grow(this.used + extra);
      (this.scratch as Uint8Array).fill(0, this.used, this.used + extra); // PADDING is type 0: the zeros are the padding frame
      this.used += extra;
      this.pending += extra;
    }
    const parts = this.parts ?? [];
    if (this.used > this.partStart) parts.push((this.scratch as Uint8Array).subarray(this.partStart, this.used));
    const bodyLength = this.pending + this.protector.overhead;
    const prefix = new Uint8Array(LENGTH_PREFIX);
    writeLength(prefix, 0, bodyLength);
    this.out.push(prefix);
    this.protector.seal(parts, this.pending, this.out);
    this.outBytes += LENGTH_PREFIX + bodyLength;
    this.stats.recordsSent++;
    this.keyRecords++;
    this.keyBytes += this.pending;
    this.parts = undefined;
    this.partStart = this.used = this.pending = 0;
    if (rekey) {
      this.protector.rekeySend();
      this.stats.rekeysSent++;
      this.keyRecords = 0;
      this.keyBytes = 0;
      this.keySince = this.now();
    }
  }
}
