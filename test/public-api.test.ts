// Pins the public surface: the export lists of the package entries (., ./session, ./health, the browser bundle) and the package.json exports map.
//
// Changing the public API is a deliberate act: when you add, rename or remove an export, update the
// matching list below in the same change (sorted; `values` = runtime exports, `types` = type-only
// exports), and say why in the commit. A test that fails here means an export changed by accident.
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildBrowser } from "../browser/build.js";
import { ROOT } from "../codegen/test/build-request.js";
import { addHealth, HealthDefinition, ServingStatus } from "../services/health.js";
import { nodeCrypto as browserNodeCrypto } from "../src/secure/crypto-node-browser.js";
import { Code, createChannel, createClient, createServer, generateIdentity, XtmpError } from "../src/index.js";
import type { SocketReceiver } from "../src/transport/receiver.js";
import type { ByteReceiver } from "../src/wire/duplex.js";

interface Surface {
  readonly values: readonly string[];
  readonly types: readonly string[];
}

/** Entry file (repo-relative) -> its pinned exports. */
const PINNED: Record<string, Surface> = {
  "src/index.ts": {
    values: [
      "BadRequest",
      "Channel",
      "Code",
      "ContextValues",
      "DEFAULT_MIN_REFRESH_INTERVAL_MS",
      "DEFAULT_RETRY_POLICY",
      "DURATION_BUCKETS",
      "DebugInfo",
      "ErrorInfo",
      "Help",
      "LocalizedMessage",
      "MAX_RETRY_INFO_DELAY_MS",
      "METER_NAME",
      "MessageBatch",
      "Metadata",
      "OTHER_METHOD",
      "PreconditionFailure",
      "QuotaFailure",
      "RequestInfo",
      "ResourceInfo",
      "RetryInfo",
      "RetryThrottle",
      "RpcError",
      "SIGNED_OVER_GRPC",
      "Server",
      "ServerReflectionV1AlphaDefinition",
      "ServerReflectionV1Definition",
      "TRACER_NAME",
      "TYPE_URL_PREFIX",
      "TicketCache",
      "XtmpError",
      "addReflection",
      "batch",
      "codeName",
      "createChannel",
      "createClient",
      "createContextKey",
      "createReflectionService",
      "createResolver",
      "createServer",
      "decodeDetail",
      "detailType",
      "findDetails",
      "generateIdentity",
      "identityFromSeed",
      "isCode",
      "issueCertificate",
      "listDetails",
      "loadIdentity",
      "packDetail",
      "parseCertificate",
      "parsePublicKey",
      "parseServiceConfig",
      "parseTarget",
      "resumableStream",
      "retryInfoDelayMs",
      "saveIdentity",
      "statusDetail",
    ],
    types: [
      "AnyMethodDescriptor",
      "BalancedEndpoint",
      "CallOptions",
      "CallTransport",
      "Certificate",
      "ChannelCloseOptions",
      "ChannelOptions",
      "ChannelState",
      "CipherName",
      "ClientCallOptions",
      "ClientInterceptor",
      "ClientInvoke",
      "ClientMethod",
      "ClientOf",
      "ClientRequest",
      "ClientResponse",
      "Clock",
      "CompressionPolicy",
      "ConnectionBackoffOptions",
      "ContextKey",
      "CryptoBackend",
      "DatagramCallStats",
      "DeepPartial",
      "Delivery",
      "DetailCodec",
      "DetailReader",
      "DetailType",
      "Endpoint",
      "EndpointState",
      "ErrorMetadataEntry",
      "EventListener",
      "EventSide",
      "FileDescriptorInfo",
      "GoAwayEvent",
      "GrpcBridgeOptions",
      "GrpcBridgeStats",
      "HandlerMethod",
      "HandshakeFailedEvent",
      "HandshakeFailureReason",
      "HedgingPolicy",
      "Idempotency",
      "Identity",
      "ImplementationOf",
      "Kem",
      "LoadBalancingPolicy",
      "MessageCodec",
      "MetadataInit",
      "MetadataValue",
      "MethodConfig",
      "MethodDescriptor",
      "MethodKind",
      "MethodRules",
      "ProxyProtocolOptions",
      "ProxyProtocolStats",
      "ProxyRejectReason",
      "ReflectionHost",
      "ReflectionSource",
      "RekeyPolicy",
      "Resolver",
      "ResolverFactory",
      "ResolverListener",
      "ResolverOptions",
      "ResumableStreamOptions",
      "ResumptionStats",
      "RetryPolicy",
      "RetryThrottlingConfig",
      "ServerContext",
      "ServerInterceptor",
      "ServerInvoke",
      "ServerOptions",
      "ServerReflectionImplementation",
      "ServerRequest",
      "ServerStats",
      "ServiceConfig",
      "ServiceConfigInput",
      "ServiceDescriptor",
      "ServiceRules",
      "SessionClosedEvent",
      "SessionInfo",
      "SessionOpenedEvent",
      "StatusDetailEntry",
      "StoredTicket",
      "StreamInput",
      "Streamed",
      "SubchannelInfo",
      "Target",
      "TelemetryOptions",
      "TicketCacheOptions",
      "TicketRefusal",
      "TrustPolicy",
      "WorkerExit",
      "WorkerStats",
      "XtmpErrorOptions",
      "XtmpEvent",
    ],
  },
  "src/prometheus/index.ts": {
    values: [
      "createPrometheusMeterProvider",
      "labelName",
      "metricName",
      "serveMetrics",
    ],
    types: [
      "MetricsEndpoint",
      "MetricsEndpointStats",
      "PrometheusMeterProvider",
      "PrometheusMeterProviderOptions",
      "ServeMetricsOptions",
    ],
  },
  "src/session.ts": {
    values: ["HandshakeError", "acceptSession", "connectSession", "duplexPair", "mlKem768", "nobleCrypto", "nodeCrypto"],
    types: [
      "ByteDuplex",
      "ByteReceiver",
      "CipherName",
      "ClientSessionOptions",
      "CryptoBackend",
      "FrameDuplex",
      "FrameReceiver",
      "HandshakeFailureReason",
      "Kem",
      "MemoryDuplex",
      "RecordStats",
      "RekeyPolicy",
      "ServerSessionOptions",
      "Session",
      "SessionInfo",
      "SessionOptions",
    ],
  },
  "services/health.ts": {
    values: ["HealthCheckRequest", "HealthCheckResponse", "HealthDefinition", "HealthRegistry", "ServingStatus", "addHealth", "createHealthService"],
    types: ["HealthHost", "HealthImplementation"],
  },
  "src/browser/index.ts": {
    values: ["Channel", "Code", "Metadata", "RpcError", "XtmpError", "codeName", "createChannel", "createClient", "generateIdentity", "identityFromSeed", "nobleCrypto", "parsePublicKey"],
    types: ["ChannelOptions", "Identity"],
  },
};

