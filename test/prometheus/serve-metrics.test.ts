// `xtmp serve --metrics` in a child process: calls made over XTMP show up in /metrics scraped over HTTP.
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { request } from "node:http";
import { createInterface } from "node:readline";
import { TestServiceDefinition } from "../../generated/grpc/testing/test_xtmp.js";
import { Code, createChannel, createClient, parsePublicKey } from "../../src/index.js";
import { failure, within } from "../helpers/calls.js";
import { parseScrape } from "./scrape.js";

interface Started {
  child: ChildProcess;
  port: number;
  key: string;
  metricsUrl: string;
}

/** Starts `xtmp serve` with `--metrics 127.0.0.1:0`; resolves once it has printed its metrics address. */
async function start(): Promise<Started> {
  const child = spawn(process.execPath, ["--import", "tsx", "cli/run.ts", "serve", "--listen", "127.0.0.1:0", "--metrics", "127.0.0.1:0"], { stdio: ["ignore", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout! });
  let port = 0;
  let key = "";
  try {
    const metricsUrl = await within(
      new Promise<string>((resolve, reject) => {
        child.once("exit", (code) => reject(new Error(`xtmp serve exited with ${code}`)));
        lines.on("line", (line) => {
          port ||= Number(/^xtmp serving on [^ ]+:(\d+)/.exec(line)?.[1] ?? 0);
          key ||= /^server key ([0-9a-f]+)/.exec(line)?.[1] ?? "";
          const m = /^xtmp serving metrics on (http:\/\/\S+)$/.exec(line);
          if (m) resolve(m[1] as string);
        });
      }),
      "xtmp serve printing its metrics address",
      20_000,
    );
    return { child, port, key, metricsUrl };
  } catch (err) {
    child.kill("SIGKILL");
    throw err;
  }
}

function get(url: string): Promise<{ status: number; type: string; body: string }> {
  return within(
    new Promise((resolve, reject) => {
      const req = request(url, { agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, type: String(res.headers["content-type"]), body: Buffer.concat(chunks).toString() }));
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end();
    }),
    `GET ${url}`,
  );
}

describe("xtmp serve --metrics", function () {
  this.timeout(60_000);

  it("serves call durations per method and status at /metrics; the count matches the calls made", async () => {
    const s = await start();
    const channel = createChannel(`xtmp://127.0.0.1:${s.port}`, { serverKey: parsePublicKey(s.key), datagram: false });
    try {
      expect(s.metricsUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const before = await get(s.metricsUrl);
      expect(before.status).to.equal(200);
      expect(before.type).to.match(/^text\/plain; version=0\.0\.4/);

      const client = createClient(TestServiceDefinition, channel);
      const CALLS = 7;
      for (let i = 0; i < CALLS; i++) await client.emptyCall({});
      const notFound = await failure(client.unaryCall({ responseStatus: { code: Code.NOT_FOUND, message: "nope" } }));
      expect(notFound.code).to.equal(Code.NOT_FOUND);

      const scraped = await get(s.metricsUrl);
      expect(scraped.status).to.equal(200);
      const { samples, types } = parseScrape(scraped.body);
      expect(types.get("rpc_server_call_duration_seconds")).to.equal("histogram");
      const series = (name: string, method: string, code: string) => [...samples].filter(([k]) => k.startsWith(`${name}{`) && k.includes(`rpc_method="${method}"`) && k.includes(`rpc_status_code="${code}"`) && k.includes('rpc_system_name="xtmp"'));
      const emptyCalls = series("rpc_server_call_duration_seconds_count", "grpc.testing.TestService/EmptyCall", "OK");
      expect(emptyCalls, scraped.body).to.have.length(1);
      expect(emptyCalls[0]?.[1]).to.equal(CALLS);
      const inf = series("rpc_server_call_duration_seconds_bucket", "grpc.testing.TestService/EmptyCall", "OK").find(([k]) => k.includes('le="+Inf"'));
      expect(inf?.[1]).to.equal(CALLS);
      expect(series("rpc_server_call_duration_seconds_count", "grpc.testing.TestService/UnaryCall", "NOT_FOUND").map(([, v]) => v)).to.deep.equal([1]);

      expect((await get(s.metricsUrl.replace(/\/metrics$/, "/"))).status).to.equal(404);
    } finally {
      channel.close();
      s.child.kill("SIGKILL");
    }
  });

  it("stops serving /metrics when the server shuts down on SIGTERM", async () => {
    const s = await start();
    try {
      expect((await get(s.metricsUrl)).status).to.equal(200);
      const exited = new Promise<number | null>((r) => s.child.once("exit", (code) => r(code)));
      s.child.kill("SIGTERM");
      expect(await within(exited, "xtmp serve exiting after SIGTERM", 20_000)).to.equal(0);
      const err = await get(s.metricsUrl).then(() => undefined, (e: unknown) => e);
      expect((err as NodeJS.ErrnoException).code).to.equal("ECONNREFUSED");
    } finally {
      s.child.kill("SIGKILL");
    }
  });
});
