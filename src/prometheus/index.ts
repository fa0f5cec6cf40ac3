// Public entry `xtmp-rpc/prometheus`: an OpenTelemetry MeterProvider backed by prom-client, and a /metrics endpoint.
export { createPrometheusMeterProvider, type PrometheusMeterProvider, type PrometheusMeterProviderOptions } from "./provider.js";
export { serveMetrics, type MetricsEndpoint, type MetricsEndpointStats, type ServeMetricsOptions } from "./http.js";
export { metricName, labelName } from "./names.js";
