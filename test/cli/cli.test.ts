// The xtmp CLI: help, services, keygen, serve + demo against it, and exit code 2 on usage errors.
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../cli/main.js";

function io() {
  const lines = { out: [] as string[], err: [] as string[] };
  return { lines, io: { out: (s: string) => lines.out.push(s), err: (s: string) => lines.err.push(s) } };
}
const never = new Promise<void>(() => undefined);

describe("xtmp CLI", function () {
  this.timeout(30_000);

  it("prints help and exits 0", async () => {
    const { lines, io: o } = io();
    expect(await main(["--help"], o, never)).to.equal(0);
    expect(lines.out.join("\n")).to.match(/usage: xtmp/);
  });

  it("lists generated services with their rules", async () => {
    const { lines, io: o } = io();
    expect(await main(["services"], o, never)).to.equal(0);
    expect(lines.out.join("\n")).to.match(/6\s+\/bpci\.v1\.BpciService\/PriceTicks\s+server_streaming\s+datagram/);
  });

  it("exits 2 with help on usage errors", async () => {
    for (const args of [[], ["bogus"], ["services", "extra"], ["keygen"], ["serve"], ["demo", "--server-key", "ab"], ["serve", "--listen"]]) {
      const { lines, io: o } = io();
      expect(await main(args, o, never), args.join(" ")).to.equal(2);
      expect(lines.err.join("\n")).to.match(/usage: xtmp/);
    }
  });

  it("keygen, then serve with those keys, then demo against it with the pinned key, then drain", async () => {
    const dir = mkdtempSync(join(tmpdir(), "xtmp-cli-"));
    try {
      const k = io();
      expect(await main(["keygen", "--out", dir], k.io, never)).to.equal(0);
      const key = readFileSync(join(dir, "identity.pub"), "utf8").trim();
      let stop!: () => void;
      const stopped = new Promise<void>((r) => (stop = r));
      const s = io();
      const serving = main(["serve", "--listen", "127.0.0.1:0", "--keys", dir], s.io, stopped);
      for (let i = 0; i < 200 && !s.lines.out.some((l) => l.startsWith("xtmp serving")); i++) await new Promise((r) => setTimeout(r, 10));
      const port = /:(\d+)/.exec(s.lines.out[0] ?? "")?.[1];
      expect(s.lines.out[1]).to.equal(`server key ${key}`);
      const d = io();
      expect(await main(["demo", "--target", `127.0.0.1:${port}`, "--server-key", key], d.io, never)).to.equal(0);
      expect(d.lines.out.join("\n")).to.match(/Noise IK, AESGCM/);
      stop();
      expect(await serving).to.equal(0);
      expect(s.lines.out.at(-1)).to.equal("stopped");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
