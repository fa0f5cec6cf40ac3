// least_request: every endpoint connected; a call goes to the less loaded of two random pickable endpoints.
import { connectAll, type BalancedEndpoint, type Balancer } from "./balancer.js";

/**
 * Power of two choices on in-flight calls (grpc-go's least_request with choiceCount 2): good for
 * long streams, where a round-robin turn says nothing about how busy an endpoint is.
 */
export function leastRequest(random: () => number): Balancer {
  const pickable: BalancedEndpoint[] = [];
  return {
    maintain: connectAll,
    pick(endpoints) {
      pickable.length = 0;
      for (const e of endpoints) if (e.pickable) pickable.push(e);
      const n = pickable.length;
      if (n <= 1) return pickable.pop();
      // two distinct uniform choices: j skips over i
      const i = Math.floor(random() * n) % n;
      let j = Math.floor(random() * (n - 1)) % (n - 1);
      if (j >= i) j++;
      const a = pickable[i] as BalancedEndpoint;
      const b = pickable[j] as BalancedEndpoint;
      pickable.length = 0;
      return b.load < a.load ? b : a;
    },
  };
}
