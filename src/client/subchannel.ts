// Subchannel: the connection to one endpoint, with gRPC's states and reconnect backoff.
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";
import type { BalancedEndpoint, EndpointState } from "../balancer/balancer.js";
import { ConnectionBackoff } from "../retry/backoff.js";
import type { Clock, TimerHandle } from "../retry/clock.js";
import { openChannelSession, type ChannelSession } from "./connect.js";
import type { ChannelOptions } from "./options.js";
import type { Telemetry } from "../metrics/telemetry.js";

/** What a subchannel needs from its channel. */
export interface SubchannelEnv {
  /** Resolved channel options (identity, features). */
  readonly opts: ChannelOptions;
  readonly clock: Clock;
  readonly random: () => number;
  /** Metrics and events of the channel's sessions. */
  readonly telemetry: Telemetry;
  /** The state changed (or a session stopped taking calls). */
  changed(sc: Subchannel): void;
  /** A connection was lost or went away: time to re-resolve the target. */
  lost(sc: Subchannel): void;
  /** Starts health watching on a new session; reports serving or not; returns the stop function. */
  watchHealth?(cs: ChannelSession, report: (serving: boolean) => void): () => void;
}

/** What a debugger sees of one endpoint. */
export interface SubchannelInfo {
  /** The endpoint, e.g. `xtmp://10.0.0.7:5000`. */
  address: string;
  /** Connection state. */
  state: EndpointState;
  /** Health (always true without health checking). */
  serving: boolean;
  /** Calls open or queued on it. */
  load: number;
  /** Why the last connection attempt failed. */
  lastError?: string;
}

/**
 * One endpoint: idle → connecting → ready, or → transient_failure and, after the backoff delay, idle
 * again. A session that goes away (GOAWAY, close, out of stream ids) makes it idle; older sessions
 * finish their calls on their own.
 */
export class Subchannel implements BalancedEndpoint {
  state: EndpointState = "idle";
  serving = true;
  lastError: XtmpError | undefined;
  /** Sessions still open: the current one and older ones finishing their calls. */
  readonly sessions = new Set<ChannelSession>();
  private current: ChannelSession | undefined;
  private readonly backoff: ConnectionBackoff;
  private timer: TimerHandle | undefined;
  private generation = 0;
  private closed = false;
  private stopHealth: (() => void) | undefined;

  constructor(
    readonly address: string,
    private readonly env: SubchannelEnv,
  ) {
    this.backoff = new ConnectionBackoff(env.opts.backoff ?? {}, env.random);
  }

  /** The session new calls use (when ready). */
  get session(): ChannelSession | undefined {
    return this.current;
  }

  get pickable(): boolean {
    return this.state === "ready" && this.serving && this.current !== undefined && this.current.mux.isAvailable;
  }

  get load(): number {
    return this.current?.mux.load ?? 0;
  }

  get info(): SubchannelInfo {
    return { address: this.address, state: this.state, serving: this.serving, load: this.load, ...(this.lastError ? { lastError: this.lastError.message } : {}) };
  }

  /** A ready subchannel whose session stopped taking calls (out of stream ids) moves on to a new one. */
  renewIfExhausted(): void {
    if (this.state === "ready" && this.current && !this.current.mux.isAvailable) this.detach(this.current);
  }

  requestConnection(): void {
    if (this.state !== "idle" || this.closed) return;
    this.setState("connecting");
    const generation = ++this.generation;
    const timeoutMs = Math.max(this.env.opts.connectTimeoutMs ?? 0, this.backoff.connectTimeoutMs);
    const stale = () => this.closed || generation !== this.generation;
    openChannelSession(this.address, this.env.opts, timeoutMs, this.env.telemetry, { onGoAway: (cs) => this.detach(cs), onClose: (cs) => this.forget(cs) }, stale).then(
      (cs) => {
        if (stale()) return cs.mux.close();
        if (cs.mux.isClosed) return this.failed(new XtmpError(Code.UNAVAILABLE, `${this.address}: connection closed during set-up`));
        this.sessions.add(cs);
        this.current = cs;
        this.backoff.reset();
        this.lastError = undefined;
        if (this.env.watchHealth) {
          this.serving = false;
          this.stopHealth = this.env.watchHealth(cs, (serving) => {
            if (this.current !== cs || this.serving === serving) return;
            this.serving = serving;
            this.env.changed(this);
          });
        }
        this.setState("ready");
      },
      (err: unknown) => {
        if (!stale()) this.failed(XtmpError.from(err, Code.UNAVAILABLE));
      },
    );
  }

  private failed(error: XtmpError): void {
    this.lastError = error;
    this.setState("transient_failure");
    this.env.lost(this);
    this.timer = this.env.clock.setTimeout(() => {
      this.timer = undefined;
      if (!this.closed) this.setState("idle");
    }, this.backoff.next());
  }

  // the session takes no new calls (GOAWAY or out of ids): it finishes its calls; later calls need a new one
  private detach(cs: ChannelSession): void {
    if (this.current !== cs) return;
    this.current = undefined;
    this.stopHealth?.();
    this.stopHealth = undefined;
    this.serving = true;
    this.setState("idle");
    this.env.lost(this);
  }

  private forget(cs: ChannelSession): void {
    this.sessions.delete(cs);
    this.detach(cs);
  }

  private setState(state: EndpointState): void {
    if (this.state === state) return;
    this.state = state;
    this.env.changed(this);
  }

  /** Stops reconnecting and closes its sessions: at once, or after their calls finished (up to `graceMs`). */
  close(graceMs?: number): Promise<void> {
    this.closed = true;
    this.generation++;
    if (this.timer !== undefined) this.env.clock.clearTimeout(this.timer);
    this.stopHealth?.();
    this.current = undefined;
    const live = [...this.sessions];
    if (graceMs === undefined) {
      for (const s of live) s.mux.close();
      return Promise.resolve();
    }
    return Promise.all(live.map((s) => closeGracefully(s, graceMs, this.env.clock))).then(() => undefined);
  }
}

/** Retires a session (no new streams), waits up to `graceMs` for its streams, then closes it. */
async function closeGracefully(cs: ChannelSession, graceMs: number, clock: Clock): Promise<void> {
  const mux = cs.mux;
  mux.retire();
  let timer: TimerHandle | undefined;
  await Promise.race([mux.drained(), new Promise<void>((r) => (timer = clock.setTimeout(r, graceMs)))]);
  if (timer !== undefined) clock.clearTimeout(timer);
  mux.close(new XtmpError(Code.UNAVAILABLE, `channel closed: calls still running after the ${graceMs} ms grace period`));
}
