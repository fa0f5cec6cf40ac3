// The RPC conformance subset every transport must pass: unary, server stream, bidi, deadlines, cancellation.
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { TestServiceDefinition } from "../../generated/grpc/testing/test_xtmp.js";
import { Code, createClient, XtmpError, type Channel } from "../../src/index.js";

/** Incompressible payloads: compression would shrink zeros to ~100 bytes on the wire. */
const random = (n: number) => ({ type: 0, body: new Uint8Array(randomBytes(n)) });

async function code(p: Promise<unknown> | AsyncIterable<unknown>): Promise<number | undefined> {
  try {
    if (Symbol.asyncIterator in (p as object)) for await (const _ of p as AsyncIterable<unknown>);
    else await p;
  } catch (err) {
    if (err instanceof XtmpError) return err.code;
    throw err;
  }
  return undefined;
}

/** Registers the conformance cases as mocha tests; `channel()` gives a channel over the transport. */
export function conformance(channel: () => Channel): void {
  it("unary (large)", async () => {
    const ch = channel();
    const stats = (await ch.session()).secure.stats;
    const [sent, received] = [stats.bytesSent, stats.bytesReceived];
    // an incompressible request and an uncompressed (zero-filled) response: the sizes cross the transport
    const r = await createClient(TestServiceDefinition, ch).unaryCall({ responseSize: 314159, responseCompressed: { value: false }, payload: random(271828) });
    expect(r.payload?.body.length).to.equal(314159);
    expect(stats.bytesSent - sent).to.be.greaterThan(271828);
    expect(stats.bytesReceived - received).to.be.greaterThan(314159);
  });

  it("server streaming, in order", async () => {
    const sizes: number[] = [];
    for await (const r of createClient(TestServiceDefinition, channel()).streamingOutputCall({ responseParameters: [31415, 9, 2653, 58979].map((size) => ({ size })) })) {
      sizes.push(r.payload?.body.length ?? -1);
    }
    expect(sizes).to.deep.equal([31415, 9, 2653, 58979]);
  });

  it("bidi", async () => {
    const sizes: number[] = [];
    const reqs = [1, 2, 3].map((n) => ({ responseParameters: [{ size: n * 1000 }], payload: random(n) }));
    for await (const r of createClient(TestServiceDefinition, channel()).fullDuplexCall(reqs)) sizes.push(r.payload?.body.length ?? -1);
    expect(sizes).to.deep.equal([1000, 2000, 3000]);
  });

  it("deadline exceeded", async () => {
    const c = createClient(TestServiceDefinition, channel());
    expect(await code(c.streamingOutputCall({ responseParameters: [{ size: 1, intervalUs: 2_000_000 }] }, { deadline: 100 }))).to.equal(Code.DEADLINE_EXCEEDED);
  });

  it("cancellation", async () => {
    const ac = new AbortController();
    const c = createClient(TestServiceDefinition, channel());
    // the first response arrives at once, the second only after 2 s: cancel when the first is in
    const stream = c.streamingOutputCall({ responseParameters: [{ size: 1 }, { size: 2, intervalUs: 2_000_000 }] }, { signal: ac.signal });
    const sizes: number[] = [];
    const p = code(
      (async function* () {
        for await (const r of stream) {
          sizes.push(r.payload?.body.length ?? -1);
          ac.abort();
          yield r;
        }
      })(),
    );
    expect(await p).to.equal(Code.CANCELLED);
    expect(sizes).to.deep.equal([1]);
  });
}
