// The timers of one session as a single entry of the shared wheel: idle timeout and max age (server), keepalive.
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";
import type { Keepalive } from "./keepalive.js";
import type { MuxLimits } from "./options.js";
import { sharedWheel, type TimerEntry, type TimerWheel } from "./timer-wheel.js";

/** What the timers need from the session (the session itself). */
export interface TimersHost {
  /** True while no stream is open and no handler runs. */
  readonly isIdle: boolean;
  goAway(reason: string): void;
  close(error?: XtmpError): void;
  drained(): Promise<void>;
}

/**
 * A server session's idle timeout (close after `idleTimeoutMs` with no open stream and no running
 * handler, GOAWAY first) and maximum age (GOAWAY at `maxAgeMs`, close once drained or after
 * `maxAgeGraceMs`), and either side's keepalive, checked from one wheel entry: one deadline, the
 * earliest of theirs, and no runtime timer of its own. A check that finds nothing due re-arms.
 */
export class SessionTimers implements TimerEntry {
  private idleSince: number;
  private ageDue = Infinity;
  private graceDue = Infinity;
  private stopped = false;

  constructor(
    private readonly host: TimersHost,
    /** Server limits (idle timeout, max age); undefined on the client. */
    private readonly limits: MuxLimits | undefined,
    private readonly keepalive: Keepalive | undefined,
    private readonly wheel: TimerWheel = sharedWheel,
  ) {
    const now = wheel.now();
    this.idleSince = now;
    if (limits && limits.maxAgeMs > 0) this.ageDue = now + limits.maxAgeMs;
    this.arm(now, Math.min(this.next(now), keepalive && keepalive.idleMs > 0 ? now + keepalive.idleMs : Infinity));
  }

  /** Whether any of the timers is on (else the session needs no SessionTimers). */
  static needed(limits: MuxLimits | undefined, keepalive: Keepalive | undefined): boolean {
    return (keepalive !== undefined && keepalive.idleMs > 0) || (limits !== undefined && (limits.idleTimeoutMs > 0 || limits.maxAgeMs > 0));
  }

  /** The session just became idle (its last stream closed or handler finished). */
  becameIdle(): void {
    this.idleSince = this.wheel.now();
  }

  /** Stops every timer (the session closed). */
  stop(): void {
    this.stopped = true;
    this.wheel.cancel(this);
  }

  /** @internal Called by the wheel. */
  onTimer(): void {
    if (this.stopped) return;
    const now = this.wheel.now();
    const idleMs = this.limits?.idleTimeoutMs ?? 0;
    if (idleMs > 0 && this.host.isIdle && now - this.idleSince >= idleMs) {
      this.host.goAway("idle timeout");
      this.host.close();
      return;
    }
    if (now >= this.graceDue) {
      this.host.close(new XtmpError(Code.UNAVAILABLE, "max connection age reached"));
      return;
    }
    if (now >= this.ageDue) {
      this.ageDue = Infinity;
      this.graceDue = now + (this.limits as MuxLimits).maxAgeGraceMs;
      this.host.goAway("max connection age reached");
      void this.host.drained().then(() => this.host.close());
    }
    const keepaliveIn = this.keepalive ? this.keepalive.check(now) : Infinity;
    if (this.stopped) return;
    this.arm(now, Math.min(this.next(now), now + keepaliveIn));
  }

  // the earliest idle or age deadline (keepalive aside)
  private next(now: number): number {
    const idleMs = this.limits?.idleTimeoutMs ?? 0;
    const idleDue = idleMs > 0 ? (this.host.isIdle ? this.idleSince : now) + idleMs : Infinity;
    return Math.min(idleDue, this.ageDue, this.graceDue);
  }

  private arm(now: number, due: number): void {
    if (due !== Infinity && !this.stopped) this.wheel.schedule(this, Math.max(1, due - now));
  }
}
