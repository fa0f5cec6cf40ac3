// The `xtmp` command line: argument parsing and dispatch to subcommands.
import { serviceTable } from "./services.js";

const USAGE = `usage: xtmp <command> [options]

commands:
  services        print every generated service method with its XTMP rules
  help            print this help

Planned (not in this build): keygen, serve, demo.`;

/** Runs the CLI with `argv` (without node and script); returns the process exit code. */
export function main(argv: readonly string[], out: (s: string) => void = console.log, err: (s: string) => void = console.error): number {
  const [cmd, ...rest] = argv;
  if (cmd === "help" || cmd === "--help" || cmd === "-h") {
    out(USAGE);
    return 0;
  }
  if (cmd === "services" && rest.length === 0) {
    out(serviceTable());
    return 0;
  }
  err(cmd === undefined ? USAGE : `xtmp: unknown command or arguments: ${argv.join(" ")}\n\n${USAGE}`);
  return 2;
}
