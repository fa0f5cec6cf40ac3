// Status codes and XtmpError conversion rules.
import { expect } from "chai";
import { Code, codeName, isCode, Metadata, RpcError, XtmpError } from "../../src/index.js";

describe("status", () => {
  it("has the 17 gRPC codes with their wire numbers", () => {
    const expected = ["OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"];
    expect(expected.map((_, i) => codeName(i))).to.deep.equal(expected);
    expect(Code.UNAUTHENTICATED).to.equal(16);
    expect(isCode(17)).to.equal(false);
    expect(codeName(99)).to.equal("CODE_99");
  });

  it("XtmpError carries code, raw message, metadata and details", () => {
    const err = new XtmpError(Code.NOT_FOUND, "no wallet w1", { metadata: new Metadata({ "x-a": "b" }), details: [new Uint8Array([1])] });
    expect(err).to.be.instanceOf(Error);
    expect(err.code).to.equal(Code.NOT_FOUND);
    expect(err.rawMessage).to.equal("no wallet w1");
    expect(err.message).to.equal("[NOT_FOUND] no wallet w1");
    expect(err.metadata).to.deep.equal([["x-a", "b"]]);
    expect(err.details).to.have.length(1);
    expect(RpcError).to.equal(XtmpError);
  });

  it("XtmpError.from never leaks a plain error's message or stack", () => {
    const secret = new Error("db password is hunter2");
    const err = XtmpError.from(secret);
    expect(err.code).to.equal(Code.UNKNOWN);
    expect(err.rawMessage).to.not.include("hunter2");
    expect(err.cause).to.equal(secret);
    expect(XtmpError.from(err)).to.equal(err);
    expect(XtmpError.from(new DOMException("x", "AbortError")).code).to.equal(Code.CANCELLED);
    expect(XtmpError.from(new DOMException("x", "TimeoutError")).code).to.equal(Code.DEADLINE_EXCEEDED);
    expect(XtmpError.from("str", Code.INTERNAL).code).to.equal(Code.INTERNAL);
    expect(new XtmpError(Code.OK, "not an error").code).to.equal(Code.UNKNOWN);
  });
});

describe("Metadata", () => {
  it("keeps order, lower-cases keys, and separates text from -bin values", () => {
    const md = new Metadata({ "X-Trace": "abc", "x-multi": ["1", "2"], "x-raw-bin": new Uint8Array([0, 1]) });
    md.append("x-multi", "3");
    expect(md.get("x-trace")).to.equal("abc");
    expect(md.getAll("X-MULTI")).to.deep.equal(["1", "2", "3"]);
    expect(md.get("x-raw-bin")).to.deep.equal(new Uint8Array([0, 1]));
    expect([...new Metadata(md)]).to.deep.equal([...md]);
    expect(md.delete("x-multi")).to.equal(true);
    expect(md.size).to.equal(2);
  });

  it("rejects bad keys and values with INVALID_ARGUMENT", () => {
    const bad: Array<() => unknown> = [
      () => new Metadata({ "bad key": "v" }),
      () => new Metadata({ "x-a": "line\nbreak" }),
      () => new Metadata({ "x-a-bin": "text" }),
      () => new Metadata({ "x-a": new Uint8Array(1) }),
      () => new Metadata([[":path", "/x"]]),
    ];
    for (const f of bad) expect(f).to.throw(XtmpError).with.property("code", Code.INVALID_ARGUMENT);
  });
});
