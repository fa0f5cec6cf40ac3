// Channel: a target resolved to endpoints, one subchannel each, a balancing policy, and the calls' retry state.
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";
import { generateIdentity } from "../secure/identity.js";
import type { SessionInfo } from "../secure/options.js";
import { Feature } from "../wire/preamble.js";
import { parseAddress } from "../transport/address.js";
import { createBalancer, type Balancer, type EndpointState } from "../balancer/balancer.js";
import { systemClock, type Clock } from "../retry/clock.js";
import { parseServiceConfig, type MethodConfig, type ServiceConfig } from "../retry/service-config.js";
import { RetryThrottle } from "../retry/throttle.js";
import { createResolver, type Endpoint, type Resolver } from "../resolver/resolver.js";
import type { ClientInterceptor } from "../rpc/interceptor.js";
import type { ChannelSession } from "./connect.js";
import type { ChannelOptions } from "./options.js";
import type { RetryBudget } from "./request-buffer.js";
import type { RetryHost } from "./retry-policy.js";
import { Subchannel, type SubchannelEnv, type SubchannelInfo } from "./subchannel.js";
import { watchHealth } from "./health-watch.js";
import { Telemetry } from "../metrics/telemetry.js";
import { sessionCounters, type SessionCounters } from "../metrics/runtime-metrics.js";
import { resolveTracer, type CallTracer } from "../tracing/call-tracer.js";

export type { ChannelOptions } from "./options.js";
export type { ChannelSession } from "./connect.js";

/** Options of a graceful `Channel.close()`. */
export interface ChannelCloseOptions {
  /** How long calls in flight may take to finish before they fail UNAVAILABLE (default 10,000 ms). */
  graceMs?: number;
}

/** Connection state of a channel: the best state among its endpoints. */
export type ChannelState = EndpointState | "closed";

type PickWaiter = { waitForReady: boolean; done: (cs: ChannelSession | undefined, error?: XtmpError) => void };

/** Calls to one target (one server, a fixed list, or a DNS name); clients share it. Connects on the first call. */
export class Channel implements RetryHost {
  /** Interceptors applied to every call. */
  readonly interceptors: readonly ClientInterceptor[];
  readonly retries: boolean;
  readonly perCallRetryBufferBytes: number;
  readonly retryBudget: RetryBudget;
  readonly throttle: RetryThrottle | undefined;
  readonly clock: Clock;
  readonly random: () => number;
  /** Call durations, runtime instruments and events (parts undefined when off). */
  readonly telemetry: Telemetry;
  /** Client spans, when a tracer provider is registered. */
  readonly tracer: CallTracer | undefined;
  /** Exceptions thrown by the application's `onEvent` hook. */
  hookErrors = 0;
  private readonly opts: ChannelOptions;
  private readonly config: ServiceConfig | undefined;
  private readonly balancer: Balancer;
  private readonly resolver: Resolver;
  private readonly subchannelEnv: SubchannelEnv;
  private subchannels: Subchannel[] = [];
  private readonly waiters = new Set<PickWaiter>();
  private settleWaiters: Array<() => void> = [];
  private updating = false;
  private updateAgain = false;
  private resolverError: XtmpError | undefined;
  private resolving = false;
  private started = false;
  private closed = false;

  constructor(target: string, options: ChannelOptions = {}) {
    if (options.fallback) parseAddress(options.fallback);
    this.opts = {
      ...options,
      identity: options.identity ?? (options.insecure ? undefined : generateIdentity(options.crypto)),
      features: (options.features ?? 0) | (options.compression === false ? 0 : Feature.ZSTD),
    };
    this.interceptors = options.interceptors ?? [];
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.config = options.serviceConfig === undefined ? undefined : parseServiceConfig(options.serviceConfig);
    this.balancer = createBalancer(options.loadBalancing ?? this.config?.loadBalancingPolicy ?? "pick_first", this.random);
    this.throttle = this.config?.retryThrottling ? new RetryThrottle(this.config.retryThrottling) : undefined;
    this.retries = options.retries !== false;
    this.perCallRetryBufferBytes = options.perCallRetryBufferBytes ?? 1 << 20;
    let budget = options.retryBufferBytes ?? 16 << 20;
    this.retryBudget = {
      take: (n) => (n <= budget ? ((budget -= n), true) : false),
      give: (n) => void (budget += n),
    };
    this.resolver = createResolver(target, {
      clock: this.clock,
      random: this.random,
      ...(options.resolvers ? { resolvers: options.resolvers } : {}),
      ...(options.minResolutionIntervalMs !== undefined ? { minRefreshIntervalMs: options.minResolutionIntervalMs } : {}),
    });
    this.telemetry = new Telemetry(options, "client", { sessions: () => this.liveSessions() }, (fn) => this.callHook(fn));
    this.tracer = resolveTracer(options.tracerProvider);
    const health = options.healthCheck;
    const service = typeof health === "object" ? health.service : "";
    this.subchannelEnv = {
      opts: this.opts,
      clock: this.clock,
      random: this.random,
      telemetry: this.telemetry,
      changed: () => this.update(),
      lost: () => this.resolver.refresh(),
      ...(health ? { watchHealth: (cs: ChannelSession, report: (serving: boolean) => void) => watchHealth(cs, service, report) } : {}),
    };
  }