/** package.json "exports" subpath -> the entry file it is built from. */
const SUBPATHS: Record<string, string> = {
  ".": "src/index.ts",
  "./session": "src/session.ts",
  "./health": "services/health.ts",
  "./prometheus": "src/prometheus/index.ts",
};

/** Names a file exports, read from its text: runtime values and type-only names. */
function exportsOf(text: string): Surface {
  const values = new Set<string>();
  const types = new Set<string>();
  for (const m of text.matchAll(/^export\s+(type\s+)?\{([^}]*)\}/gm)) {
    for (const raw of (m[2] as string).split(",")) {
      const item = raw.replace(/\/\/.*$/gm, "").trim();
      if (!item) continue;
      const isType = m[1] !== undefined || item.startsWith("type ");
      const name = item.replace(/^type\s+/, "").split(/\s+as\s+/).pop()?.trim() as string;
      (isType ? types : values).add(name);
    }
  }
  for (const m of text.matchAll(/^export\s+(?:declare\s+)?(interface|type|class|function\*?|const|let|enum|abstract\s+class|async\s+function)\s+([A-Za-z_$][\w$]*)/gm)) {
    (m[1] === "interface" || m[1] === "type" ? types : values).add(m[2] as string);
  }
  return { values: [...values].sort(), types: [...types].sort() };
}

