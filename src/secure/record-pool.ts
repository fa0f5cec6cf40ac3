// The process-wide pool of record plaintext buffers: a few size classes, a cap on the bytes kept.

// Record plaintext buffers shared by every session of the process. The size is the peer's MAX_RECORD
// (its choice), so buffers come in power-of-two classes (1 KiB .. 64 KiB: at most 7) and the pool
// keeps at most POOL_MAX_BYTES in all.
const POOL_MAX_BYTES = 4 << 20;
const pool = new Map<number, Uint8Array[]>();
let pooledBytes = 0;

function sizeClass(size: number): number {
  return size <= 1024 ? 1024 : 2 ** Math.ceil(Math.log2(size));
}

/** A buffer of at least `size` bytes (its length is the size class). */
export function takeBuffer(size: number): Uint8Array {
  const cls = sizeClass(size);
  const b = pool.get(cls)?.pop();
  if (!b) return new Uint8Array(cls);
  pooledBytes -= b.length;
  return b;
}

/** Returns a buffer from `takeBuffer`; kept only while the pool stays within its byte cap. */
export function giveBuffer(b: Uint8Array): void {
  if (pooledBytes + b.length > POOL_MAX_BYTES || sizeClass(b.length) !== b.length) return;
  let list = pool.get(b.length);
  if (!list) pool.set(b.length, (list = []));
  list.push(b);
  pooledBytes += b.length;
}

/** Bytes held by the process-wide record buffer pool (bounded by 4 MiB). */
export function pooledRecordBytes(): number {
  return pooledBytes;
}
