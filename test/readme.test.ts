// The README's quick-start example is examples/quickstart.ts verbatim, and it runs.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { main } from "../examples/quickstart.js";
import { main as fleetMain } from "../examples/fleet.js";
import { main as grpcMain } from "../examples/grpc-client.js";

describe("README", function () {
  this.timeout(20_000);
  it("shows examples/quickstart.ts verbatim", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const example = readFileSync(new URL("../examples/quickstart.ts", import.meta.url), "utf8");
    expect(readme).to.include("```ts\n" + example + "```");
  });

  it("the quick-start example runs: wallet registered, two live updates received", async () => {
    const lines: string[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => void lines.push(args.join(" "));
    try {
      await main();
    } finally {
      console.log = log;
    }
    expect(lines).to.deep.equal(["registered alice as account 1", "update #2 on bundles", "update #3 on bundles"]);
  });

  it("shows examples/fleet.ts verbatim", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const example = readFileSync(new URL("../examples/fleet.ts", import.meta.url), "utf8");
    expect(readme).to.include("```ts\n" + example + "```");
  });

  it("the multi-server example runs: calls spread over 3 servers, and survive a drain", async () => {
    const lines: string[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => void lines.push(args.join(" "));
    try {
      await fleetMain();
    } finally {
      console.log = log;
    }
    expect(lines).to.deep.equal(["6 calls went to 3 servers", "after a drain: 2 of 3 endpoints ready"]);
  });

  it("shows examples/grpc-client.ts verbatim", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const example = readFileSync(new URL("../examples/grpc-client.ts", import.meta.url), "utf8");
    expect(readme).to.include("```ts\n" + example + "```");
  });

  it("the gRPC-bridge example runs: a stock grpc-js client is answered by the XTMP server", async () => {
    const lines: string[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => void lines.push(args.join(" "));
    try {
      await grpcMain();
    } finally {
      console.log = log;
    }
    expect(lines).to.deep.equal(["served by xtmp-1, 4 payload bytes"]);
  });

  it("shows examples/cluster.ts verbatim (its behaviour is what test/cluster/ checks against nats-server)", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const example = readFileSync(new URL("../examples/cluster.ts", import.meta.url), "utf8");
    expect(readme).to.include("```ts\n" + example + "```");
  });

  it("names the three quick-start commands", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    expect(readme).to.match(/npm ci\s+# set-up/);
    expect(readme).to.match(/npm start\s+# the demo/);
    expect(readme).to.match(/npm test\s+# type-check/);
  });
});
