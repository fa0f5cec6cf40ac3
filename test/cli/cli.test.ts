// The xtmp CLI: help, the services table, and exit code 2 on usage errors.
import { expect } from "chai";
import { main } from "../../cli/main.js";

function run(args: string[]): { code: number; out: string; err: string } {
  let out = "";
  let err = "";
  const code = main(args, (s) => (out += s + "\n"), (s) => (err += s + "\n"));
  return { code, out, err };
}

describe("xtmp CLI", () => {
  it("prints help and exits 0", () => {
    const r = run(["--help"]);
    expect(r.code).to.equal(0);
    expect(r.out).to.match(/usage: xtmp/);
  });

  it("lists generated services with their rules", () => {
    const r = run(["services"]);
    expect(r.code).to.equal(0);
    expect(r.out).to.match(/6\s+\/bpci\.v1\.BpciService\/PriceTicks\s+server_streaming\s+datagram/);
    expect(r.out).to.include("/grpc.testing.TestService/FullDuplexCall");
  });

  it("exits 2 with help on a usage error", () => {
    for (const args of [[], ["bogus"], ["services", "extra"]]) {
      const r = run(args);
      expect(r.code).to.equal(2);
      expect(r.err).to.match(/usage: xtmp/);
    }
  });
});