  /** Runs an application hook; what it throws is counted (and passed to `onUnexpectedError`), never propagated. */
  private callHook(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.hookErrors++;
      try {
        this.opts.onUnexpectedError?.(err);
      } catch {
        this.hookErrors++; // counted, as the first
      }
    }
  }

  /** The sessions open now, for the metrics. */
  private *liveSessions(): Iterable<SessionCounters> {
    for (const sc of this.subchannels) for (const cs of sc.sessions) yield sessionCounters(cs.secure, cs.mux);
  }

  /** Largest response message. */
  get maxRecvMessage(): number {
    return this.opts.maxRecvMessage ?? 4 << 20;
  }

  /** Whether requests may be compressed. */
  get compression(): boolean {
    return this.opts.compression !== false;
  }

  /** The service config's entry for a method path. */
  methodConfig(path: string): MethodConfig | undefined {
    return this.config?.methodConfig(path);
  }

  /** The aggregate state: ready if any endpoint is, else connecting, else transient_failure, else idle. */
  get state(): ChannelState {
    if (this.closed) return "closed";
    let connecting = this.resolving;
    let failing = this.resolverError !== undefined;
    for (const s of this.subchannels) {
      if (s.pickable) return "ready";
      if (s.state === "connecting" || s.state === "ready") connecting = true;
      else if (s.state === "transient_failure") failing = true;
    }
    return connecting ? "connecting" : failing ? "transient_failure" : "idle";
  }

  /** Each endpoint's state, for debugging. */
  get endpoints(): SubchannelInfo[] {
    return this.subchannels.map((s) => s.info);
  }

  // the first ready endpoint's session (what the single-server accessors below describe)
  private get primary(): ChannelSession | undefined {
    for (const s of this.subchannels) if (s.state === "ready" && s.session) return s.session;
    return undefined;
  }

  /** Where DATAGRAM methods travel now: `udp`, or `tcp` (no UDP path yet, blocked, or not offered). */
  get datagramPath(): "udp" | "tcp" {
    return this.primary?.udp?.ready ? "udp" : "tcp";
  }

  /** Datagrams received and dropped (forged, replayed, malformed) on the current UDP path. */
  get datagramCounters(): { received: number; dropped: number } {
    const udp = this.primary?.udp;
    return { received: udp?.received ?? 0, dropped: udp?.dropped ?? 0 };
  }

  /** Sends a UDP probe now (normally done at connect and every 5 s). */
  probeDatagram(): void {
    this.primary?.udp?.probe();
  }

  /** Whether the current session runs over the fallback WebSocket URL. */
  get onFallback(): boolean {
    return this.primary?.onFallback ?? false;
  }

  /** How the current session was set up (cipher, handshake time, peer identity), if connected. */
  get sessionInfo(): SessionInfo | undefined {
    return this.primary?.secure.info;
  }

  /** A ready session for a new call, chosen by the balancing policy (another than `avoid` when there is one), or undefined. */
  pickNow(avoid?: ChannelSession): ChannelSession | undefined {
    if (!this.started) this.activate();
    const first = (this.balancer.pick(this.subchannels) as Subchannel | undefined)?.session;
    if (avoid === undefined || first !== avoid) return first;
    for (let i = 1; i < this.subchannels.length; i++) {
      const next = (this.balancer.pick(this.subchannels) as Subchannel | undefined)?.session;
      if (next !== avoid) return next;
    }
    return first;
  }

  waitForPick(waitForReady: boolean, done: (cs: ChannelSession | undefined, error?: XtmpError) => void): () => void {
    if (this.closed) {
      done(undefined, new XtmpError(Code.UNAVAILABLE, "channel is closed"));
      return () => undefined;
    }
    const w: PickWaiter = { waitForReady, done };
    this.waiters.add(w);
    this.update();
    return () => void this.waiters.delete(w);
  }

  /** A ready session (connecting if needed); fails like a fail-fast call when no endpoint can be reached. */
  session(): Promise<ChannelSession> {
    const cs = this.pickNow();
    if (cs) return Promise.resolve(cs);
    return new Promise((resolve, reject) => this.waitForPick(false, (s, e) => (s ? resolve(s) : reject(e))));
  }

  /**
   * Connects now (otherwise the first call does): resolves with a ready session once no endpoint the
   * policy connects is still connecting (round_robin and least_request warm up every endpoint).
   */
  async connect(): Promise<ChannelSession> {
    const cs = await this.session();
    if (this.subchannels.some((s) => s.state === "connecting")) await new Promise<void>((r) => this.settleWaiters.push(r));
    return cs;
  }

  private activate(): void {
    if (this.started || this.closed) return;
    this.started = true;
    this.resolving = true;
    this.resolver.start({
      onEndpoints: (endpoints) => this.setEndpoints(endpoints),
      onError: (error) => {
        this.resolving = false;
        this.resolverError = error;
        this.update();
      },
    });
  }

  private setEndpoints(endpoints: readonly Endpoint[]): void {
    if (this.closed) return;
    this.resolving = false;
    this.resolverError = undefined;
    const old = new Map(this.subchannels.map((s) => [s.address, s]));
    this.subchannels = endpoints.map((e) => {
      const s = old.get(e.address);
      old.delete(e.address);
      return s ?? new Subchannel(e.address, this.subchannelEnv);
    });
    // endpoints no longer listed finish their calls and close
    for (const s of old.values()) void s.close(10_000);
    this.update();
  }

  // after any change (re-entrant calls, e.g. a connection starting inside maintain(), run once more after)
  private update(): void {
    if (this.updating) {
      this.updateAgain = true;
      return;
    }
    this.updating = true;
    try {
      do {
        this.updateAgain = false;
        this.updateOnce();
      } while (this.updateAgain);
    } finally {
      this.updating = false;
    }
  }

  // keeps the wanted connections and hands ready sessions to waiting calls
  private updateOnce(): void {
    if (this.closed || !this.started) return;
    for (const s of this.subchannels) s.renewIfExhausted();
    const state = this.state;
    // an idle channel stays idle until a call needs it; a used one keeps its policy's connections
    if (this.waiters.size > 0 || state === "ready") this.balancer.maintain(this.subchannels);
    if (this.settleWaiters.length > 0 && !this.subchannels.some((s) => s.state === "connecting")) for (const w of this.settleWaiters.splice(0)) w();
    if (this.waiters.size === 0) return;
    const failFast = this.state === "transient_failure" ? this.failure() : undefined;
    for (const w of [...this.waiters]) {
      const cs = this.pickNow();
      if (cs) {
        this.waiters.delete(w);
        w.done(cs);
      } else if (failFast && !w.waitForReady) {
        this.waiters.delete(w);
        w.done(undefined, failFast);
      } else if (!cs) {
        if (!failFast) return;
      }
    }
  }

  private failure(): XtmpError {
    const last = this.subchannels.find((s) => s.lastError)?.lastError;
    return last ?? this.resolverError ?? new XtmpError(Code.UNAVAILABLE, "no endpoint is ready");
  }

  /**
   * Closes the channel; later calls fail UNAVAILABLE at once. Without options, calls in flight fail
   * UNAVAILABLE now. With `{ graceMs }`, they may finish (each session closes with CLOSE NO_ERROR as
   * soon as its calls are done); those still running after `graceMs` fail UNAVAILABLE. The promise
   * resolves when every session has closed.
   */
  close(): void;
  close(options: ChannelCloseOptions): Promise<void>;
  close(options?: ChannelCloseOptions): void | Promise<void> {
    this.closed = true;
    this.resolver.close();
    for (const w of this.settleWaiters.splice(0)) w();
    const waiting = [...this.waiters];
    this.waiters.clear();
    for (const w of waiting) w.done(undefined, new XtmpError(Code.UNAVAILABLE, "channel is closed"));
    const subs = this.subchannels;
    if (!options) {
      for (const s of subs) void s.close();
      return;
    }
    const graceMs = options.graceMs ?? 10_000;
    return Promise.all(subs.map((s) => s.close(graceMs))).then(() => undefined);
  }
}

/**
 * Creates a channel to a target: `xtmp://host:port` (or `host:port`), `ws://…` / `wss://…`,
 * `static:///h1:p1,h2:p2`, `dns:///host:port`, or a scheme of `options.resolvers`. Nothing connects
 * until the first call.
 */
export function createChannel(target: string, options: ChannelOptions = {}): Channel {
  return new Channel(target, options);
}
