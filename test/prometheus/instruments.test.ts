// Each OTel instrument kind recorded through the Prometheus MeterProvider and read back from registry.metrics().
import type { BatchObservableCallback } from "@opentelemetry/api";
import { expect } from "chai";
import { Counter as PromCounter, Registry } from "prom-client";
import { createPrometheusMeterProvider } from "../../src/prometheus/index.js";
import { parseScrape } from "./scrape.js";

const CALL = Object.freeze({ "rpc.system.name": "xtmp", "rpc.method": "grpc.testing.TestService/EmptyCall", "rpc.status_code": "OK" });
const LABELS = 'rpc_method="grpc.testing.TestService/EmptyCall",rpc_status_code="OK",rpc_system_name="xtmp"';
const BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

async function scrape(registry: Registry) {
  return parseScrape(await registry.metrics());
}

describe("prometheus meter provider", () => {
  it("a histogram exports cumulative buckets from its advice, _sum and _count, with mapped labels", async () => {
    const p = createPrometheusMeterProvider();
    const h = p.getMeter("xtmp-rpc").createHistogram("rpc.server.call.duration", { unit: "s", advice: { explicitBucketBoundaries: BOUNDS } });
    for (const v of [0.001, 0.005, 0.03, 0.2, 20]) h.record(v, CALL);
    const { samples, types } = await scrape(p.registry);
    expect(types.get("rpc_server_call_duration_seconds")).to.equal("histogram");
    const bucket = (le: string) => samples.get(`rpc_server_call_duration_seconds_bucket{${LABELS},le="${le}"}`);
    expect([bucket("0.005"), bucket("0.01"), bucket("0.025"), bucket("0.05"), bucket("0.1"), bucket("0.25"), bucket("10"), bucket("+Inf")]).to.deep.equal([2, 2, 2, 3, 3, 4, 4, 5]);
    expect(BOUNDS.every((b) => bucket(String(b)) !== undefined), "one bucket per advised boundary").to.equal(true);
    expect(samples.get(`rpc_server_call_duration_seconds_count{${LABELS}}`)).to.equal(5);
    expect(samples.get(`rpc_server_call_duration_seconds_sum{${LABELS}}`)).to.be.closeTo(20.236, 1e-9);
  });

  it("a histogram without advice uses OTel's default boundaries", async () => {
    const p = createPrometheusMeterProvider();
    p.getMeter("m").createHistogram("latency", { unit: "ms" }).record(7);
    const { samples } = await scrape(p.registry);
    const les = [...samples.keys()].filter((k) => k.startsWith("latency_milliseconds_bucket")).map((k) => /le="([^"]+)"/.exec(k)?.[1]);
    expect(les).to.deep.equal(["0", "5", "10", "25", "50", "75", "100", "250", "500", "750", "1000", "2500", "5000", "7500", "10000", "+Inf"]);
    expect(samples.get('latency_milliseconds_bucket{le="10"}')).to.equal(1);
    expect(samples.get('latency_milliseconds_bucket{le="5"}')).to.equal(0);
  });

  it("the same frozen attributes object, an equal plain object and a reordered one land in one series", async () => {
    const p = createPrometheusMeterProvider();
    const h = p.getMeter("m").createHistogram("rpc.server.call.duration", { unit: "s" });
    h.record(1, CALL);
    h.record(1, CALL);
    h.record(1, { "rpc.system.name": "xtmp", "rpc.method": "grpc.testing.TestService/EmptyCall", "rpc.status_code": "OK" });
    h.record(1, { "rpc.status_code": "OK", "rpc.method": "grpc.testing.TestService/EmptyCall", "rpc.system.name": "xtmp" });
    const { samples } = await scrape(p.registry);
    const counts = [...samples].filter(([k]) => k.startsWith("rpc_server_call_duration_seconds_count"));
    expect(counts).to.deep.equal([[`rpc_server_call_duration_seconds_count{${LABELS}}`, 4]]);
  });

  it("a mutable attributes object that changes between calls is recorded under its new labels", async () => {
    const p = createPrometheusMeterProvider();
    const c = p.getMeter("m").createCounter("calls");
    const attrs: Record<string, string> = { code: "OK" };
    c.add(1, attrs);
    attrs.code = "NOT_FOUND";
    c.add(2, attrs);
    const { samples } = await scrape(p.registry);
    expect(samples.get('calls_total{code="OK"}')).to.equal(1);
    expect(samples.get('calls_total{code="NOT_FOUND"}')).to.equal(2);
  });

  it("a counter sums increments per label set as <name>_<unit>_total and drops negative or non-finite ones (counted)", async () => {
    const p = createPrometheusMeterProvider();
    const c = p.getMeter("m").createCounter("xtmp.bytes.in", { unit: "By", description: "Bytes received" });
    const tcp = Object.freeze({ transport: "tcp" });
    c.add(100, tcp);
    c.add(23, tcp);
    c.add(5, { transport: "udp" });
    c.add(-1, tcp);
    c.add(Number.NaN, tcp);
    c.add(Number.POSITIVE_INFINITY, tcp);
    const text = await p.registry.metrics();
    expect(text).to.include("# HELP xtmp_bytes_in_bytes_total Bytes received");
    const { samples, types } = parseScrape(text);
    expect(types.get("xtmp_bytes_in_bytes_total")).to.equal("counter");
    expect(samples.get('xtmp_bytes_in_bytes_total{transport="tcp"}')).to.equal(123);
    expect(samples.get('xtmp_bytes_in_bytes_total{transport="udp"}')).to.equal(5);
    expect(samples.get('xtmp_metrics_dropped_total{reason="invalid_value"}')).to.equal(3);
  });

  it("an up-down counter goes up and down and is a gauge without _total", async () => {
    const p = createPrometheusMeterProvider();
    const open = p.getMeter("m").createUpDownCounter("xtmp.sessions.open", { unit: "{session}" });
    open.add(1);
    open.add(1);
    open.add(1);
    open.add(-1);
    const { samples, types } = await scrape(p.registry);
    expect(types.get("xtmp_sessions_open")).to.equal("gauge");
    expect(samples.get("xtmp_sessions_open")).to.equal(2);
  });

  it("a gauge keeps the last value per label set; unit 1 makes it _ratio", async () => {
    const p = createPrometheusMeterProvider();
    const g = p.getMeter("m").createGauge("pool.usage", { unit: "1" });
    g.record(0.25, { pool: "a" });
    g.record(0.75, { pool: "a" });
    g.record(0.5, { pool: "b" });
    const { samples, types } = await scrape(p.registry);
    expect(types.get("pool_usage_ratio")).to.equal("gauge");
    expect(samples.get('pool_usage_ratio{pool="a"}')).to.equal(0.75);
    expect(samples.get('pool_usage_ratio{pool="b"}')).to.equal(0.5);
  });

  it("observable counter, up-down counter and gauge export what their callbacks observe at each scrape", async () => {
    const p = createPrometheusMeterProvider();
    const m = p.getMeter("m");
    let total = 10;
    const counter = m.createObservableCounter("xtmp.records.out", { unit: "{record}" });
    const cb = (r: { observe(v: number, a?: Record<string, string>): void }) => r.observe(total, { transport: "udp" });
    counter.addCallback(cb);
    m.createObservableUpDownCounter("queue.depth").addCallback((r) => r.observe(-3));
    m.createObservableGauge("temperature", { unit: "Cel" }).addCallback(async (r) => {
      await Promise.resolve();
      r.observe(21.5, { room: "a" });
    });
    let s = await scrape(p.registry);
    expect(s.types.get("xtmp_records_out_total")).to.equal("counter");
    expect(s.samples.get('xtmp_records_out_total{transport="udp"}')).to.equal(10);
    expect(s.samples.get("queue_depth")).to.equal(-3);
    expect(s.types.get("queue_depth")).to.equal("gauge");
    expect(s.samples.get('temperature_celsius{room="a"}')).to.equal(21.5);
    total = 25;
    s = await scrape(p.registry);
    expect(s.samples.get('xtmp_records_out_total{transport="udp"}')).to.equal(25);
    counter.removeCallback(cb);
    s = await scrape(p.registry);
    expect(s.samples.has('xtmp_records_out_total{transport="udp"}'), "removed callback observes nothing").to.equal(false);
  });

  it("a batch callback observes several observables once registered, and nothing after removal", async () => {
    const p = createPrometheusMeterProvider();
    const m = p.getMeter("m");
    const inB = m.createObservableCounter("xtmp.bytes.in", { unit: "By" });
    const outB = m.createObservableCounter("xtmp.bytes.out", { unit: "By" });
    const batch: BatchObservableCallback = (r) => {
      r.observe(inB, 7);
      r.observe(outB, 9);
    };
    m.addBatchObservableCallback(batch, [inB, outB]);
    let s = await scrape(p.registry);
    expect(s.samples.get("xtmp_bytes_in_bytes_total")).to.equal(7);
    expect(s.samples.get("xtmp_bytes_out_bytes_total")).to.equal(9);
    m.removeBatchObservableCallback(batch, [inB, outB]);
    s = await scrape(p.registry);
    expect(s.samples.has("xtmp_bytes_in_bytes_total")).to.equal(false);
  });

  it("a throwing, rejecting or never-settling callback is counted and the scrape still completes with the others", async () => {
    const p = createPrometheusMeterProvider({ callbackTimeoutMs: 20 });
    const m = p.getMeter("m");
    m.createObservableGauge("throws").addCallback(() => {
      throw new TypeError("bug in a callback");
    });
    m.createObservableGauge("rejects").addCallback(() => Promise.reject(new Error("no")));
    m.createObservableGauge("hangs").addCallback(() => new Promise<void>(() => undefined));
    m.createObservableGauge("fine").addCallback((r) => r.observe(1));
    const { samples } = await scrape(p.registry);
    expect(samples.get("fine")).to.equal(1);
    expect(samples.get('xtmp_metrics_dropped_total{reason="callback_error"}')).to.equal(2);
    expect(samples.get('xtmp_metrics_dropped_total{reason="callback_timeout"}')).to.equal(1);
  });

  it("label sets beyond the cardinality limit go to one otel_metric_overflow series (memory stays bounded)", async () => {
    const p = createPrometheusMeterProvider({ cardinalityLimit: 3 });
    const c = p.getMeter("m").createCounter("hits");
    for (let i = 0; i < 100; i++) c.add(1, { path: `/p${i}` });
    const { samples } = await scrape(p.registry);
    const series = [...samples.keys()].filter((k) => k.startsWith("hits_total"));
    expect(series).to.have.length(4);
    expect(samples.get('hits_total{otel_metric_overflow="true"}')).to.equal(97);
  });

  it("creating the same instrument twice gives one metric; another kind with that name records nothing (counted)", async () => {
    const p = createPrometheusMeterProvider();
    const a = p.getMeter("one").createCounter("jobs");
    const b = p.getMeter("two").createCounter("jobs");
    a.add(1);
    b.add(2);
    p.getMeter("m").createObservableCounter("jobs").addCallback((r) => r.observe(100));
    p.getMeter("m").createGauge("jobs.total").record(5);
    const { samples } = await scrape(p.registry);
    expect(samples.get("jobs_total")).to.equal(3);
    expect(samples.get('xtmp_metrics_dropped_total{reason="instrument_conflict"}')).to.equal(1);
  });

  it("shares a given registry with metrics of its own, and a name already taken there is a conflict, not a throw", async () => {
    const registry = new Registry();
    new PromCounter({ name: "app_jobs_total", help: "jobs", registers: [registry] }).inc(4);
    const p = createPrometheusMeterProvider({ registry, prefix: "app_" });
    expect(p.registry).to.equal(registry);
    p.getMeter("m").createCounter("jobs").add(1);
    p.getMeter("m").createHistogram("rpc.server.call.duration", { unit: "s" }).record(0.1);
    const { samples } = await scrape(registry);
    expect(samples.get("app_jobs_total")).to.equal(4);
    expect(samples.get("app_rpc_server_call_duration_seconds_count")).to.equal(1);
    expect(samples.get('app_xtmp_metrics_dropped_total{reason="instrument_conflict"}')).to.equal(1);
  });

  it("registry.resetMetrics() clears recorded series", async () => {
    const p = createPrometheusMeterProvider();
    const c = p.getMeter("m").createCounter("n");
    const attrs = Object.freeze({ k: "v" });
    c.add(5, attrs);
    p.registry.resetMetrics();
    c.add(1, attrs);
    const { samples } = await scrape(p.registry);
    expect(samples.get('n_total{k="v"}')).to.equal(1);
  });
});
