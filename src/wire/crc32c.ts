// CRC-32C (Castagnoli), the integrity check of insecure-mode records: slicing-by-16 over 32-bit words.

// TABLES[t * 256 + b]: the CRC of byte b followed by t zero bytes (t = 0 is the classic byte table).
const TABLES = new Int32Array(16 * 256);
for (let b = 0; b < 256; b++) {
  let c = b;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
  TABLES[b] = c;
}
for (let t = 1; t < 16; t++) {
  for (let b = 0; b < 256; b++) {
    const prev = TABLES[(t - 1) * 256 + b] as number;
    TABLES[t * 256 + b] = (prev >>> 8) ^ (TABLES[prev & 0xff] as number);
  }
}
// word reads assume a little-endian host (every platform Node.js runs on); a big-endian one uses bytes
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** CRC-32C of `data` (reflected, init and final xor 0xffffffff; "123456789" -> 0xe3069283). */
export function crc32c(data: Uint8Array): number {
  const T = TABLES;
  const n = data.length;
  let c = -1;
  let i = 0;
  // bytes up to a 4-byte aligned address, then 16 bytes per step as four aligned 32-bit words
  for (; i < n && (data.byteOffset + i) & 3; i++) c = (T[(c ^ (data[i] as number)) & 0xff] as number) ^ (c >>> 8);
  if (LITTLE_ENDIAN && n - i >= 16) {
    const words = new Int32Array(data.buffer, data.byteOffset + i, ((n - i) >>> 4) << 2);
    for (let j = 0; j < words.length; j += 4) {
      const a = c ^ (words[j] as number);
      const b = words[j + 1] as number;
      const d = words[j + 2] as number;
      const e = words[j + 3] as number;
      c =
        (T[3840 + (a & 0xff)] as number) ^ (T[3584 + ((a >>> 8) & 0xff)] as number) ^ (T[3328 + ((a >>> 16) & 0xff)] as number) ^ (T[3072 + (a >>> 24)] as number) ^
        (T[2816 + (b & 0xff)] as number) ^ (T[2560 + ((b >>> 8) & 0xff)] as number) ^ (T[2304 + ((b >>> 16) & 0xff)] as number) ^ (T[2048 + (b >>> 24)] as number) ^
        (T[1792 + (d & 0xff)] as number) ^ (T[1536 + ((d >>> 8) & 0xff)] as number) ^ (T[1280 + ((d >>> 16) & 0xff)] as number) ^ (T[1024 + (d >>> 24)] as number) ^
        (T[768 + (e & 0xff)] as number) ^ (T[512 + ((e >>> 8) & 0xff)] as number) ^ (T[256 + ((e >>> 16) & 0xff)] as number) ^ (T[e >>> 24] as number);
    }
    i += words.length * 4;
  }
  for (; i < n; i++) c = (T[(c ^ (data[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}