/** Type-level equality: `true` only when A and B are assignable both ways. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

describe("public API", function () {
  this.timeout(30_000);

  for (const [file, pinned] of Object.entries(PINNED)) {
    describe(file, () => {
      it("exports exactly the pinned runtime values", async () => {
        const mod = (await import(join(ROOT, file))) as Record<string, unknown>;
        expect(Object.keys(mod).sort()).to.deep.equal([...pinned.values].sort());
      });

      it("exports exactly the pinned type-only names (read from the file)", () => {
        const found = exportsOf(readFileSync(join(ROOT, file), "utf8"));
        expect(found.types).to.deep.equal([...pinned.types].sort());
        // the reader agrees with the runtime: it did not miss an export statement
        expect(found.values).to.deep.equal([...pinned.values].sort());
      });
    });
  }

  it("the main entry does not export the session-level API (it lives in xtmp-rpc/session)", () => {
    const main = PINNED["src/index.ts"] as Surface;
    const session = PINNED["src/session.ts"] as Surface;
    expect(main.values.filter((v) => session.values.includes(v))).to.deep.equal([]);
  });

  it("package.json exports each subpath's compiled entry with types and import conditions, and ships what it points to", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { exports: Record<string, { types: string; import: string }>; files: string[] };
    const expected: Record<string, { types: string; import: string }> = {};
    for (const [sub, src] of Object.entries(SUBPATHS)) {
      const out = `./dist/${src.replace(/\.ts$/, "")}`;
      expected[sub] = { types: `${out}.d.ts`, import: `${out}.js` };
    }
    expect(pkg.exports).to.deep.equal(expected);
    expect(pkg.files).to.include("dist");
    expect(pkg.files).to.include("services/health.ts");
    const build = JSON.parse(readFileSync(join(ROOT, "tsconfig.build.json"), "utf8")) as { include: string[] };
    for (const src of Object.values(SUBPATHS)) expect(build.include, src).to.include(src.split("/")[0]);
  });

  it("the browser bundle exports the pinned names: no `nodeCrypto`, the noble backend only as `nobleCrypto`", async () => {
    const dir = mkdtempSync(join(tmpdir(), "xtmp-api-"));
    try {
      await buildBrowser("src/browser/index.ts", join(dir, "xtmp.js"));
      const bundle = readFileSync(join(dir, "xtmp.js"), "utf8");
      const last = [...bundle.matchAll(/^export\s*\{([^}]*)\}/gm)].pop();
      const names = (last?.[1] ?? "").split(",").map((s) => s.trim().split(/\s+as\s+/).pop() as string).filter(Boolean);
      expect(names.sort()).to.deep.equal([...(PINNED["src/browser/index.ts"] as Surface).values].sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("in the browser build `nodeCrypto` is not a backend: every operation fails with UNIMPLEMENTED", () => {
    const calls: Array<() => unknown> = [
      () => browserNodeCrypto.randomBytes(32),
      () => browserNodeCrypto.ed25519PublicKey(new Uint8Array(32)),
      () => browserNodeCrypto.sha256(new Uint8Array(1)),
      () => browserNodeCrypto.x25519Generate(),
    ];
    for (const call of calls) {
      let caught: unknown;
      try {
        call();
      } catch (err) {
        caught = err;
      }
      expect(caught).to.be.instanceOf(XtmpError);
      expect((caught as XtmpError).code).to.equal(Code.UNIMPLEMENTED);
    }
  });

  it("transport's SocketReceiver and wire's ByteReceiver are the same interface (a type check: this file does not compile otherwise)", () => {
    const same: Same<SocketReceiver, ByteReceiver> = true;
    expect(same).to.equal(true);
  });

  it("xtmp-rpc/health: addHealth serves Check on a server; statuses set on the registry are what clients see", async () => {
    const identity = generateIdentity();
    const server = createServer({ identity });
    const health = addHealth(server);
    await server.listen("memory://public-api-health");
    const channel = createChannel("memory://public-api-health", { serverKey: identity.publicKey });
    try {
      const client = createClient(HealthDefinition, channel);
      expect((await client.check({ service: "" })).status).to.equal(ServingStatus.SERVING);
      health.set("demo.Service", ServingStatus.NOT_SERVING);
      expect((await client.check({ service: "demo.Service" })).status).to.equal(ServingStatus.NOT_SERVING);
      const err = await client.check({ service: "nope" }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(XtmpError);
      expect((err as XtmpError).code).to.equal(Code.NOT_FOUND);
    } finally {
      channel.close();
      await server.shutdown({ graceMs: 0 });
    }
  });
});
