// Fuzzing the session state machines with random bytes: a clean error every time, never a crash or hang.
import { expect } from "chai";
import fc from "fast-check";
import { XtmpError } from "../../src/status/error.js";
import { acceptSession, connectSession } from "../../src/secure/handshake.js";
import { generateIdentity } from "../../src/secure/identity.js";
import { duplexPair } from "../../src/wire/duplex.js";
import { FrameType } from "../../src/wire/frame-types.js";
import { establish, inbox, ok } from "../helpers/sessions.js";

/** A clean protocol failure: an XtmpError that is not a wrapped bug (TypeError, RangeError, …). */
function expectClean(err: unknown): void {
  expect(err).to.be.instanceOf(XtmpError);
  const cause = (err as XtmpError).cause;
  expect(cause instanceof TypeError || cause instanceof RangeError || cause instanceof ReferenceError, `a bug surfaced as ${String(err)}: ${String(cause)}`).to.equal(false);
}

const serverId = generateIdentity();
const clientId = generateIdentity();
const MAGIC = [0x58, 0x54, 0x4d, 0x50];

describe("session fuzzing", function () {
  this.timeout(60_000);

  it("random bytes (often after a valid-looking preamble) to a server: rejected with an XtmpError", async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.uint8Array({ maxLength: 300 }), async (withHello, junk) => {
        const [raw, other] = duplexPair();
        raw.setReceiver({ onData() {}, onEnd() {} });
        const s = acceptSession(other, { identity: serverId, handshakeTimeoutMs: 50 });
        raw.write(new Uint8Array([...(withHello ? [...MAGIC, 1, 1, 2, 0] : []), ...junk]));
        const err = await s.then(
          () => undefined,
          (e: unknown) => e,
        );
        expectClean(err);
      }),
      { numRuns: 150 },
    );
  });

  it("random bytes to a client: rejected with an XtmpError", async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.uint8Array({ maxLength: 300 }), async (withHello, junk) => {
        const [raw, other] = duplexPair();
        raw.setReceiver({ onData() {}, onEnd() {} });
        const c = connectSession(other, { identity: clientId, handshakeTimeoutMs: 50 });
        raw.write(new Uint8Array([...(withHello ? [...MAGIC, 1, 0, 0, 0] : []), ...junk]));
        expectClean(await c.then(() => undefined, (e: unknown) => e));
      }),
      { numRuns: 150 },
    );
  });

  it("random records after the handshake: the session closes with an XtmpError; frames before it are intact", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 400 }), async (junk) => {
        const [c, s] = await establish({ identity: clientId }, { identity: serverId });
        const si = inbox(ok(s));
        ok(c).send({ type: FrameType.DATA, flags: 0, streamId: 1, payload: new Uint8Array([1, 2, 3]) });
        await si.waitFor(1);
        ok(s).onData(junk);
        ok(s).onEnd(); // bounded: whatever the junk did, the connection ends
        const err = await si.closed;
        expect(err).to.be.instanceOf(XtmpError);
        expect(si.unexpected, "the record layer threw something other than a protocol error").to.deep.equal([]);
        expect(si.frames).to.have.length(1);
      }),
      { numRuns: 60 },
    );
  });
});
