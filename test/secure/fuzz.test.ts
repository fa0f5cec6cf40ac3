// Fuzzing the session state machines with random bytes: a clean error every time, never a crash or hang.
import { expect } from "chai";
import fc from "fast-check";
import { Code } from "../../src/status/code.js";
import { XtmpError } from "../../src/status/error.js";
import { acceptSession, connectSession } from "../../src/secure/handshake.js";
import { generateIdentity } from "../../src/secure/identity.js";
import { duplexPair } from "../../src/transport/memory.js";
import { FrameType } from "../../src/wire/frame-types.js";
import { DEFAULT_MAX_PLAINTEXT, TAG_SIZE } from "../../src/wire/record.js";
import { within } from "../helpers/calls.js";
import { establish, inbox, ok } from "../helpers/sessions.js";

/** A clean protocol failure: an XtmpError that is not a wrapped bug (TypeError, RangeError, …). */
function expectClean(err: unknown): void {
  expect(err).to.be.instanceOf(XtmpError);
  const cause = (err as XtmpError).cause;
  expect(cause instanceof TypeError || cause instanceof RangeError || cause instanceof ReferenceError, `a bug surfaced as ${String(err)}: ${String(cause)}`).to.equal(false);
}

/**
 * The handshake timeout is far longer than any wait below, so a side that hangs shows up as a
 * `within` failure (or a DEADLINE_EXCEEDED), never as a clean-looking timeout error.
 */
const LONG_HANDSHAKE_TIMEOUT = 60_000;

const serverId = generateIdentity();
const clientId = generateIdentity();
const MAGIC = [0x58, 0x54, 0x4d, 0x50];

/** A handshake that ends on junk: a protocol or authentication failure, or UNAVAILABLE (the peer hung up mid-message). */
function expectHandshakeRefusal(err: unknown): void {
  expectClean(err);
  expect((err as XtmpError).code, String(err)).to.be.oneOf([Code.INTERNAL, Code.FAILED_PRECONDITION, Code.UNAUTHENTICATED, Code.UNAVAILABLE]);
}

describe("session fuzzing", function () {
  this.timeout(60_000);

  it("random bytes (often after a valid-looking preamble), then a hang-up, to a server: rejected with an XtmpError", async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.uint8Array({ maxLength: 300 }), async (withHello, junk) => {
        const [raw, other] = duplexPair();
        raw.setReceiver({ onData() {}, onEnd() {} });
        const s = acceptSession(other, { identity: serverId, handshakeTimeoutMs: LONG_HANDSHAKE_TIMEOUT });
        raw.write(new Uint8Array([...(withHello ? [...MAGIC, 1, 1, 2, 0] : []), ...junk]));
        raw.close(); // the peer hangs up: waiting for more bytes is no longer an answer
        const err = await within(s.then(() => undefined, (e: unknown) => e), "the server refusing the junk");
        expectHandshakeRefusal(err);
      }),
      { numRuns: 150 },
    );
  });

  it("random bytes, then a hang-up, to a client: rejected with an XtmpError", async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.uint8Array({ maxLength: 300 }), async (withHello, junk) => {
        const [raw, other] = duplexPair();
        raw.setReceiver({ onData() {}, onEnd() {} });
        const c = connectSession(other, { identity: clientId, handshakeTimeoutMs: LONG_HANDSHAKE_TIMEOUT });
        raw.write(new Uint8Array([...(withHello ? [...MAGIC, 1, 0, 0, 0] : []), ...junk]));
        raw.close();
        expectHandshakeRefusal(await within(c.then(() => undefined, (e: unknown) => e), "the client refusing the junk"));
      }),
      { numRuns: 150 },
    );
  });

  it("random records after the handshake: the session closes with a record error; frames before it are intact", async () => {
    const maxBody = DEFAULT_MAX_PLAINTEXT + TAG_SIZE;
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ minLength: 1, maxLength: 400 }), fc.constant(new Uint8Array([0, 0, 1]))), fc.uint8Array({ minLength: maxBody + 2, maxLength: maxBody + 2 }), async (junk, filler) => {
        const [c, s] = await establish({ identity: clientId }, { identity: serverId });
        const si = inbox(ok(s));
        ok(c).send({ type: FrameType.DATA, flags: 0, streamId: 1, payload: new Uint8Array([1, 2, 3]) });
        await si.waitFor(1);
        // the junk, then enough bytes to complete any record it began: the connection stays open,
        // so only the record layer's own verdict can close the session
        ok(s).onData(junk);
        ok(s).onData(filler);
        const err = await within(si.closed, "the session closing on junk records");
        expectClean(err);
        const declared = junk.length >= 2 ? ((junk[0] as number) << 8) | (junk[1] as number) : ((junk[0] as number) << 8) | (filler[0] as number);
        if (declared === 0) {
          expect(err?.code, String(err)).to.equal(Code.UNAUTHENTICATED); // an empty record is a late handshake ABORT
        } else if (declared > maxBody) {
          expect(err?.code, String(err)).to.equal(Code.INTERNAL);
          expect(err?.message).to.match(/exceeds the limit/);
        } else {
          expect(err?.code, String(err)).to.equal(Code.DATA_LOSS); // even a record shorter than a tag
          expect(err?.message).to.match(/record authentication failed/);
        }
        expect(si.unexpected, "the record layer threw something other than a protocol error").to.deep.equal([]);
        expect(si.frames).to.have.length(1);
      }),
      { numRuns: 60 },
    );
  });
});
