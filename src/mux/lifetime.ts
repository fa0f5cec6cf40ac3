// Session lifetime limits of a server: close after an idle period, GOAWAY (then close) at a maximum age.
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";
import type { MuxLimits } from "./options.js";

// the longest delay setTimeout takes (longer ones fire at once); an idle check re-arms itself
const MAX_TIMER = 0x7fffffff;

/** What the timers need from the session. */
export interface LifetimeHost {
  /** True while no stream is open and no handler runs. */
  isIdle(): boolean;
  goAway(reason: string): void;
  close(error?: XtmpError): void;
  drained(): Promise<void>;
}

/** The idle and max-age timers of one session (stopped by `stop()` when it closes). */
export class Lifetime {
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private ageTimer: ReturnType<typeof setTimeout> | undefined;
  private idleSince = Date.now();
  private stopped = false;

  constructor(
    private readonly host: LifetimeHost,
    private readonly limits: MuxLimits,
  ) {
    this.armIdle();
    if (limits.maxAgeMs > 0) {
      this.ageTimer = setTimeout(() => {
        host.goAway("max connection age reached");
        this.ageTimer = setTimeout(() => host.close(new XtmpError(Code.UNAVAILABLE, "max connection age reached")), Math.min(limits.maxAgeGraceMs, MAX_TIMER));
        this.ageTimer.unref?.();
        void host.drained().then(() => host.close());
      }, Math.min(limits.maxAgeMs, MAX_TIMER));
      this.ageTimer.unref?.();
    }
  }

  /** The session just became idle (its last stream closed or handler finished). */
  becameIdle(): void {
    this.idleSince = Date.now();
  }

  private armIdle(): void {
    const ms = this.limits.idleTimeoutMs;
    if (ms <= 0 || this.stopped) return;
    const idleFor = this.host.isIdle() ? Date.now() - this.idleSince : 0;
    this.idleTimer = setTimeout(() => {
      if (this.stopped) return;
      if (this.host.isIdle() && Date.now() - this.idleSince >= ms) {
        this.host.goAway("idle timeout");
        this.host.close();
        return;
      }
      this.armIdle();
    }, Math.min(MAX_TIMER, Math.max(1, ms - idleFor)));
    this.idleTimer.unref?.();
  }

  /** Stops both timers. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.idleTimer);
    clearTimeout(this.ageTimer);
  }
}
