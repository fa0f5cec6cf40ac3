// Sliding replay window (RFC 6479 style): accepts each 64-bit counter once, within a window of 2048.

const WORD_BITS = 32;
const WORDS = 64 + 1; // 2048 bits of window plus one word of slack for the ring (RFC 6479)
/** Counters more than this far behind the highest one are too old. */
export const REPLAY_WINDOW = (WORDS - 1) * WORD_BITS;

/** Tracks which counters were seen. Call `check` only after the datagram authenticated. */
export class ReplayWindow {
  private readonly bits = new Uint32Array(WORDS);
  private highest = -1;

  /**
   * Accepts `counter` if it is new and not older than the window; marks it seen.
   * Returns false for a duplicate or a too-old counter (the caller drops the datagram).
   */
  check(counter: number): boolean {
    if (!Number.isSafeInteger(counter) || counter < 0) return false;
    if (counter > this.highest) {
      // slide: clear the words between the old and the new highest
      const oldWord = Math.floor(this.highest / WORD_BITS);
      const newWord = Math.floor(counter / WORD_BITS);
      const steps = Math.min(newWord - oldWord, WORDS);
      for (let i = 1; i <= steps; i++) this.bits[(oldWord + i) % WORDS] = 0;
      this.highest = counter;
    } else if (this.highest - counter >= REPLAY_WINDOW) {
      return false;
    }
    const word = Math.floor(counter / WORD_BITS) % WORDS;
    const bit = 1 << counter % WORD_BITS;
    if ((this.bits[word] as number) & bit) return false;
    this.bits[word] = (this.bits[word] as number) | bit;
    return true;
  }

  /** The highest counter accepted so far (-1 before the first). */
  get top(): number {
    return this.highest;
  }
}
