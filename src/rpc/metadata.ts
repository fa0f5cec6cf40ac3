// Metadata: gRPC-style headers and trailers with ASCII and `-bin` binary values.
import { Code, XtmpError } from "../status/error.js";

/** A metadata value: text for ordinary keys, bytes for keys ending in `-bin`. */
export type MetadataValue = string | Uint8Array;

/** Anything `new Metadata(init)` accepts. */
export type MetadataInit = Metadata | Record<string, MetadataValue | MetadataValue[]> | Iterable<[string, MetadataValue]>;

const KEY = /^[0-9a-z_.-]+$/;
// printable ASCII, as gRPC allows in non-binary values
const ASCII_VALUE = /^[\x20-\x7e]*$/;

/**
 * Ordered multi-map of lower-case keys to values. Keys ending in `-bin` hold bytes,
 * all other keys hold printable ASCII; anything else is rejected with INVALID_ARGUMENT.
 */
export class Metadata implements Iterable<[string, MetadataValue]> {
  private readonly map = new Map<string, MetadataValue[]>();

  /** Creates metadata, optionally copying entries from `init`. */
  constructor(init?: MetadataInit) {
    if (!init) return;
    if (init instanceof Metadata || Symbol.iterator in init) {
      for (const [k, v] of init as Iterable<[string, MetadataValue]>) this.append(k, v);
    } else {
      for (const [k, v] of Object.entries(init)) {
        for (const one of Array.isArray(v) ? v : [v]) this.append(k, one);
      }
    }
  }

  /** Adds a value after any existing values of `key`. */
  append(key: string, value: MetadataValue): this {
    const k = checkEntry(key, value);
    const list = this.map.get(k);
    if (list) list.push(value);
    else this.map.set(k, [value]);
    return this;
  }

  /** Replaces all values of `key` with `value`. */
  set(key: string, value: MetadataValue): this {
    this.map.set(checkEntry(key, value), [value]);
    return this;
  }

  /** The first value of `key`, or undefined. */
  get(key: string): MetadataValue | undefined {
    return this.map.get(key.toLowerCase())?.[0];
  }

  /** All values of `key`, in insertion order. */
  getAll(key: string): MetadataValue[] {
    return [...(this.map.get(key.toLowerCase()) ?? [])];
  }

  /** Whether `key` has at least one value. */
  has(key: string): boolean {
    return this.map.has(key.toLowerCase());
  }

  /** Removes every value of `key`. */
  delete(key: string): boolean {
    return this.map.delete(key.toLowerCase());
  }

  /** Number of distinct keys. */
  get size(): number {
    return this.map.size;
  }

  /** Iterates `[key, value]` pairs, one per value. */
  *[Symbol.iterator](): Iterator<[string, MetadataValue]> {
    for (const [k, list] of this.map) for (const v of list) yield [k, v];
  }
}

function checkEntry(key: string, value: MetadataValue): string {
  const k = key.toLowerCase();
  if (!KEY.test(k) || k.startsWith(":")) {
    throw new XtmpError(Code.INVALID_ARGUMENT, `invalid metadata key ${JSON.stringify(key)}`);
  }
  if (k.endsWith("-bin")) {
    if (!(value instanceof Uint8Array)) {
      throw new XtmpError(Code.INVALID_ARGUMENT, `metadata key ${k} ends in -bin and needs a Uint8Array value`);
    }
  } else if (typeof value !== "string" || !ASCII_VALUE.test(value)) {
    throw new XtmpError(Code.INVALID_ARGUMENT, `metadata value of ${k} must be printable ASCII (use a -bin key for bytes)`);
  }
  return k;
}
