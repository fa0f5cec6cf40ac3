// Package entry `xtmp-rpc/health`: the standard gRPC health service (Check and Watch) backed by a small status registry.
import { HealthCheckResponse_ServingStatus as Status } from "../generated/grpc/health/v1/health.js";
import { HealthDefinition, type HealthImplementation } from "../generated/grpc/health/v1/health_xtmp.js";
import { Code, XtmpError } from "../src/index.js";

export { HealthDefinition, type HealthImplementation } from "../generated/grpc/health/v1/health_xtmp.js";
export { HealthCheckRequest, HealthCheckResponse, HealthCheckResponse_ServingStatus as ServingStatus } from "../generated/grpc/health/v1/health.js";

/** Serving status per service name ("" = the whole server), with change notification for Watch. */
export class HealthRegistry {
  private readonly status = new Map<string, Status>([["", Status.SERVING]]);
  private readonly watchers = new Set<() => void>();

  /** Sets a service's status and wakes watchers. */
  set(service: string, status: Status): void {
    this.status.set(service, status);
    for (const w of [...this.watchers]) w();
  }

  /** Marks every service NOT_SERVING (used while draining). */
  shutdown(): void {
    for (const k of [...this.status.keys()]) this.set(k, Status.NOT_SERVING);
  }

  /** The Health service implementation. */
  readonly impl: HealthImplementation = {
    check: (req) => {
      const s = this.status.get(req.service);
      if (s === undefined) throw new XtmpError(Code.NOT_FOUND, `unknown service ${req.service}`);
      return { status: s };
    },
    watch: (req, ctx) => this.watch(req.service, ctx.signal),
  };

  private async *watch(service: string, signal: AbortSignal): AsyncGenerator<{ status: Status }> {
    let last: Status | undefined;
    while (!signal.aborted) {
      const s = this.status.get(service) ?? Status.SERVICE_UNKNOWN;
      if (s !== last) {
        last = s;
        yield { status: s };
      }
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.watchers.delete(wake);
          signal.removeEventListener("abort", wake);
          resolve();
        };
        this.watchers.add(wake);
        signal.addEventListener("abort", wake, { once: true });
      });
    }
  }
}

/** A new health registry: the whole server ("") starts SERVING. Serve it with `server.add(HealthDefinition, health.impl)`. */
export function createHealthService(): HealthRegistry {
  return new HealthRegistry();
}

/** What `addHealth` registers the service on (a Server fits). */
export interface HealthHost {
  add(definition: typeof HealthDefinition, impl: HealthImplementation): unknown;
}

/** Serves grpc.health.v1.Health on `server` and returns the registry that sets its statuses. */
export function addHealth(server: HealthHost): HealthRegistry {
  const health = createHealthService();
  server.add(HealthDefinition, health.impl);
  return health;
}
