// Baseline: a mild legitimate load (unary calls on a few channels), to read the other tables against.
import { TestServiceDefinition } from "../../generated/grpc/testing/test_xtmp.js";
import { createChannel, createClient } from "../../src/index.js";
import type { AttackDef } from "../harness/attack.js";
import { pause } from "../harness/raw.js";

export const legitAttack: AttackDef = {
  name: "legit",
  summary: "baseline: 4 channels, each one UnaryCall (1 KiB) every 10 ms",
  async run({ target, durationMs }) {
    const deadline = Date.now() + durationMs;
    let ok = 0;
    let failed = 0;
    const one = async () => {
      const channel = createChannel(`xtmp://${target.host}:${target.port}`, { serverKey: target.serverKey });
      const client = createClient(TestServiceDefinition, channel);
      while (Date.now() < deadline) {
        try {
          await client.unaryCall({ responseSize: 1024, payload: { body: new Uint8Array(1024) } }, { deadline: 1000 });
          ok++;
        } catch {
          failed++;
        }
        await pause(10);
      }
      channel.close();
    };
    await Promise.all([one(), one(), one(), one()]);
    return { callsOk: ok, callsFailed: failed };
  },
};
