// Micro-benchmark (`npm run bench:metrics-record`): ns per histogram record() against prom-client's own observe().
import { Histogram, Registry } from "prom-client";
import { createPrometheusMeterProvider } from "../src/prometheus/index.js";

const BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
const N = 2_000_000;
const values = Float64Array.from({ length: 1024 }, () => Math.random() * 0.2);

function time(name: string, f: (v: number) => void): void {
  for (let i = 0; i < 200_000; i++) f(values[i & 1023] as number); // warm up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) f(values[i & 1023] as number);
  const ns = Number(process.hrtime.bigint() - t0) / N;
  console.log(`${name.padEnd(58)} ${ns.toFixed(1).padStart(7)} ns/op`);
}

const frozen = Object.freeze({ "rpc.system.name": "xtmp", "rpc.method": "grpc.testing.TestService/EmptyCall", "rpc.status_code": "OK" });
const plain = { "rpc.system.name": "xtmp", "rpc.method": "grpc.testing.TestService/EmptyCall", "rpc.status_code": "OK" };
const labels = { rpc_system_name: "xtmp", rpc_method: "grpc.testing.TestService/EmptyCall", rpc_status_code: "OK" };

const h = createPrometheusMeterProvider().getMeter("bench").createHistogram("rpc.server.call.duration", { unit: "s", advice: { explicitBucketBoundaries: BOUNDS } });
const prom = new Histogram({ name: "raw_seconds", help: "raw", labelNames: Object.keys(labels), buckets: BOUNDS, registers: [new Registry()] });
const child = prom.labels(labels);

for (let round = 0; round < 2; round++) {
  time("otel record(), frozen reused attributes (WeakMap hit)", (v) => h.record(v, frozen));
  time("otel record(), plain attributes object (labels hashed)", (v) => h.record(v, plain));
  time("prom-client histogram.observe(labels, v)", (v) => prom.observe(labels, v));
  time("prom-client cached child .labels(l).observe(v)", (v) => child.observe(v));
}
