// round_robin: every endpoint connected, calls spread over the pickable ones in turn.
import { connectAll, type Balancer } from "./balancer.js";

/** Rotates over the pickable endpoints; the rotation starts at a random place so clients do not align. */
export function roundRobin(random: () => number): Balancer {
  let next = -1;
  return {
    maintain: connectAll,
    pick(endpoints) {
      const n = endpoints.length;
      if (n === 0) return undefined;
      if (next < 0) next = Math.floor(random() * n);
      for (let i = 0; i < n; i++) {
        const e = endpoints[(next + i) % n];
        if (e?.pickable) {
          next = (next + i + 1) % n;
          return e;
        }
      }
      return undefined;
    },
  };
}
