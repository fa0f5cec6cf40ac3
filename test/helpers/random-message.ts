// fast-check arbitraries for any protobuf message, built by reflection from its descriptor.
import { ScalarType, type DescField, type DescMessage } from "@bufbuild/protobuf";
import fc from "fast-check";

const INT64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };
const UINT64 = { min: 0n, max: 2n ** 64n - 1n };

/** Random values of one scalar type, biased towards edges (0, min, max) as fast-check does. */
export function scalarArbitrary(type: ScalarType): fc.Arbitrary<unknown> {
  switch (type) {
    case ScalarType.DOUBLE:
      return fc.double({ noNaN: true }).map((v) => (Object.is(v, -0) ? 0 : v));
    case ScalarType.FLOAT:
      return fc.float({ noNaN: true }).map((v) => (Object.is(v, -0) ? 0 : Math.fround(v)));
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return fc.oneof(fc.constantFrom(INT64.min, INT64.max, -1n), fc.bigInt(INT64));
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return fc.oneof(fc.constantFrom(UINT64.max, 2n ** 63n), fc.bigInt(UINT64));
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return fc.integer({ min: 0, max: 2 ** 32 - 1 });
    case ScalarType.BOOL:
      return fc.boolean();
    case ScalarType.STRING:
      return fc.string({ unit: "grapheme", maxLength: 12 });
    case ScalarType.BYTES:
      return fc.uint8Array({ maxLength: 40 });
  }
}

function singleArbitrary(field: DescField, depth: number): fc.Arbitrary<unknown> {
  switch (field.fieldKind) {
    case "scalar":
      return scalarArbitrary(field.scalar);
    case "enum":
      return fc.constantFrom(...field.enum.values.map((v) => v.number));
    case "message":
      return messageInit(field.message, depth + 1);
    default:
      throw new Error(`not a singular field: ${field.name}`);
  }
}

function fieldArbitrary(field: DescField, depth: number): fc.Arbitrary<unknown> {
  switch (field.fieldKind) {
    case "list": {
      const el =
        field.listKind === "scalar"
          ? scalarArbitrary(field.scalar)
          : field.listKind === "enum"
            ? fc.constantFrom(...field.enum.values.map((v) => v.number))
            : messageInit(field.message, depth + 1);
      return fc.array(el, { maxLength: depth > 2 ? 0 : 3 });
    }
    case "map": {
      const key = scalarArbitrary(field.mapKey).map((k) => (typeof k === "bigint" || typeof k === "boolean" ? String(k) : k));
      const value =
        field.mapKind === "scalar"
          ? scalarArbitrary(field.scalar)
          : field.mapKind === "enum"
            ? fc.constantFrom(...field.enum.values.map((v) => v.number))
            : messageInit(field.message, depth + 1);
      return fc.array(fc.tuple(key as fc.Arbitrary<string | number>, value), { maxLength: 3 }).map((pairs) => Object.fromEntries(pairs));
    }
    default:
      return singleArbitrary(field, depth);
  }
}

/** An init object for `create(desc, init)` with random values in every field (depth-limited). */
export function messageInit(desc: DescMessage, depth = 0): fc.Arbitrary<Record<string, unknown>> {
  const parts: Record<string, fc.Arbitrary<unknown>> = {};
  for (const field of desc.fields) {
    if (field.oneof) continue;
    if (field.fieldKind === "message" && depth > 2) continue;
    parts[field.localName] = fieldArbitrary(field, depth);
  }
  for (const oneof of desc.oneofs) {
    const cases = oneof.fields
      .filter((f) => !(f.fieldKind === "message" && depth > 2))
      .map((f) => singleArbitrary(f, depth).map((value) => ({ case: f.localName, value })));
    parts[oneof.localName] = fc.oneof(fc.constant({ case: undefined }), ...cases);
  }
  return fc.record(parts) as fc.Arbitrary<Record<string, unknown>>;
}
