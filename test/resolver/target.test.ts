// Target parsing and the fixed-list resolvers: xtmp://, bare host:port, ws(s)://, static:///, custom schemes.
import { expect } from "chai";
import { createResolver, parseTarget, type Resolver, type ResolverFactory, type Target } from "../../src/resolver/resolver.js";
import { Code } from "../../src/status/code.js";
import { XtmpError } from "../../src/status/error.js";
import { within } from "../helpers/calls.js";
import { drain, Recorder } from "./recorder.js";

/** The XtmpError `fn` throws (fails the test if it returns or throws anything else). */
function thrown(fn: () => unknown): XtmpError {
  try {
    fn();
  } catch (err) {
    if (err instanceof XtmpError) return err;
    throw err;
  }
  throw new Error("expected an XtmpError to be thrown");
}

/** Starts a resolver for `target` and returns the first endpoint list it reports. */
async function firstList(target: string, options?: Parameters<typeof createResolver>[1]): Promise<string[]> {
  const r = createResolver(target, options);
  const rec = new Recorder();
  r.start(rec);
  try {
    return await within(rec.nextEndpoints(), `endpoints of ${target}`);
  } finally {
    r.close();
  }
}

describe("resolver: targets", () => {
  describe("parseTarget", () => {
    const accepted: Array<[string, Omit<Target, "raw">]> = [
      ["xtmp://example.com:5000", { scheme: "xtmp", authority: "example.com:5000", path: "" }],
      ["XTMP://h:1", { scheme: "xtmp", authority: "h:1", path: "" }],
      ["localhost:5000", { scheme: "xtmp", authority: "localhost:5000", path: "" }],
      ["127.0.0.1:0", { scheme: "xtmp", authority: "127.0.0.1:0", path: "" }],
      ["[::1]:65535", { scheme: "xtmp", authority: "[::1]:65535", path: "" }],
      ["dns:///svc.local:443", { scheme: "dns", authority: "", path: "svc.local:443" }],
      ["dns://8.8.8.8/svc:443", { scheme: "dns", authority: "8.8.8.8", path: "svc:443" }],
      ["static:///a:1,b:2,[::1]:3", { scheme: "static", authority: "", path: "a:1,b:2,[::1]:3" }],
      ["ws://h:8080/rpc/x?y=1", { scheme: "ws", authority: "h:8080", path: "rpc/x?y=1" }],
      ["my-scheme+v1://auth/some/path", { scheme: "my-scheme+v1", authority: "auth", path: "some/path" }],
    ];
    for (const [input, want] of accepted) {
      it(`accepts ${input}`, () => {
        expect(parseTarget(input)).to.deep.equal({ ...want, raw: input });
      });
    }

    it("keeps the trimmed text as raw", () => {
      expect(parseTarget("  dns:///h:1 ").raw).to.equal("dns:///h:1");
    });

    const rejected: Array<[string, RegExp]> = [
      ["", /empty/],
      ["   ", /empty/],
      ["localhost", /missing port/],
      ["localhost:", /missing port/],
      [":5000", /missing host/],
      ["::1:5000", /need brackets/],
      ["[::1]", /missing port/],
      ["[::1]:", /missing port/],
      ["[nothex]:5", /not an IPv6 address/],
      ["host:65536", /0\.\.65535/],
      ["host:-1", /0\.\.65535/],
      ["host:12a", /0\.\.65535/],
      ["host:123456", /0\.\.65535/],
      ["ho st:1", /whitespace/],
      ["ho\tst:1", /whitespace/],
      ["[::1]x:5", /malformed/],
      ["host\u0000:1", /control/],
      ["bad!host:1", /not a host name/],
      ["1abc://x", /scheme/],
      ["://x:1", /scheme/],
    ];
    for (const [input, why] of rejected) {
      it(`rejects ${JSON.stringify(input)} with INVALID_ARGUMENT`, () => {
        const err = thrown(() => parseTarget(input));
        expect(err.code).to.equal(Code.INVALID_ARGUMENT);
        expect(err.rawMessage).to.match(why);
      });
    }
  });

  describe("createResolver rejects malformed targets at creation", () => {
    const rejected: Array<[string, RegExp]> = [
      ["static:///", /no addresses/],
      ["static:///a:1,,b:2", /entry 2 is empty/],
      ["static:///a:1,", /entry 2 is empty/],
      ["static:///a:1,b", /missing port/],
      ["static:///a:1,b:70000", /0\.\.65535/],
      ["static:///a:1,a:1", /a:1 is listed twice/],
      ["static:///[::1]:5,[0:0::1]:5", /listed twice/],
      ["static:///::1:5", /need brackets/],
      ["static://x/a:1", /no authority/],
      ["dns:///", /missing host:port/],
      ["dns:///svc", /missing port/],
      ["dns://8.8.8.8/svc:53", /not supported/],
      ["dns:///svc:1/extra", /port "1\/extra"/],
      ["xtmp://h:1/path", /no path/],
      ["xtmp://h", /missing port/],
      ["ws://", /not a valid ws:\/\/ URL/],
      ["wss:///path", /not a valid wss:\/\/ URL/],
    ];
    for (const [input, why] of rejected) {
      it(`rejects ${input}`, () => {
        const err = thrown(() => createResolver(input));
        expect(err.code).to.equal(Code.INVALID_ARGUMENT);
        expect(err.rawMessage).to.match(why);
      });
    }

    it("rejects an unknown scheme, listing the supported ones", () => {
      const err = thrown(() => createResolver("consul://agent/svc"));
      expect(err.code).to.equal(Code.INVALID_ARGUMENT);
      expect(err.rawMessage).to.include('"consul"');
      for (const s of ["dns://", "static://", "ws://", "wss://", "xtmp://"]) expect(err.rawMessage).to.include(s);
    });

    it("does not take scheme names from Object.prototype", () => {
      expect(thrown(() => createResolver("constructor://x/y")).code).to.equal(Code.INVALID_ARGUMENT);
      expect(thrown(() => createResolver("__proto__://x/y")).code).to.equal(Code.INVALID_ARGUMENT);
    });

    it("rejects a negative or non-finite minRefreshIntervalMs", () => {
      expect(thrown(() => createResolver("dns:///h:1", { minRefreshIntervalMs: -1 })).code).to.equal(Code.INVALID_ARGUMENT);
      expect(thrown(() => createResolver("dns:///h:1", { minRefreshIntervalMs: NaN })).code).to.equal(Code.INVALID_ARGUMENT);
    });
  });

  describe("fixed lists", () => {
    it("xtmp:// gives one endpoint and keeps a host name unresolved", async () => {
      expect(await firstList("xtmp://some.host.example:5000")).to.deep.equal(["xtmp://some.host.example:5000"]);
    });

    it("a bare host:port and [v6]:port become xtmp:// endpoints", async () => {
      expect(await firstList("localhost:7")).to.deep.equal(["xtmp://localhost:7"]);
      expect(await firstList("[::1]:5000")).to.deep.equal(["xtmp://[::1]:5000"]);
      expect(await firstList("[0:0:0:0:0:0:0:1]:05000")).to.deep.equal(["xtmp://[::1]:5000"]);
    });

    it("ws:// and wss:// URLs pass through unchanged", async () => {
      expect(await firstList("ws://h.example:8080/rpc?x=1")).to.deep.equal(["ws://h.example:8080/rpc?x=1"]);
      expect(await firstList("wss://h.example/rpc")).to.deep.equal(["wss://h.example/rpc"]);
    });

    it("static:/// gives the list in order, IPv6 in brackets", async () => {
      expect(await firstList("static:///a.example:1,10.0.0.2:2,[::1]:3,[FE80::2]:0")).to.deep.equal([
        "xtmp://a.example:1",
        "xtmp://10.0.0.2:2",
        "xtmp://[::1]:3",
        "xtmp://[fe80::2]:0",
      ]);
    });

    it("dns:/// with an IP literal host needs no lookup", async () => {
      let lookups = 0;
      const lookup = async () => {
        lookups++;
        return [];
      };
      expect(await firstList("dns:///[::1]:9", { lookup })).to.deep.equal(["xtmp://[::1]:9"]);
      expect(await firstList("dns:///127.0.0.1:9", { lookup })).to.deep.equal(["xtmp://127.0.0.1:9"]);
      expect(lookups).to.equal(0);
    });

    it("reports once, asynchronously after start, and refresh() adds nothing", async () => {
      const r = createResolver("static:///a:1,b:2");
      const rec = new Recorder();
      r.start(rec);
      expect(rec.events, "no synchronous callback from start()").to.have.length(0);
      expect(await within(rec.nextEndpoints(), "endpoints")).to.deep.equal(["xtmp://a:1", "xtmp://b:2"]);
      r.refresh();
      r.refresh();
      await drain();
      expect(rec.events).to.have.length(1);
      r.close();
    });

    it("close() right after start() suppresses the report", async () => {
      const r = createResolver("xtmp://h:1");
      const rec = new Recorder();
      r.start(rec);
      r.close();
      await drain();
      expect(rec.events).to.deep.equal([]);
    });

    it("start() twice is refused", () => {
      const r = createResolver("xtmp://h:1");
      r.start(new Recorder());
      expect(thrown(() => r.start(new Recorder())).code).to.equal(Code.FAILED_PRECONDITION);
      r.close();
    });
  });

  describe("custom resolvers", () => {
    function fixed(seen: Target[], address: string): ResolverFactory {
      return (target): Resolver => {
        seen.push(target);
        let closed = false;
        return {
          start: (l) => queueMicrotask(() => closed || l.onEndpoints([{ address }])),
          refresh: () => undefined,
          close: () => void (closed = true),
        };
      };
    }

    it("a new scheme is served by the user's factory, which gets the parsed target and the options", async () => {
      const seen: Target[] = [];
      let gotOptions: unknown;
      const factory: ResolverFactory = (t, o) => {
        gotOptions = o;
        return fixed(seen, "xtmp://10.1.1.1:1")(t, o);
      };
      const list = await firstList("Consul://agent:8500/billing", { resolvers: { consul: factory }, minRefreshIntervalMs: 5 });
      expect(list).to.deep.equal(["xtmp://10.1.1.1:1"]);
      expect(seen).to.deep.equal([{ scheme: "consul", authority: "agent:8500", path: "billing", raw: "Consul://agent:8500/billing" }]);
      expect(gotOptions).to.deep.equal({ minRefreshIntervalMs: 5 });
    });

    it("a user factory for a built-in scheme replaces it (dns can be swapped out)", async () => {
      const seen: Target[] = [];
      const list = await firstList("dns://my-dns-server/svc", { resolvers: { DNS: fixed(seen, "xtmp://10.2.2.2:2") } });
      expect(list).to.deep.equal(["xtmp://10.2.2.2:2"]);
      expect(seen.map((t) => t.authority)).to.deep.equal(["my-dns-server"]);
    });

    it("a user scheme is listed in the unknown-scheme message, and a non-function factory is refused", () => {
      const err = thrown(() => createResolver("nope://x/y", { resolvers: { consul: fixed([], "xtmp://h:1") } }));
      expect(err.rawMessage).to.include("consul://");
      const bad = { consul: "not a function" } as unknown as Record<string, ResolverFactory>;
      expect(thrown(() => createResolver("consul://x/y", { resolvers: bad })).code).to.equal(Code.INVALID_ARGUMENT);
    });
  });
});
