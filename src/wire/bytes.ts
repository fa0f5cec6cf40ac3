// Byte-array helpers shared by the layers above the wire.

/** Concatenates `parts` into one new array (`total` = sum of lengths, when known). */
export function concatBytes(parts: readonly Uint8Array[], total = parts.reduce((n, p) => n + p.length, 0)): Uint8Array {
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
