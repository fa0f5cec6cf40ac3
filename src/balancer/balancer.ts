// Load-balancing policies: which endpoints a channel keeps connected and which one a call is sent to.
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";
import { pickFirst } from "./pick-first.js";
import { roundRobin } from "./round-robin.js";
import { leastRequest } from "./least-request.js";

/** Connectivity of one endpoint's connection (gRPC's subchannel states). */
export type EndpointState = "idle" | "connecting" | "ready" | "transient_failure";

/** What a policy sees of one endpoint. */
export interface BalancedEndpoint {
  /** Connection state. */
  readonly state: EndpointState;
  /** Whether it may take calls: ready and (with health checking) serving. */
  readonly pickable: boolean;
  /** Calls open or queued on it now. */
  readonly load: number;
  /** Starts connecting when idle (does nothing otherwise). */
  requestConnection(): void;
}

/** A load-balancing policy: stateless about endpoints, except for its own cursor. */
export interface Balancer {
  /** Starts the connections the policy wants (called after every state or list change of an active channel). */
  maintain(endpoints: readonly BalancedEndpoint[]): void;
  /** The endpoint for the next call, or undefined when none can take it now. */
  pick(endpoints: readonly BalancedEndpoint[]): BalancedEndpoint | undefined;
}

/** Policy names, as in gRPC's service config. */
export type LoadBalancingPolicy = "pick_first" | "round_robin" | "least_request";

/** Creates a policy by name; `random` drives the random choices (tests pass a fixed one). */
export function createBalancer(policy: LoadBalancingPolicy, random: () => number = Math.random): Balancer {
  switch (policy) {
    case "pick_first":
      return pickFirst();
    case "round_robin":
      return roundRobin(random);
    case "least_request":
      return leastRequest(random);
    default:
      throw new XtmpError(Code.INVALID_ARGUMENT, `unknown load-balancing policy ${JSON.stringify(policy)} (use pick_first, round_robin or least_request)`);
  }
}

/** Starts every idle endpoint (the policies that spread calls keep all of them connected). */
export function connectAll(endpoints: readonly BalancedEndpoint[]): void {
  for (const e of endpoints) if (e.state === "idle") e.requestConnection();
}
