// Running the `xtmp` CLI in process for tests: a command with captured output and stdin, and `xtmp serve` until stopped.
import { expect } from "chai";
import { main } from "../../cli/main.js";
import { until } from "./calls.js";

/** A finished command: its exit code and output lines. */
export interface Run {
  code: number;
  out: string[];
  err: string[];
}

const NEVER = new Promise<void>(() => undefined);

/** Runs `xtmp ARGS` in process; `stdin` is fed as the command's standard input. */
export async function xtmp(args: readonly string[], stdin?: string): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  async function* input() {
    if (stdin !== undefined) yield new TextEncoder().encode(stdin);
  }
  const code = await main(args, { out: (s) => out.push(s), err: (s) => err.push(s), stdin: input() }, NEVER);
  return { code, out, err };
}

/** `xtmp serve ARGS` in process; resolves once it prints its key, with its port, key and a stop function. */
export async function serve(args: readonly string[]) {
  const out: string[] = [];
  let stop!: () => void;
  const stopped = new Promise<void>((r) => (stop = r));
  const done = main(["serve", ...args], { out: (s) => out.push(s), err: () => undefined }, stopped);
  expect(await until(() => out.some((l) => l.startsWith("server key")), 10_000)).to.equal(true);
  return {
    port: Number(/:(\d+)/.exec(out[0] ?? "")?.[1]),
    key: out.find((l) => l.startsWith("server key"))?.split(" ")[2] ?? "",
    stop: async () => {
      stop();
      expect(await done).to.equal(0);
    },
  };
}
