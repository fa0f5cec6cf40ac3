// Shared pieces of the fast attack tests: a server in its own process per suite, and a legitimate call.
import { TestServiceDefinition } from "../../generated/grpc/testing/test_xtmp.js";
import { createChannel, createClient } from "../../src/index.js";
import { startServer, type ServerProcess, type ServerProcessOptions, type Target } from "../../attack/harness/server.js";

/** Starts a server process before the suite and kills it (by pid) after. */
export function serverFixture(opts: ServerProcessOptions = {}): () => ServerProcess {
  let server: ServerProcess | undefined;
  before(async function () {
    this.timeout(30_000);
    server = await startServer(opts);
  });
  after(async () => {
    await server?.stop();
  });
  return () => {
    if (!server) throw new Error("server not started");
    return server;
  };
}

/** One EmptyCall on a new connection (the caller's own address, not the attacker's); throws on failure. */
export async function legitCall(target: Target): Promise<void> {
  const channel = createChannel(`xtmp://${target.host}:${target.port}`, { serverKey: target.serverKey, datagram: false });
  try {
    await createClient(TestServiceDefinition, channel).emptyCall({}, { deadline: 5000 });
  } finally {
    channel.close();
  }
}

/** Polls `check` until it holds or `ms` pass (a bounded wait for a condition seen only through polling). */
export async function eventually(check: () => boolean | Promise<boolean>, ms: number, everyMs = 50): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
