// Keepalive and RTT probes of a session: outstanding PINGs, their answers, and the idle PING timer.
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";
import { FrameFlags } from "../wire/frame-types.js";
import { protocol } from "./errors.js";

/** What the keepalive needs from its session. */
export interface KeepaliveHost {
  /** Sends a PING (not an answer) with this payload. */
  sendPing(payload: Uint8Array): void;
  /** Answers the peer's PING (PING ACK with the same payload); may throw when the peer exceeds its budget. */
  answer(payload: Uint8Array): void;
  /** Closes the session (no answer in time). */
  close(error: XtmpError): void;
}

/** Outstanding PINGs and the periodic keepalive check. */
export class Keepalive {
  private outstanding: { payload: Uint8Array; sentAt: number; resolve: (rtt: number) => void }[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;
  private lastActivity = Date.now();

  constructor(
    private readonly host: KeepaliveHost,
    private readonly idleMs: number | undefined,
    timeoutMs: number,
  ) {
    if (idleMs) {
      this.timer = setInterval(() => this.check(timeoutMs), Math.min(idleMs, timeoutMs));
      this.timer.unref?.();
    }
  }

  /** A frame arrived. */
  touch(): void {
    this.lastActivity = Date.now();
  }

  /** Sends a PING; resolves with the round-trip time (NaN if the session closes first). */
  ping(): Promise<number> {
    const payload = new Uint8Array(8);
    new DataView(payload.buffer).setFloat64(0, performance.now());
    return new Promise((resolve) => {
      this.outstanding.push({ payload, sentAt: performance.now(), resolve });
      this.host.sendPing(payload);
    });
  }

  /** A PING arrived: answer it, or match an answer to ours. */
  onPing(flags: number, payload: Uint8Array): void {
    if (payload.length !== 8) protocol("PING payload must be 8 bytes");
    if (flags & FrameFlags.ACK) this.answered(payload);
    else this.host.answer(payload.slice());
  }

  private answered(payload: Uint8Array): void {
    const i = this.outstanding.findIndex((p) => p.payload.every((b, j) => b === payload[j]));
    if (i < 0) return;
    const [p] = this.outstanding.splice(i, 1);
    p?.resolve(performance.now() - p.sentAt);
  }

  /** Stops the timer and settles outstanding PINGs. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    for (const p of this.outstanding.splice(0)) p.resolve(Number.NaN);
  }

  private check(timeoutMs: number): void {
    const stale = this.outstanding.find((p) => performance.now() - p.sentAt > timeoutMs);
    if (stale) {
      this.host.close(new XtmpError(Code.UNAVAILABLE, `keepalive: no PING answer within ${timeoutMs} ms`));
      return;
    }
    if (Date.now() - this.lastActivity >= (this.idleMs ?? 0) && this.outstanding.length === 0) void this.ping();
  }
}
