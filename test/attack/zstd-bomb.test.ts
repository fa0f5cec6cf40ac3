// Attack: zstd bombs: concatenated frames are refused undecoded; a stream of honest 4 MiB frames hits the budget.
import { expect } from "chai";
import { readRss } from "../../attack/harness/proc.js";
import { zstdBomb, zstdBombs } from "../../attack/attacks/zstd-bomb.js";
import { legitCall, serverFixture } from "./helpers.js";

describe("attack: zstd-bomb (server process)", () => {
  const server = serverFixture();

  it("the bombs are ~150 bytes that expand to 4 MiB", () => {
    expect(zstdBomb("concatenated").length).to.be.below(200);
    expect(zstdBomb("declared").length).to.be.below(200);
  });

  it("answers requests of concatenated zstd frames (small declared size) with INTERNAL, stays alive, memory bounded", async () => {
    const s = server();
    const baseline = readRss(s.pid) ?? 0;
    const { metrics, outcomes } = await zstdBombs(s.target, "concatenated", 2, 40, 8, Date.now() + 15_000);
    expect(metrics.bombsSent).to.equal(80);
    expect(outcomes).to.deep.equal({ INTERNAL: 80 });
    await legitCall(s.target);
    expect(s.alive()).to.equal(true);
    expect((readRss(s.pid) ?? Infinity) - baseline).to.be.below(150 << 20);
  });

  it("refuses with RESOURCE_EXHAUSTED once one session's stream of 4 MiB frames spends its decompression budget", async () => {
    const s = server();
    const { metrics, outcomes } = await zstdBombs(s.target, "declared", 1, 64, 8, Date.now() + 15_000);
    expect(metrics.bombsSent).to.equal(64);
    expect(outcomes.RESOURCE_EXHAUSTED ?? 0, JSON.stringify(outcomes)).to.be.above(0);
    expect(Object.keys(outcomes).filter((k) => k !== "OK" && k !== "RESOURCE_EXHAUSTED"), JSON.stringify(outcomes)).to.deep.equal([]);
    await legitCall(s.target);
    expect(s.alive()).to.equal(true);
  });
});
