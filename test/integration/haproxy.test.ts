// A real HAProxy (mode tcp, leastconn, send-proxy-v2) in front of 3 server processes: end-to-end encryption, real client addresses, rebalancing by connection age.
import { expect } from "chai";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TestServiceDefinition } from "../../generated/grpc/testing/test_xtmp.js";
import { Code, createChannel, createClient, generateIdentity, identityFromSeed, type Channel } from "../../src/index.js";
import { failure, within } from "../helpers/calls.js";

const HAPROXY_SOURCE = "127.0.0.2"; // haproxy connects to the backends from here; clients come from 127.0.0.1
const seed = Uint8Array.from(randomBytes(32));
const fleetKey = identityFromSeed(seed).publicKey; // one identity shared by the 3 replicas
// Debian installs it in /usr/sbin, which is not on every user's PATH
const HAPROXY = ["haproxy", "/usr/sbin/haproxy"].find((cmd) => spawnSync(cmd, ["-v"]).status === 0);

/** Starts a backend process; resolves with its port once it listens. */
function startBackend(id: string, children: ChildProcess[]): Promise<number> {
  const child = spawn(process.execPath, ["--import", "tsx", "test/helpers/proxy-backend.ts", Buffer.from(seed).toString("hex"), id, HAPROXY_SOURCE, "300"], { stdio: ["pipe", "pipe", "inherit"] });
  children.push(child);
  return within(
    new Promise<number>((resolve, reject) => {
      let out = "";
      child.stdout?.on("data", (c: Buffer) => {
        out += c.toString();
        const m = /PORT (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.once("exit", (code) => reject(new Error(`backend ${id} exited (${code}) before listening`)));
    }),
    `backend ${id} listening`,
    20_000,
  );
}

/** A port that was free a moment ago (bind 0, close). */
async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Whether a TCP connection to port is accepted. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: "127.0.0.1", port });
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
  });
}

function kill(child: ChildProcess): void {
  if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) process.kill(child.pid, "SIGKILL");
}

describe("behind a real HAProxy (mode tcp, leastconn, send-proxy-v2)", function () {
  this.timeout(60_000);
  const children: ChildProcess[] = [];
  let dir = "";
  let frontend = 0;
  let haproxyLog = "";

  before(async function () {
    // .ci/run installs Debian's haproxy; elsewhere say clearly what is missing
    if (HAPROXY === undefined) throw new Error("haproxy is not installed (apt-get install haproxy)");
    // backends listen before haproxy starts (it resolves and checks them at start-up)
    const ports = await Promise.all(["s1", "s2", "s3"].map((id) => startBackend(id, children)));
    frontend = await freePort();
    dir = mkdtempSync(join(tmpdir(), "xtmp-haproxy-"));
    const cfg = join(dir, "haproxy.cfg");
    writeFileSync(
      cfg,
      [
        "global",
        "  maxconn 256",
        "defaults",
        "  mode tcp",
        "  timeout connect 5s",
        "  timeout client 60s",
        "  timeout server 60s",
        "frontend xtmp",
        `  bind 127.0.0.1:${frontend}`,
        "  default_backend fleet",
        "backend fleet",
        "  balance leastconn",
        ...ports.map((p, i) => `  server s${i + 1} 127.0.0.1:${p} send-proxy-v2 source ${HAPROXY_SOURCE}`),
        "",
      ].join("\n"),
    );
    // -db: foreground, so the child's PID is haproxy itself
    const haproxy = spawn(HAPROXY, ["-db", "-f", cfg], { stdio: ["ignore", "pipe", "pipe"] });
    children.push(haproxy);
    haproxy.stdout?.on("data", (c: Buffer) => (haproxyLog += c.toString()));
    haproxy.stderr?.on("data", (c: Buffer) => (haproxyLog += c.toString()));
    const deadline = Date.now() + 15_000;
    while (!(await accepts(frontend))) {
      if (haproxy.exitCode !== null || Date.now() > deadline) throw new Error(`haproxy did not start:\n${haproxyLog}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  });

  after(() => {
    for (const c of children) kill(c);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function channel(serverKey = fleetKey, peers?: string[]): Channel {
    return createChannel(`xtmp://127.0.0.1:${frontend}`, {
      serverKey,
      datagram: false,
      interceptors: peers
        ? [
            (next) => (req) => {
              const res = next(req);
              void res.header.then((h) => peers.push(String(h.get("x-peer-address"))), () => undefined);
              return res;
            },
          ]
        : [],
    });
  }

  it("stays end-to-end encrypted: the client authenticates the backends' pinned key through the proxy", async () => {
    const ch = channel();
    try {
      const r = await createClient(TestServiceDefinition, ch).unaryCall({ fillServerId: true });
      expect(r.serverId).to.match(/^s[123]$/);
      expect(Buffer.from(ch.sessionInfo?.peerIdentity ?? []).equals(Buffer.from(fleetKey))).to.equal(true);
    } finally {
      ch.close();
    }
    const wrong = channel(generateIdentity().publicKey);
    try {
      const err = await failure(createClient(TestServiceDefinition, wrong).unaryCall({}, { deadline: 10_000 }));
      expect(err.code, "a client pinning another key must not get a session").to.equal(Code.UNAUTHENTICATED);
    } finally {
      wrong.close();
    }
  });

  it("shows handlers the real client (127.0.0.1:*), not haproxy's connection (from 127.0.0.2)", async () => {
    const peers: string[] = [];
    const ch = channel(fleetKey, peers);
    try {
      await createClient(TestServiceDefinition, ch).unaryCall({});
      expect(peers).to.have.length(1);
      expect(peers[0]).to.match(/^127\.0\.0\.1:\d+$/);
    } finally {
      ch.close();
    }
  });

  it("rebalances across backends as they GOAWAY aged connections (maxConnectionAgeMs 300), with no failed call", async () => {
    const ch = channel();
    const client = createClient(TestServiceDefinition, ch);
    const seen = new Map<string, number>();
    const failures: string[] = [];
    const deadline = Date.now() + 20_000;
    try {
      while (seen.size < 2 && Date.now() < deadline) {
        try {
          const r = await client.unaryCall({ fillServerId: true }, { deadline: 10_000 });
          seen.set(r.serverId, (seen.get(r.serverId) ?? 0) + 1);
        } catch (err) {
          failures.push(String(err));
        }
      }
    } finally {
      ch.close();
    }
    expect(failures, "failed calls").to.deep.equal([]);
    expect([...seen.keys()].length, `servers reached: ${JSON.stringify([...seen])}`).to.be.at.least(2);
  });
});
