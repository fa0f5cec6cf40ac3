// Noise handshake patterns (revision 34, sections 7.4-7.5) and the pskN modifier.

/** A handshake token. */
export type Token = "e" | "s" | "ee" | "es" | "se" | "ss" | "psk" | "e1" | "ekem1";

/** A parsed handshake pattern. */
export interface Pattern {
  /** Full name with modifiers, e.g. `XXpsk3`. */
  readonly name: string;
  /** Tokens the initiator's pre-message hashes (`s` and/or `e`, known to the responder in advance). */
  readonly initiatorPre: readonly Token[];
  /** Tokens the responder's pre-message hashes (known to the initiator in advance). */
  readonly responderPre: readonly Token[];
  /** Messages in order; even indexes are sent by the initiator. */
  readonly messages: readonly (readonly Token[])[];
  /** One-way patterns (N, K, X): only the initiator ever sends. */
  readonly oneWay: boolean;
  /** Whether any psk token appears (changes how `e` is processed). */
  readonly psk: boolean;
  /** The `hfs` modifier: a KEM key (e1) and ciphertext (ekem1) are mixed in for hybrid forward secrecy. */
  readonly hfs: boolean;
}

// name: [initiator pre-message, responder pre-message, messages...]
const BASE: Record<string, [string, string, ...string[]]> = {
  N: ["", "s", "e, es"],
  K: ["s", "s", "e, es, ss"],
  X: ["", "s", "e, es, s, ss"],
  NN: ["", "", "e", "e, ee"],
  NK: ["", "s", "e, es", "e, ee"],
  NX: ["", "", "e", "e, ee, s, es"],
  XN: ["", "", "e", "e, ee", "s, se"],
  XK: ["", "s", "e, es", "e, ee", "s, se"],
  XX: ["", "", "e", "e, ee, s, es", "s, se"],
  KN: ["s", "", "e", "e, ee, se"],
  KK: ["s", "s", "e, es, ss", "e, ee, se"],
  KX: ["s", "", "e", "e, ee, se, s, es"],
  IN: ["", "", "e, s", "e, ee, se"],
  IK: ["", "s", "e, es, s, ss", "e, ee, se"],
  IX: ["", "", "e, s", "e, ee, se, s, es"],
};

const tokens = (s: string): Token[] => (s ? (s.split(",").map((t) => t.trim()) as Token[]) : []);

/**
 * Parses a pattern name such as `XX`, `IK`, `NKpsk0+psk2` or `XXhfs`; throws on an unknown name.
 * `hfs` (the Noise KEM hybrid-forward-secrecy extension) adds `e1` after the first `e` of message 1
 * and `ekem1` after the `ee` of message 2, so it needs an interactive pattern.
 */
export function parsePattern(name: string): Pattern {
  const m = /^([A-Z]{1,2})(hfs)?((?:psk\d)(?:\+psk\d)*)?$/.exec(name);
  const base = m ? BASE[m[1] as string] : undefined;
  if (!m || !base) throw new Error(`noise: unknown handshake pattern ${name}`);
  const [ipre, rpre, ...msgs] = base;
  const messages = msgs.map(tokens);
  const hfs = m[2] === "hfs";
  if (hfs) {
    const [first, second] = messages;
    if (!first?.includes("e") || !second?.includes("ee")) throw new Error(`noise: ${name}: hfs needs e in message 1 and ee in message 2`);
    first.splice(first.indexOf("e") + 1, 0, "e1");
    second.splice(second.indexOf("ee") + 1, 0, "ekem1");
  }
  const mods = m[3] ? m[3].split("+").map((p) => Number(p.slice(3))) : [];
  for (const n of mods) {
    if (n === 0) messages[0]?.unshift("psk");
    else if (n <= messages.length) messages[n - 1]?.push("psk");
    else throw new Error(`noise: ${name}: psk${n} is past the last message`);
  }
  return { name, initiatorPre: tokens(ipre), responderPre: tokens(rpre), messages, oneWay: messages.length === 1, psk: mods.length > 0, hfs };
}
