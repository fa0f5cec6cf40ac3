// pick_first: one connection at a time, to the first endpoint in list order that accepts it.
import type { BalancedEndpoint, Balancer } from "./balancer.js";

/**
 * Uses the first pickable endpoint in list order. Keeps one connection: when none is ready or
 * connecting, it connects the first idle endpoint (endpoints that failed wait out their backoff
 * and become idle again, so the list is tried in order, round after round).
 */
export function pickFirst(): Balancer {
  return {
    maintain(endpoints) {
      let idle: BalancedEndpoint | undefined;
      for (const e of endpoints) {
        if (e.state === "ready" || e.state === "connecting") return;
        if (!idle && e.state === "idle") idle = e;
      }
      idle?.requestConnection();
    },
    pick(endpoints) {
      for (const e of endpoints) if (e.pickable) return e;
      return undefined;
    },
  };
}
