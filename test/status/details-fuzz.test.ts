// Hostile status details: random bytes, random values under real type URLs and deep nesting never throw out of the readers.
import { expect } from "chai";
import fc from "fast-check";
import {
  BadRequest,
  DebugInfo,
  ErrorInfo,
  Help,
  listDetails,
  LocalizedMessage,
  packDetail,
  PreconditionFailure,
  QuotaFailure,
  RequestInfo,
  ResourceInfo,
  RetryInfo,
  retryInfoDelayMs,
  MAX_RETRY_INFO_DELAY_MS,
  type DetailReader,
} from "../../src/status/details.js";
import { Code, XtmpError } from "../../src/status/error.js";

const TYPES: readonly DetailReader<unknown>[] = [ErrorInfo, RetryInfo, DebugInfo, QuotaFailure, PreconditionFailure, BadRequest, RequestInfo, ResourceInfo, Help, LocalizedMessage];

/** Runs every reader over `details`; returns what findDetails found per type (throws only if a reader does). */
function readAll(details: Uint8Array[]): unknown[][] {
  const err = new XtmpError(Code.INTERNAL, "fuzz", { details });
  expect(err.listDetails()).to.have.length(details.length);
  const delay = retryInfoDelayMs(err);
  if (delay !== undefined) expect(delay).to.be.within(0, MAX_RETRY_INFO_DELAY_MS);
  return TYPES.map((t) => err.findDetails(t));
}

describe("status details fuzz", () => {
  it("random bytes as details never throw and yield no typed detail", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 256 }), { maxLength: 8 }), (details) => {
        for (const found of readAll(details)) expect(found).to.deep.equal([]);
      }),
      { numRuns: 2000 },
    );
  });

  it("random values under every google.rpc type URL never throw", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...TYPES), fc.uint8Array({ maxLength: 256 })), { minLength: 1, maxLength: 8 }), (items) => {
        const details = items.map(([t, v]) => packDetail(t.typeName, v));
        const found = readAll(details);
        expect(found.flat().length).to.be.at.most(details.length);
        for (const d of listDetails(details)) expect(d.valid).to.equal(true);
      }),
      { numRuns: 3000 },
    );
  });

  it("values built from valid-looking fields (tags, varints, lengths, groups) never throw", () => {
    const field = fc.oneof(
      fc.tuple(fc.integer({ min: 1, max: 20 }), fc.constantFrom(0, 1, 2, 3, 4, 5, 6, 7), fc.uint8Array({ maxLength: 12 })).map(([n, w, rest]) => Uint8Array.from([(n << 3) | w, ...rest])),
      fc.uint8Array({ minLength: 1, maxLength: 4 }).map((b) => Uint8Array.from([0x0a, b.length + 3, ...b])), // a length longer than what follows
    );
    fc.assert(
      fc.property(fc.constantFrom(...TYPES), fc.array(field, { maxLength: 16 }), (t, fields) => {
        const value = Uint8Array.from(fields.flatMap((f) => [...f]));
        readAll([packDetail(t.typeName, value)]);
      }),
      { numRuns: 3000 },
    );
  });

  it("deeply nested groups and messages (far past the stack) never throw", () => {
    const depth = 200_000;
    const groups = new Uint8Array(depth).fill(0x0b); // field 1, start group, over and over
    const nested = new Uint8Array(depth * 2);
    for (let i = 0; i < depth; i++) nested.set([0x0a, 0xff], i * 2); // BadRequest field_violations: length 255, repeated
    for (const t of TYPES) expect(() => readAll([packDetail(t.typeName, groups), packDetail(t.typeName, nested), groups])).to.not.throw();
  });
});
