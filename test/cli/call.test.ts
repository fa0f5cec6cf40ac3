// `xtmp call`/`list`/`describe` in --proto mode against `xtmp serve`: every call kind, statuses, metadata, signed methods, bad input, and the README's commands.
import { expect } from "chai";
import { serve, xtmp, type Run } from "../helpers/cli-run.js";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";


/** The `xtmp call` examples proposed for the README, run verbatim (port and key directory substituted). */
export const README_CALL_EXAMPLES = `npx xtmp keygen --out keys
npx xtmp serve --listen 127.0.0.1:7443 --keys keys &
# unary: the request and the response are proto3 JSON
npx xtmp call 127.0.0.1:7443 grpc.testing.TestService/UnaryCall '{"responseSize":3}' --proto proto/grpc/testing/test.proto --import-path proto --server-key $(cat keys/identity.pub)
# prints {"payload":{"body":"AAAA"}}
# server streaming: one JSON object per line
npx xtmp call 127.0.0.1:7443 grpc.testing.TestService/StreamingOutputCall '{"responseParameters":[{"size":1},{"size":2}]}' --proto proto/grpc/testing/test.proto --import-path proto --server-key $(cat keys/identity.pub)
# prints {"payload":{"body":"AA=="}}
# prints {"payload":{"body":"AAA="}}
# client streaming and bidi: "-" reads one JSON request per line from stdin
printf '{"payload":{"body":"AAAA"}}\\n{"payload":{"body":"AAA="}}\\n' | npx xtmp call 127.0.0.1:7443 grpc.testing.TestService/StreamingInputCall - --proto proto/grpc/testing/test.proto --import-path proto --server-key $(cat keys/identity.pub)
# prints {"aggregatedPayloadSize":5}
# an error: the exit code is the status code; status and message go to stderr
npx xtmp call 127.0.0.1:7443 grpc.testing.TestService/UnaryCall '{"responseStatus":{"code":5,"message":"no such wallet"}}' --proto proto/grpc/testing/test.proto --import-path proto --server-key $(cat keys/identity.pub)
# exits 5: ERROR NOT_FOUND: no such wallet
# signed methods sign with the identity in --keys (without it, a new one for this call)
npx xtmp keygen --out me
npx xtmp call 127.0.0.1:7443 bpci.v1.BpciService/RegisterWallet '{"walletId":"alice","publicKey":"AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=","kind":"WALLET_KIND_PERSONAL","metadata":{"region":"eu-west"},"createdAtMs":"1700000000000"}' --proto proto/bpci/v1/bpci.proto --import-path proto --server-key $(cat keys/identity.pub) --keys me
npx xtmp list 127.0.0.1:7443 --proto proto/bpci/v1/bpci.proto --import-path proto
# prints bpci.v1.BpciService
npx xtmp describe 127.0.0.1:7443 bpci.v1.BpciService.RegisterWallet --proto proto/bpci/v1/bpci.proto --import-path proto`;

/** Splits one shell command line into words (single quotes, `\\n` inside printf's argument). */
function words(line: string): string[] {
  const out: string[] = [];
  const re = /'([^']*)'|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) out.push(m[1] ?? (m[2] as string));
  return out;
}

