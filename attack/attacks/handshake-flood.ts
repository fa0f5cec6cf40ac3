// Handshake floods: a captured first handshake message replayed, or random XX first messages, on new connections.
import type * as net from "node:net";
import { randomBytes } from "node:crypto";
import { connectSession } from "../../src/secure/handshake.js";
import { generateIdentity } from "../../src/secure/identity.js";
import type { ByteDuplex, ByteReceiver } from "../../src/wire/duplex.js";
import { CipherId, encodeClientHello, HandshakeMode, HELLO_SIZE, MAGIC, PROTOCOL_VERSION } from "../../src/wire/preamble.js";
import type { AttackDef, Metrics } from "../harness/attack.js";
import { dialTcp, pool } from "../harness/raw.js";
import type { Target } from "../harness/server.js";

/** The first bytes a real client sends (ClientHello + first Noise message), captured without a server. */
export async function captureFirstFlight(target: Target, mode: "XX" | "IK"): Promise<Uint8Array> {
  let captured: Uint8Array | undefined;
  let receiver: ByteReceiver | undefined;
  const duplex: ByteDuplex = {
    write: (b) => void (captured ??= b.slice()),
    close: () => undefined,
    setReceiver: (r) => void (receiver = r),
  };
  const p = connectSession(duplex, { identity: generateIdentity(), ...(mode === "IK" ? { serverKey: target.serverKey } : {}) }).catch(() => undefined);
  receiver?.onEnd(); // ends the half-made handshake (and its timer) at once
  await p;
  if (!captured) throw new Error("no first flight captured");
  return captured;
}

/** ClientHello(XX, AES-GCM) + a length-prefixed random 32-byte ephemeral key. */
export function randomXxFirstFlight(): Uint8Array {
  const hello = encodeClientHello({ version: PROTOCOL_VERSION, mode: HandshakeMode.XX, cipher: CipherId.AESGCM, features: 0 });
  const out = new Uint8Array(HELLO_SIZE + 2 + 32);
  out.set(hello);
  out[HELLO_SIZE + 1] = 32;
  out.set(randomBytes(32), HELLO_SIZE + 2);
  return out;
}

/** What the server answered to one first flight. */
export type Answer = "full" | "hello-only" | `refused:${number}` | "not-xtmp" | "closed" | "no-answer" | "connect-error";

/**
 * Classifies the server's first bytes: "full" = ServerHello OK plus a handshake message (the server
 * did Diffie-Hellman for us), "refused:<status>" = a ServerHello with that status (a retry or cookie
 * reply included), "hello-only" = ServerHello OK and nothing else yet.
 */
export function classifyAnswer(bytes: Uint8Array): Answer {
  if (bytes.length === 0) return "closed";
  for (let i = 0; i < Math.min(4, bytes.length); i++) if (bytes[i] !== MAGIC[i]) return "not-xtmp";
  if (bytes.length < HELLO_SIZE) return "no-answer";
  if (bytes[5] !== 0) return `refused:${bytes[5] as number}`;
  return bytes.length > HELLO_SIZE + 2 ? "full" : "hello-only";
}

/** Options of one flood. */
export interface FloodOptions {
  /** Bytes to send on every new connection (called per connection). */
  flight: () => Uint8Array;
  /** Connections in flight. */
  concurrency: number;
  /** Total connections (stops earlier at the deadline). */
  connections: number;
  deadline: number;
  /** How long to wait for an answer per connection. */
  answerMs?: number;
  /** Keep every connection open (stalled after the answer) until the flood ends, instead of closing it. */
  hold?: boolean;
}

/** Result of a flood: answers by kind, and the held sockets (when `hold`). */
export interface FloodResult {
  answers: Record<string, number>;
  connections: number;
  held: net.Socket[];
}

/** Opens connections, sends the first flight, records the answer. */
export async function handshakeFlood(target: Target, o: FloodOptions): Promise<FloodResult> {
  const answers: Record<string, number> = {};
  const held: net.Socket[] = [];
  const count = (a: string) => (answers[a] = (answers[a] ?? 0) + 1);
  const n = await pool(o.connections, o.concurrency, o.deadline, async () => {
    let socket: net.Socket;
    try {
      socket = await dialTcp(target.host, target.port);
    } catch {
      count("connect-error");
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let ended = false;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, o.answerMs ?? 2000);
      const check = () => {
        const a = classifyAnswer(Buffer.concat(chunks, size));
        if (ended || a === "not-xtmp" || a.startsWith("refused") || (a === "full" && complete(chunks, size))) {
          clearTimeout(timer);
          resolve();
        }
      };
      socket.on("data", (c: Buffer) => {
        chunks.push(c);
        size += c.length;
        check();
      });
      socket.on("error", () => undefined);
      socket.on("close", () => {
        ended = true;
        check();
      });
      socket.write(o.flight());
    });
    count(classifyAnswer(Buffer.concat(chunks, size)));
    if (o.hold && !ended) held.push(socket);
    else socket.destroy();
  });
  return { answers, connections: n, held };
}

// whether the handshake message after an OK ServerHello has fully arrived
function complete(chunks: Buffer[], size: number): boolean {
  const b = Buffer.concat(chunks, size);
  if (b.length < HELLO_SIZE + 2) return false;
  return b.length >= HELLO_SIZE + 2 + b.readUInt16BE(HELLO_SIZE);
}

function summarize(r: FloodResult): Metrics {
  return { connections: r.connections, answeredWithDh: r.answers.full ?? 0, answers: Object.entries(r.answers).map(([k, v]) => `${k}:${v}`).join(",") };
}

// under a flood the server must stop doing DH for every connection (limits, cookies)
const checkFlood = (m: Metrics): string[] => (m.answeredWithDh === m.connections ? [`the server did DH for all ${String(m.connections)} connections`] : []);

export const handshakeReplayAttack: AttackDef = {
  name: "handshake-replay",
  summary: "a captured real IK first flight replayed on new TCP connections as fast as possible (no crypto by the attacker)",
  async run({ target, durationMs, quick }) {
    const flight = await captureFirstFlight(target, "IK");
    const r = await handshakeFlood(target, { flight: () => flight, concurrency: quick ? 32 : 64, connections: 1e9, deadline: Date.now() + durationMs });
    return summarize(r);
  },
  check: checkFlood,
};

export const handshakeRandomAttack: AttackDef = {
  name: "handshake-random",
  summary: "random XX first messages (ClientHello + random ephemeral key) on new TCP connections as fast as possible",
  async run({ target, durationMs, quick }) {
    const r = await handshakeFlood(target, { flight: randomXxFirstFlight, concurrency: quick ? 32 : 64, connections: 1e9, deadline: Date.now() + durationMs });
    return summarize(r);
  },
  check: checkFlood,
};
