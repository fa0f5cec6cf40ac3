// The /metrics HTTP endpoint: GET and HEAD only, 404 elsewhere, and hostile clients never crash it or stop it serving.
import { expect } from "chai";
import { request } from "node:http";
import { connect, createServer as createTcpServer, type Socket } from "node:net";
import { once } from "node:events";
import { Registry } from "prom-client";
import { createPrometheusMeterProvider, serveMetrics, type MetricsEndpoint } from "../../src/prometheus/index.js";
import { until, within } from "../helpers/calls.js";

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function http(port: number, method: string, path: string): Promise<Reply> {
  return within(
    new Promise<Reply>((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port, method, path, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end();
    }),
    `${method} ${path}`,
  );
}

/** Sends raw bytes and resolves with everything the server sent back before closing the connection. */
function raw(port: number, bytes: string | Buffer): Promise<string> {
  return within(
    new Promise<string>((resolve) => {
      const s = connect(port, "127.0.0.1");
      const chunks: Buffer[] = [];
      s.on("data", (c: Buffer) => chunks.push(c));
      s.on("error", () => undefined);
      s.on("close", () => resolve(Buffer.concat(chunks).toString("latin1")));
      s.write(bytes);
    }),
    "the server closing a bad connection",
  );
}

describe("prometheus /metrics endpoint", function () {
  this.timeout(30_000);
  let endpoint: MetricsEndpoint;
  let registry: Registry;

  beforeEach(async () => {
    const p = createPrometheusMeterProvider();
    registry = p.registry;
    p.getMeter("m").createCounter("xtmp.handshakes", { unit: "{handshake}" }).add(3, { result: "ok" });
    endpoint = await serveMetrics("127.0.0.1:0", registry, { maxConnections: 16 });
  });

  afterEach(async () => {
    await endpoint.close();
  });

  it("GET /metrics returns the registry's text with its content type (a query string is ignored)", async () => {
    for (const path of ["/metrics", "/metrics?format=text"]) {
      const r = await http(endpoint.port, "GET", path);
      expect(r.status).to.equal(200);
      expect(r.headers["content-type"]).to.equal(registry.contentType);
      expect(r.body).to.include('xtmp_handshakes_total{result="ok"} 3\n');
    }
    expect(endpoint.stats.scrapes).to.equal(2);
  });

  it("HEAD /metrics answers the headers without a body", async () => {
    const r = await http(endpoint.port, "HEAD", "/metrics");
    expect(r.status).to.equal(200);
    expect(r.headers["content-type"]).to.equal(registry.contentType);
    expect(Number(r.headers["content-length"])).to.be.greaterThan(0);
    expect(r.body).to.equal("");
  });

  it("other methods get 405 with Allow: GET, HEAD", async () => {
    for (const method of ["POST", "PUT", "DELETE", "OPTIONS", "PATCH"]) {
      const r = await http(endpoint.port, method, "/metrics");
      expect(r.status, method).to.equal(405);
      expect(r.headers.allow).to.equal("GET, HEAD");
      expect(r.body).to.not.include("xtmp_handshakes_total");
    }
    expect(endpoint.stats.badMethod).to.equal(5);
  });

  it("other paths get 404 and no metrics", async () => {
    for (const path of ["/", "/metric", "/metrics/", "/metricsx", "/../metrics", "*"]) {
      const r = await http(endpoint.port, "GET", path);
      expect(r.status, path).to.equal(404);
      expect(r.body).to.not.include("xtmp_handshakes_total");
    }
    expect(endpoint.stats.notFound).to.equal(6);
  });

  it("malformed and oversized requests end their connection only; the endpoint keeps serving", async () => {
    const garbage = await raw(endpoint.port, "\x00\x01\x02 not http at all\r\n\r\n");
    expect(garbage).to.not.include("xtmp_handshakes_total");
    const huge = await raw(endpoint.port, `GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(64 * 1024)}\r\n\r\n`);
    expect(huge).to.not.include("xtmp_handshakes_total");
    expect(endpoint.stats.badConnections).to.equal(2);
    expect((await http(endpoint.port, "GET", "/metrics")).status).to.equal(200);
  });

  it("connections beyond maxConnections are dropped and counted; the endpoint serves again once they close", async () => {
    const sockets: Socket[] = [];
    try {
      for (let i = 0; i < 64; i++) {
        const s = connect(endpoint.port, "127.0.0.1");
        s.on("error", () => undefined);
        sockets.push(s);
      }
      await Promise.all(sockets.map((s) => once(s, "connect")));
      expect(await until(() => endpoint.stats.badConnections >= 64 - 16, 10_000), "dropped connections counted").to.equal(true);
      expect(endpoint.stats.badConnections).to.equal(64 - 16);
    } finally {
      for (const s of sockets) s.destroy();
    }
    let served = false;
    const deadline = Date.now() + 10_000;
    while (!served && Date.now() < deadline) served = await http(endpoint.port, "GET", "/metrics").then((r) => r.status === 200, () => false);
    expect(served).to.equal(true);
  });

  it("a collection that fails answers 500 and the next scrape works", async () => {
    let fail = true;
    const p = createPrometheusMeterProvider({ registry });
    p.getMeter("m").createObservableGauge("flaky").addCallback((r) => r.observe(1));
    const original = registry.metrics.bind(registry);
    registry.metrics = () => (fail ? Promise.reject(new Error("collector broke")) : original());
    const bad = await http(endpoint.port, "GET", "/metrics");
    expect(bad.status).to.equal(500);
    expect(endpoint.stats.failed).to.equal(1);
    fail = false;
    const good = await http(endpoint.port, "GET", "/metrics");
    expect(good.status).to.equal(200);
    expect(good.body).to.include("flaky 1\n");
  });

  it("a bad HOST:PORT or a port in use rejects (no crash)", async () => {
    for (const bad of ["nonsense", "127.0.0.1", "127.0.0.1:99999", ":80", "127.0.0.1:-1"]) {
      const err = await serveMetrics(bad, registry).then(() => undefined, (e: unknown) => e);
      expect(err, bad).to.be.instanceOf(TypeError);
    }
    const busy = createTcpServer();
    busy.listen(0, "127.0.0.1");
    await once(busy, "listening");
    const { port } = busy.address() as { port: number };
    try {
      const err = await serveMetrics(`127.0.0.1:${port}`, registry).then(() => undefined, (e: unknown) => e);
      expect((err as NodeJS.ErrnoException).code).to.equal("EADDRINUSE");
    } finally {
      busy.close();
    }
  });

  it("close() stops listening and ends open connections", async () => {
    const idle = connect(endpoint.port, "127.0.0.1");
    idle.on("error", () => undefined);
    await once(idle, "connect");
    const closed = once(idle, "close");
    await within(endpoint.close(), "close()");
    await within(closed, "the idle connection closing");
    const err = await http(endpoint.port, "GET", "/metrics").then(() => undefined, (e: unknown) => e);
    expect((err as NodeJS.ErrnoException).code).to.equal("ECONNREFUSED");
    endpoint = await serveMetrics("127.0.0.1:0", registry); // for afterEach
  });
});
