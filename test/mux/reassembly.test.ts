// Message reassembly: any fragmentation gives the message back; views are kept only where they pin little.
import { expect } from "chai";
import fc from "fast-check";
import { randomBytes } from "node:crypto";
import { keepsAsView, Reassembly } from "../../src/mux/reassembly.js";

describe("mux message reassembly", () => {
  it("a fragment is kept as a view only when it is at least 4 KiB and at least half of its buffer", () => {
    const record = new Uint8Array(65519);
    expect(keepsAsView(record.subarray(10, 60_000))).to.equal(true);
    expect(keepsAsView(record.subarray(0, 100)), "100 B pinning 64 KiB").to.equal(false);
    expect(keepsAsView(record.subarray(0, 30_000)), "less than half of its buffer").to.equal(false);
    expect(keepsAsView(new Uint8Array(4095)), "under 4 KiB").to.equal(false);
  });

  it("any cut of a message into views and small copies reassembles to the same bytes, with at most two segments per 4 KiB", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 9000 }), fc.boolean()), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 0, max: 9000 }),
        (cuts, lastLen) => {
          const r = new Reassembly(1 << 20);
          const parts: Uint8Array[] = [];
          for (const [len, own] of cuts) {
            // own: the fragment is its whole buffer (a view candidate); else it sits in a 64 KiB record
            const frag = own ? new Uint8Array(randomBytes(len)) : new Uint8Array(65519).subarray(7, 7 + len);
            if (!own) frag.set(randomBytes(len));
            r.add(frag);
            parts.push(frag.slice());
          }
          const last = new Uint8Array(randomBytes(lastLen));
          const total = parts.reduce((n, p) => n + p.length, 0);
          expect(r.bytes).to.equal(total);
          expect(r.segments).to.be.at.most(2 * Math.floor(total / 4096) + 1);
          const msg = r.finish(last);
          expect(Buffer.from(msg).equals(Buffer.concat([...parts, last]))).to.equal(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("a view is not copied when added, so later changes to the caller's buffer would show: the bytes are taken at finish", () => {
    // documents the contract the stream relies on: record plaintexts are never reused after delivery
    const r = new Reassembly(1 << 20);
    const frag = new Uint8Array(8192).fill(1);
    r.add(frag);
    frag[0] = 2;
    expect(r.finish(new Uint8Array(0))[0]).to.equal(2);
  });
});
