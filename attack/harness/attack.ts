// What an attack is: a named, time-bounded black-box run against a target, returning its own metrics.
import type { ServerProcessOptions, Target } from "./server.js";

/** Facts an attack reports (printed as "key=value"). */
export type Metrics = Record<string, string | number | boolean>;

/** What an attack run gets. */
export interface AttackContext {
  target: Target;
  /** The attack window: stop sending when it is over. */
  durationMs: number;
  /** Smaller counts (`--quick`). */
  quick: boolean;
}

/** One attack class. */
export interface AttackDef {
  /** Name for `--only`. */
  name: string;
  /** One line: what it does. */
  summary: string;
  /** How to start the server (e.g. also on WebSocket). */
  server?: ServerProcessOptions;
  /** Runs the attack in the attacker process; resolves within about durationMs. */
  run(ctx: AttackContext): Promise<Metrics>;
  /** What the attack's own metrics must show when the server defends itself (problems; empty = fine). */
  check?(m: Metrics): string[];
}
