// resumableStream: a server stream that survives its server going away, with no gap and no duplicate.
import { expect } from "chai";
import { BpciServiceDefinition } from "../../generated/bpci/v1/bpci_xtmp.js";
import type { LiveUpdatesResponse } from "../../generated/bpci/v1/bpci.js";
import { bpciDemoImpl } from "../../services/bpci-demo.js";
import { Code, createChannel, createClient, createServer, generateIdentity, resumableStream, XtmpError, type Server } from "../../src/index.js";
import { until } from "../helpers/calls.js";

describe("resumableStream", function () {
  this.timeout(20_000);
  const identity = generateIdentity();
  const client = generateIdentity();

  /** Two servers over one shared ledger (as replicas over one bus would be). */
  async function twoServers() {
    const ledger = bpciDemoImpl();
    const servers: Server[] = [];
    const ports: number[] = [];
    for (let i = 0; i < 2; i++) {
      const s = createServer({ identity });
      s.add(BpciServiceDefinition, ledger);
      ports.push((await s.listen("xtmp://127.0.0.1:0")).port);
      servers.push(s);
    }
    return { servers, ports };
  }

  it("continues on another server after its server dies: every sequence once, in order", async () => {
    const { servers, ports } = await twoServers();
    const channel = createChannel(`static:///127.0.0.1:${ports[0]},127.0.0.1:${ports[1]}`, { identity: client, serverKey: identity.publicKey, datagram: false });
    const publisher = createChannel(`xtmp://127.0.0.1:${ports[1]}`, { identity: client, serverKey: identity.publicKey, datagram: false });
    const pub = createClient(BpciServiceDefinition, publisher);
    const bpci = createClient(BpciServiceDefinition, channel);
    const resubscribed: XtmpError[] = [];
    const updates = resumableStream((req, o) => bpci.liveUpdates(req, o), { topics: ["bundles"], resumeAfter: 0n, maxUpdates: 0 }, {
      resume: (req, last: LiveUpdatesResponse) => ({ ...req, resumeAfter: last.sequence }),
      onResubscribe: (e) => resubscribed.push(e),
    });
    const seen: bigint[] = [];
    const consumer = (async () => {
      for await (const u of updates) {
        seen.push(u.sequence);
        if (seen.length === 40) return;
      }
    })();
    try {
      // the subscription is on server 0 (pick_first); publish through server 1
      for (let i = 0; i < 10; i++) await pub.submitBundle({ bundle: { bundleId: `a${i}`, transactions: [{ txId: `t${i}`, amount: 1n }] } });
      expect(await until(() => seen.length >= 10, 5_000)).to.equal(true);
      await (servers[0] as Server).forceShutdown();
      // updates published while the subscriber is between servers are replayed from its cursor
      for (let i = 0; i < 30; i++) await pub.submitBundle({ bundle: { bundleId: `b${i}`, transactions: [{ txId: `u${i}`, amount: 1n }] } });
      await consumer;
      expect(resubscribed.map((e) => e.code)).to.deep.equal([Code.UNAVAILABLE]);
      const first = seen[0] as bigint;
      expect(seen).to.deep.equal(Array.from({ length: 40 }, (_, i) => first + BigInt(i)));
    } finally {
      channel.close();
      publisher.close();
      for (const s of servers) await s.shutdown({ graceMs: 0 });
    }
  });

  it("a status outside retryOn ends the stream with that status, without subscribing again", async () => {
    const { servers, ports } = await twoServers();
    const channel = createChannel(`xtmp://127.0.0.1:${ports[0]}`, { identity: client, serverKey: identity.publicKey, datagram: false });
    const bpci = createClient(BpciServiceDefinition, channel);
    try {
      let calls = 0;
      const failing = resumableStream(
        (req, o) => {
          calls++;
          return bpci.liveUpdates(req, o);
        },
        { topics: [], resumeAfter: 0n, maxUpdates: 0 },
        { resume: (req) => req, retryOn: [Code.UNAVAILABLE], callOptions: { deadline: 50 } },
      );
      let caught: unknown;
      try {
        for await (const _ of failing) void _;
      } catch (err) {
        caught = err;
      }
      expect((caught as XtmpError).code).to.equal(Code.DEADLINE_EXCEEDED);
      expect(calls).to.equal(1);
    } finally {
      channel.close();
      for (const s of servers) await s.shutdown({ graceMs: 0 });
    }
  });
});
