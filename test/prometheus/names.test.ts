// OTel → Prometheus naming: metric names with unit and `_total` suffixes, label names and values.
import { expect } from "chai";
import { labelName, labelValue, metricName, unitSuffix } from "../../src/prometheus/names.js";

describe("prometheus names", () => {
  it("dots and other invalid characters become _, runs of _ collapse, a leading digit gets _", () => {
    expect(metricName("rpc.server.call.duration", undefined, "histogram")).to.equal("rpc_server_call_duration");
    expect(metricName("a-b..c/d", undefined, "gauge")).to.equal("a_b_c_d");
    expect(metricName("9lives", undefined, "gauge")).to.equal("_9lives");
    expect(metricName("keep:colons_ok", undefined, "gauge")).to.equal("keep:colons_ok");
  });

  it("the unit becomes a suffix: s → _seconds, ms → _milliseconds, By → _bytes, By/s → _bytes_per_second", () => {
    expect(metricName("rpc.server.call.duration", "s", "histogram")).to.equal("rpc_server_call_duration_seconds");
    expect(metricName("rpc.client.call.duration", "ms", "histogram")).to.equal("rpc_client_call_duration_milliseconds");
    expect(metricName("xtmp.memory", "By", "gauge")).to.equal("xtmp_memory_bytes");
    expect(metricName("xtmp.throughput", "By/s", "gauge")).to.equal("xtmp_throughput_bytes_per_second");
    expect(metricName("xtmp.rate", "{request}/s", "gauge")).to.equal("xtmp_rate_per_second");
  });

  it("curly-brace annotations are dropped and add no suffix", () => {
    expect(metricName("xtmp.handshakes", "{handshake}", "counter")).to.equal("xtmp_handshakes_total");
    expect(unitSuffix("{record}", "counter")).to.equal("");
    expect(metricName("xtmp.bytes.in", "By{payload}", "counter")).to.equal("xtmp_bytes_in_bytes_total");
  });

  it("unit 1 is _ratio for gauges only", () => {
    expect(metricName("cpu.utilization", "1", "gauge")).to.equal("cpu_utilization_ratio");
    expect(metricName("cpu.utilization", "1", "upDownCounter")).to.equal("cpu_utilization");
    expect(metricName("items", "1", "counter")).to.equal("items_total");
  });

  it("counters end in _total once, after the unit; up-down counters and gauges never do", () => {
    expect(metricName("xtmp.bytes.in", "By", "counter")).to.equal("xtmp_bytes_in_bytes_total");
    expect(metricName("requests.total", undefined, "counter")).to.equal("requests_total");
    expect(metricName("xtmp.sessions.open", "{session}", "upDownCounter")).to.equal("xtmp_sessions_open");
    expect(metricName("wait.total", "s", "counter")).to.equal("wait_seconds_total");
  });

  it("a unit already at the end of the name is not repeated", () => {
    expect(metricName("process.cpu.seconds", "s", "counter")).to.equal("process_cpu_seconds_total");
    expect(metricName("xtmp.rx_bytes", "By", "gauge")).to.equal("xtmp_rx_bytes");
  });

  it("unknown units are sanitized into the suffix", () => {
    expect(metricName("widgets", "wid-get", "gauge")).to.equal("widgets_wid_get");
  });

  it("the prefix comes first and is sanitized with the name", () => {
    expect(metricName("rpc.server.call.duration", "s", "histogram", "my.app_")).to.equal("my_app_rpc_server_call_duration_seconds");
  });

  it("label names: . → _, a leading digit gets key_, a leading __ (reserved) gets key", () => {
    expect(labelName("rpc.status_code")).to.equal("rpc_status_code");
    expect(labelName("rpc.system.name")).to.equal("rpc_system_name");
    expect(labelName("http-method")).to.equal("http_method");
    expect(labelName("1st")).to.equal("key_1st");
    expect(labelName("__name__")).to.equal("key__name__");
    expect(labelName("_private")).to.equal("_private");
  });

  it("label values: strings as they are, numbers and booleans as text, arrays as JSON", () => {
    expect(labelValue("OK")).to.equal("OK");
    expect(labelValue(42)).to.equal("42");
    expect(labelValue(false)).to.equal("false");
    expect(labelValue(["a", "b"])).to.equal('["a","b"]');
  });
});
