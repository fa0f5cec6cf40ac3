// Deadlines: absolute epoch milliseconds locally, remaining milliseconds on the wire.

/** Largest deadline accepted on the wire (about 49 days, as a u32 of ms). */
export const MAX_TIMEOUT_MS = 0xffffffff;

/** The absolute deadline (epoch ms) of a call option: ms from now, or a Date. */
export function absoluteDeadline(deadline: number | Date | undefined, now = Date.now()): number | undefined {
  if (deadline === undefined) return undefined;
  return deadline instanceof Date ? deadline.getTime() : now + deadline;
}

/** The earlier of two optional deadlines. */
export function earliest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

/** The ":timeout" header value: remaining ms (at least 0), decimal. */
export function encodeTimeout(deadline: number, now = Date.now()): string {
  return String(Math.max(0, Math.min(MAX_TIMEOUT_MS, Math.ceil(deadline - now))));
}

/** Parses ":timeout"; undefined when absent or malformed. */
export function decodeTimeout(text: string | undefined, now = Date.now()): number | undefined {
  if (text === undefined || !/^\d{1,10}$/.test(text)) return undefined;
  return now + Number(text);
}
