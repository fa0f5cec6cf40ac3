// Keepalive and RTT probes of a session: outstanding PINGs, their answers, and when the next keepalive PING is due.
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";
import { FrameType } from "../wire/frame-types.js";

/** What the keepalive needs from its session (the session itself: no closures per session). */
export interface KeepaliveHost {
  /** Sends a frame (a PING here). */
  sendFrame(type: FrameType, flags: number, streamId: number, payload: Uint8Array): void;
  /** Closes the session (no answer in time). */
  close(error?: XtmpError): void;
}

interface Ping {
  payload: Uint8Array;
  sentAt: number;
  resolve: (rtt: number) => void;
}

/**
 * Outstanding PINGs and the keepalive rule: after `idleMs` without a frame from the peer, send a
 * PING; close when a PING stays unanswered for `timeoutMs`. Holds no timer: the session's timers
 * call `check()` when it says the next check is due.
 */
export class Keepalive {
  private outstanding: Ping[] | undefined;
  private lastActivity: number;

  constructor(
    private readonly host: KeepaliveHost,
    /** Idle time before a keepalive PING (0 = none: only `ping()` sends PINGs). */
    readonly idleMs: number,
    private readonly timeoutMs: number,
    private readonly now: () => number,
  ) {
    this.lastActivity = now();
  }

  /** A frame arrived at `now`. */
  touch(now: number): void {
    this.lastActivity = now;
  }

  /** Sends a PING; resolves with the round-trip time (NaN if the session closes first). */
  ping(): Promise<number> {
    const sentAt = this.now();
    const payload = new Uint8Array(8);
    new DataView(payload.buffer).setFloat64(0, sentAt);
    return new Promise((resolve) => {
      (this.outstanding ??= []).push({ payload, sentAt, resolve });
      this.host.sendFrame(FrameType.PING, 0, 0, payload);
    });
  }

  /** A PING ACK arrived: settle the PING it answers (unknown answers are ignored). */
  answered(payload: Uint8Array): void {
    const list = this.outstanding;
    const i = list ? list.findIndex((p) => p.payload.every((b, j) => b === payload[j])) : -1;
    if (!list || i < 0) return;
    const [p] = list.splice(i, 1);
    p?.resolve(this.now() - p.sentAt);
  }

  /** Settles outstanding PINGs (the session closed). */
  stop(): void {
    for (const p of this.outstanding?.splice(0) ?? []) p.resolve(Number.NaN);
  }

  /**
   * Applies the rule at `now`: closes the session when a PING is unanswered for longer than
   * `timeoutMs`, sends a keepalive PING after `idleMs` without a frame. Returns the milliseconds
   * until the next check is due (Infinity with keepalive off).
   */
  check(now: number): number {
    if (this.idleMs <= 0) return Infinity;
    const oldest = this.outstanding?.[0];
    if (oldest) {
      const late = now - oldest.sentAt - this.timeoutMs;
      if (late > 0) {
        this.host.close(new XtmpError(Code.UNAVAILABLE, `keepalive: no PING answer within ${this.timeoutMs} ms`));
        return Infinity;
      }
      return Math.max(1, 1 - late);
    }
    const quiet = now - this.lastActivity;
    if (quiet < this.idleMs) return Math.max(1, this.idleMs - quiet);
    void this.ping();
    return this.timeoutMs + 1;
  }
}
