// zstd bombs: ~156-byte compressed request messages (small first frame + a 4 MiB frame) on UnaryCall.
import { Compressor } from "zstd-napi";
import { codeName } from "../../src/status/code.js";
import { decodeHeaderBlock, pseudoText } from "../../src/rpc/header-block.js";
import { decodeReset } from "../../src/mux/control.js";
import { FrameFlags, FrameType } from "../../src/wire/frame-types.js";
import type { AttackDef, Metrics } from "../harness/attack.js";
import { describeClose, openHeaders, openRaw, type RawSession } from "../harness/raw.js";
import type { Target } from "../harness/server.js";

/** Bomb shapes: a 2-byte frame followed by a 4 MiB frame, or one frame honestly declaring ~4 MiB. */
export type BombKind = "concatenated" | "declared";

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}

/** A SimpleRequest whose payload body is `bodyLength` zero bytes (valid protobuf). */
function bigRequest(bodyLength: number): Uint8Array {
  const payloadHead = [0x12, ...varint(bodyLength)]; // Payload.body
  const head = [0x1a, ...varint(payloadHead.length + bodyLength), ...payloadHead]; // SimpleRequest.payload
  const out = new Uint8Array(head.length + bodyLength);
  out.set(head);
  return out;
}

/**
 * A compressed request of ~150 bytes that expands to 4 MiB. "concatenated": a frame declaring 2
 * bytes, then a second frame (a guard that reads only the first header lets it through);
 * "declared": one frame declaring just under 4 MiB (within the default maxRecvMessage, so only a
 * decompression budget stops a stream of them).
 */
export function zstdBomb(kind: BombKind = "concatenated"): Uint8Array {
  const c = new Compressor();
  c.setParameters({ compressionLevel: 19 });
  if (kind === "declared") return c.compress(bigRequest((4 << 20) - 16));
  const small = c.compress(new Uint8Array([8, 1])); // a valid SimpleRequest (response_type = 1)
  const big = c.compress(new Uint8Array(4 << 20));
  const out = new Uint8Array(small.length + big.length);
  out.set(small);
  out.set(big, small.length);
  return out;
}

const PATH = "/grpc.testing.TestService/UnaryCall";

/** How the bomb calls ended: status name → count ("RESET <name>" for resets, "unanswered"). */
export type Outcomes = Record<string, number>;

/** Sends `perSession` bombs of `kind` on each of `sessions` sessions (at most `inFlight` unanswered per session). */
export async function zstdBombs(target: Target, kind: BombKind, sessions: number, perSession: number, inFlight: number, deadline: number): Promise<{ metrics: Metrics; outcomes: Outcomes }> {
  const bomb = zstdBomb(kind);
  const outcomes: Outcomes = {};
  const count = (k: string) => (outcomes[k] = (outcomes[k] ?? 0) + 1);
  let sent = 0;
  const closes: string[] = [];
  const one = async () => {
    let open = 0;
    let wake: (() => void) | undefined;
    const answered = () => {
      open--;
      wake?.();
    };
    const raw: RawSession = await openRaw(target, {
      onFrame(f) {
        if (f.type === FrameType.TRAILERS) {
          const s = pseudoText(decodeHeaderBlock(f.payload), ":status");
          count(s === undefined ? "no status" : codeName(Number(s)));
          answered();
        } else if (f.type === FrameType.RESET) {
          count(`RESET ${codeName(decodeReset(f.payload).code)}`);
          answered();
        }
      },
    });
    const headers = openHeaders(PATH);
    let id = 1;
    for (let i = 0; i < perSession && Date.now() < deadline && !raw.isClosed(); i++) {
      while (open >= inFlight && !raw.isClosed() && Date.now() < deadline) {
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 50);
        });
      }
      raw.send(FrameType.OPEN, 0, id, headers);
      raw.send(FrameType.DATA, FrameFlags.END_MESSAGE | FrameFlags.END_STREAM | FrameFlags.COMPRESSED, id, bomb);
      id += 2;
      open++;
      sent++;
      if (i % 16 === 15) await raw.flush(1 << 20, deadline);
    }
    await raw.flush();
    // wait (bounded by the window) for the last answers
    while (open > 0 && !raw.isClosed() && Date.now() < deadline) await new Promise<void>((r) => ((wake = r), setTimeout(r, 50)));
    if (open > 0) outcomes.unanswered = (outcomes.unanswered ?? 0) + open;
    if (raw.isClosed()) closes.push(describeClose(raw.closeError()));
    raw.destroy();
  };
  await Promise.all(Array.from({ length: sessions }, one));
  return { metrics: { bombsSent: sent, bombBytes: bomb.length, sessionsClosed: closes.length, closeReason: closes[0] ?? "" }, outcomes };
}

export const zstdBombAttack: AttackDef = {
  name: "zstd-bomb",
  summary: "4,000 COMPRESSED UnaryCall requests of ~150 B that each expand to 4 MiB (2 sessions of concatenated frames, 2 of one declared frame)",
  async run({ target, durationMs, quick }) {
    const deadline = Date.now() + durationMs;
    const per = quick ? 250 : 1000;
    const [a, b] = await Promise.all([zstdBombs(target, "concatenated", 2, per, 32, deadline), zstdBombs(target, "declared", 2, per, 32, deadline)]);
    const text = (o: Outcomes) => Object.entries(o).map(([k, v]) => `${k}:${v}`).join(",");
    return {
      concatenatedSent: a.metrics.bombsSent as number,
      concatenatedStatuses: text(a.outcomes),
      declaredSent: b.metrics.bombsSent as number,
      declaredStatuses: text(b.outcomes),
      bombBytes: `${a.metrics.bombBytes}/${b.metrics.bombBytes}`,
      sessionsClosed: (a.metrics.sessionsClosed as number) + (b.metrics.sessionsClosed as number),
    };
  },
  check: (m) => [
    ...(/(^|,)OK:/.test(String(m.concatenatedStatuses)) ? ["a request of concatenated frames was accepted"] : []),
    ...(!String(m.declaredStatuses).includes("RESOURCE_EXHAUSTED") ? ["no decompression budget: every 4 MiB frame was decoded"] : []),
  ],
};
