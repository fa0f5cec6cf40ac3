// The RPC conformance subset every transport must pass: unary, server stream, bidi, deadlines, cancellation.
import { expect } from "chai";
import { TestServiceDefinition } from "../../generated/grpc/testing/test_xtmp.js";
import { Code, createClient, XtmpError, type Channel } from "../../src/index.js";

const zeros = (n: number) => ({ type: 0, body: new Uint8Array(n) });

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
    const r = await createClient(TestServiceDefinition, channel()).unaryCall({ responseSize: 314159, payload: zeros(271828) });
    expect(r.payload?.body.length).to.equal(314159);
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
    const reqs = [1, 2, 3].map((n) => ({ responseParameters: [{ size: n * 1000 }], payload: zeros(n) }));
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
    const p = code(c.streamingOutputCall({ responseParameters: [{ size: 1, intervalUs: 2_000_000 }] }, { signal: ac.signal }));
    setTimeout(() => ac.abort(), 50);
    expect(await p).to.equal(Code.CANCELLED);
  });
}