describe("xtmp call --proto", function () {
  this.timeout(60_000);
  let server: Awaited<ReturnType<typeof serve>>;
  let base: string[];
  const test = ["--proto", "proto/grpc/testing/test.proto", "--import-path", "proto"];
  const bpci = ["--proto", "proto/bpci/v1/bpci.proto", "--import-path", "proto"];

  before(async () => {
    server = await serve(["--listen", "127.0.0.1:0"]);
    base = [`127.0.0.1:${server.port}`];
  });
  after(async () => server?.stop());

  const call = (method: string, rest: string[], stdin?: string) => xtmp(["call", ...base, method, ...rest, "--server-key", server.key], stdin);

  it("unary: prints the response as proto3 JSON and exits 0", async () => {
    const r = await call("grpc.testing.TestService/UnaryCall", ['{"responseType":"COMPRESSABLE","responseSize":5}', ...test]);
    expect(r).to.deep.equal({ code: 0, out: ['{"payload":{"body":"AAAAAAA="}}'], err: [] });
  });

  it("accepts pkg.Service.Method and /pkg.Service/Method, and {} without a JSON argument", async () => {
    expect((await call("grpc.testing.TestService.EmptyCall", test)).out).to.deep.equal(["{}"]);
    expect((await call("/grpc.testing.TestService/EmptyCall", test)).out).to.deep.equal(["{}"]);
  });

  it("server streaming: one JSON object per line, in order", async () => {
    const r = await call("grpc.testing.TestService/StreamingOutputCall", ['{"responseParameters":[{"size":3},{"size":1},{"size":2}]}', ...test]);
    expect(r.code).to.equal(0);
    expect(r.out).to.deep.equal(['{"payload":{"body":"AAAA"}}', '{"payload":{"body":"AA=="}}', '{"payload":{"body":"AAA="}}']);
  });

  it("client streaming: reads one request per stdin line", async () => {
    const stdin = '{"payload":{"body":"AAAA"}}\n\n{"payload":{"body":"AAAAAA=="}}\r\n{"payload":{}}';
    const r = await call("grpc.testing.TestService/StreamingInputCall", ["-", ...test], stdin);
    expect(r).to.deep.equal({ code: 0, out: ['{"aggregatedPayloadSize":7}'], err: [] });
  });

  it("bidi: answers each stdin line", async () => {
    const stdin = '{"responseParameters":[{"size":1}]}\n{"responseParameters":[{"size":2},{"size":3}]}\n';
    const r = await call("grpc.testing.TestService/FullDuplexCall", ["-", ...test], stdin);
    expect(r.code).to.equal(0);
    expect(r.out).to.deep.equal(['{"payload":{"body":"AA=="}}', '{"payload":{"body":"AAA="}}', '{"payload":{"body":"AAAA"}}']);
  });

  it("an error status: exit code = status code, status name and message on stderr, nothing on stdout", async () => {
    const r = await call("grpc.testing.TestService/UnaryCall", ['{"responseStatus":{"code":9,"message":"not now"}}', ...test]);
    expect(r).to.deep.equal({ code: 9, out: [], err: ["ERROR FAILED_PRECONDITION: not now"] });
    const u = await call("grpc.testing.TestService/UnimplementedCall", test);
    expect(u.code).to.equal(12);
    expect(u.err[0]).to.match(/^ERROR UNIMPLEMENTED: /);
  });

  it("-H sends metadata (echoed by the TestService, shown by -v) and --deadline bounds the call", async () => {
    const r = await call("grpc.testing.TestService/UnaryCall", ["{}", "-H", "x-grpc-test-echo-initial: hello", "-H", "x-grpc-test-echo-trailing-bin:AAEC", "-v", ...test, "--deadline", "10000"]);
    expect(r.code).to.equal(0);
    expect(r.err).to.include.members(["response headers:", "  x-grpc-test-echo-initial: hello", "response trailers:", "  x-grpc-test-echo-trailing-bin: AAEC"]);
    const quiet = await call("grpc.testing.TestService/UnaryCall", ["{}", "-H", "x-grpc-test-echo-initial: hello", ...test]);
    expect(quiet.err).to.deep.equal([]);
    const late = await call("grpc.testing.TestService/StreamingOutputCall", ['{"responseParameters":[{"size":1,"intervalUs":30000000}]}', ...test, "--deadline", "200"]);
    expect(late.code).to.equal(4);
    expect(late.err[0]).to.match(/^ERROR DEADLINE_EXCEEDED/);
  });

  it("signed BPCI methods work with --keys DIR and with a generated identity; maps, enums, bytes and int64 travel as JSON", async () => {
    const dir = await mkdtemp(join(tmpdir(), "xtmp-call-"));
    try {
      expect((await xtmp(["keygen", "--out", dir])).code).to.equal(0);
      const req = { walletId: "w-keys", publicKey: Buffer.alloc(32, 7).toString("base64"), kind: "WALLET_KIND_VALIDATOR", metadata: { region: "eu", tier: "1" }, createdAtMs: "9007199254740993" };
      const r = await call("bpci.v1.BpciService/RegisterWallet", [JSON.stringify(req), ...bpci, "--keys", dir]);
      expect(r.err).to.deep.equal([]);
      expect(r.code).to.equal(0);
      const res = JSON.parse(r.out[0] ?? "") as Record<string, unknown>;
      expect(res.walletId).to.equal("w-keys");
      expect(res.accountNumber).to.be.a("string"); // uint64 as a JSON string
      const gen = await call("bpci.v1.BpciService/RegisterWallet", [JSON.stringify({ ...req, walletId: "w-gen" }), ...bpci]);
      expect(gen.code).to.equal(0);
      const bundle = { bundle: { bundleId: "b-call", transactions: [{ txId: "t", fromWallet: "w-keys", toWallet: "w-gen", amount: "5", fee: "1", payload: "AAE=" }], walletAffinity: "w-keys" } };
      const sub = await call("bpci.v1.BpciService/SubmitBundle", [JSON.stringify(bundle), ...bpci, "--keys", dir]);
      expect(sub.code, sub.err.join("\n")).to.equal(0);
      expect(JSON.parse(sub.out[0] ?? "")).to.include({ bundleId: "b-call" });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("bad JSON, a wrong field or an unknown method: INVALID_ARGUMENT (exit 3) with a one-line reason, no stack trace", async () => {
    const cases: [string, string[], RegExp][] = [
      ["grpc.testing.TestService/UnaryCall", ['{"responseSize":', ...test], /request: not JSON/],
      ["grpc.testing.TestService/UnaryCall", ['{"responseSize":"many"}', ...test], /not a valid grpc\.testing\.SimpleRequest/],
      ["grpc.testing.TestService/UnaryCall", ['{"noSuchField":1}', ...test], /unknown field/],
      ["grpc.testing.TestService/NoSuchCall", ["{}", ...test], /unknown method NoSuchCall/],
      ["no.Such/Call", ["{}", ...test], /unknown service no\.Such/],
      ["grpc.testing.TestService/UnaryCall", ["{}", "--proto", "proto/no-such.proto"], /cannot load/],
    ];
    for (const [method, rest, why] of cases) {
      const r = await call(method, rest);
      expect(r.code, `${method} ${rest[0]}`).to.equal(3);
      expect(r.out).to.deep.equal([]);
      expect(r.err.join("\n")).to.match(why).and.to.match(/^xtmp call: INVALID_ARGUMENT: /).and.not.match(/\n\s+at /);
    }
    const line2 = await call("grpc.testing.TestService/FullDuplexCall", ["-", ...test], '{"responseParameters":[{"size":1}]}\n{oops}\n');
    expect(line2.code).to.equal(3);
    expect(line2.err.join("\n")).to.match(/stdin line 2: not JSON/).and.not.match(/\n\s+at /);
  });

  it("usage errors exit 2", async () => {
    expect((await xtmp(["call", "127.0.0.1:1"])).code).to.equal(2);
    expect((await xtmp(["call", "127.0.0.1:1", "a.B/C", "--deadline", "soon"])).code).to.equal(2);
    expect((await xtmp(["call", "127.0.0.1:1", "a.B/C", "--bogus"])).code).to.equal(2);
  });

  it("list and describe read the schema", async () => {
    expect((await xtmp(["list", ...base, ...test])).out).to.include.members(["grpc.testing.TestService", "grpc.testing.UnimplementedService"]);
    expect((await xtmp(["list", ...base, "bpci.v1.BpciService", ...bpci])).out).to.include("bpci.v1.BpciService.SubmitBundle");
    const msg = (await xtmp(["describe", ...base, "bpci.v1.Bundle", ...bpci])).out[0] ?? "";
    expect(msg).to.match(/message Bundle \{/).and.match(/repeated \.bpci\.v1\.Transaction transactions = 2;/).and.match(/oneof routing \{\n\s+string shard = 4;\n\s+string wallet_affinity = 5;/);
    const unknown = await xtmp(["describe", ...base, "bpci.v1.Nope", ...bpci]);
    expect(unknown.code).to.equal(3);
  });

  it("runs the README examples verbatim", async () => {
    const dir = await mkdtemp(join(tmpdir(), "xtmp-readme-"));
    const stops: (() => Promise<void>)[] = [];
    try {
      let port = 0;
      let last: Run | undefined;
      let printed = 0;
      for (const line of README_CALL_EXAMPLES.split("\n")) {
        const prints = /^# prints (.*)$/.exec(line);
        const exits = /^# exits (\d+): (.*)$/.exec(line);
        if (prints) expect(last?.out[printed++], line).to.equal(prints[1]);
        if (exits) expect(last, line).to.deep.include({ code: Number(exits[1]), err: [exits[2]] });
        if (line.startsWith("#")) continue;
        let cmd = line;
        let stdin: string | undefined;
        const pipe = /^printf '([^']*)' \| (.*)$/.exec(line);
        if (pipe) {
          stdin = (pipe[1] as string).replace(/\\n/g, "\n");
          cmd = pipe[2] as string;
        }
        for (const m of cmd.matchAll(/\$\(cat (\w+)\/identity\.pub\)/g)) cmd = cmd.replace(m[0], (await readFile(join(dir, m[1] as string, "identity.pub"), "utf8")).trim());
        const argv = words(cmd);
        expect(argv.slice(0, 2), line).to.deep.equal(["npx", "xtmp"]);
        const args = argv.slice(2).map((w, i, all) => (all[i - 1] === "--out" || all[i - 1] === "--keys" ? join(dir, w) : w));
        if (args[args.length - 1] === "&") {
          const s = await serve(args.slice(1, -1).map((w) => w.replace("127.0.0.1:7443", "127.0.0.1:0")));
          stops.push(s.stop);
          port = s.port;
          continue;
        }
        last = await xtmp(args.map((w) => w.replace("127.0.0.1:7443", `127.0.0.1:${port}`)), stdin);
        printed = 0;
        if (!/^npx xtmp call .*responseStatus/.test(cmd)) expect(last.code, `${line}\n${last.err.join("\n")}`).to.equal(0);
      }
      expect(port).to.be.greaterThan(0);
    } finally {
      for (const stop of stops) await stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("README xtmp call examples", () => {
  it("the README shows exactly the commands the test above runs", async () => {
    const { readFileSync } = await import("node:fs");
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    expect(readme).to.include("```sh\n" + README_CALL_EXAMPLES.replace(/\n$/, "") + "\n```");
  });
});
