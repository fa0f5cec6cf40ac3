// `xtmp serve --server-id`: TestService replies name their server when `fill_server_id` asks (observable balancing).
import { expect } from "chai";
import { hostname } from "node:os";
import { TestServiceDefinition } from "../../generated/grpc/testing/test_xtmp.js";
import { main } from "../../cli/main.js";
import { createChannel, createClient, parsePublicKey } from "../../src/index.js";
import { until } from "../helpers/calls.js";

/** Runs `xtmp serve` in process with `extra` flags; returns its port and key, and a stop function. */
async function serve(extra: string[]) {
  const out: string[] = [];
  let stop!: () => void;
  const stopped = new Promise<void>((r) => (stop = r));
  const done = main(["serve", "--listen", "127.0.0.1:0", ...extra], { out: (s) => out.push(s), err: () => undefined }, stopped);
  expect(await until(() => out.some((l) => l.startsWith("server key")), 10_000)).to.equal(true);
  const port = Number(/:(\d+)/.exec(out[0] ?? "")?.[1]);
  const key = parsePublicKey(out[1]?.split(" ")[2] ?? "");
  return {
    port,
    key,
    stop: async () => {
      stop();
      expect(await done).to.equal(0);
    },
  };
}

describe("xtmp serve --server-id", function () {
  this.timeout(30_000);

  it("names the server in replies that ask for it, and only then", async () => {
    const s = await serve(["--server-id", "replica-a"]);
    const channel = createChannel(`xtmp://127.0.0.1:${s.port}`, { serverKey: s.key, datagram: false });
    try {
      const client = createClient(TestServiceDefinition, channel);
      const asked = await client.unaryCall({ fillServerId: true });
      expect(asked.serverId).to.equal("replica-a");
      expect(asked.hostname).to.equal(hostname());
      const notAsked = await client.unaryCall({});
      expect(notAsked.serverId).to.equal("");
    } finally {
      channel.close();
      await s.stop();
    }
  });

  it("defaults to hostname:port", async () => {
    const s = await serve([]);
    const channel = createChannel(`xtmp://127.0.0.1:${s.port}`, { serverKey: s.key, datagram: false });
    try {
      const r = await createClient(TestServiceDefinition, channel).unaryCall({ fillServerId: true });
      expect(r.serverId).to.equal(`${hostname()}:${s.port}`);
    } finally {
      channel.close();
      await s.stop();
    }
  });
});
