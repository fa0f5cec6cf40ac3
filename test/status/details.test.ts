// Typed status details: packing as google.protobuf.Any, typed reading, listing, user types and the RetryInfo delay.
import { expect } from "chai";
import { HealthCheckResponse, HealthCheckResponse_ServingStatus as Serving } from "../../generated/grpc/health/v1/health.js";
import {
  BadRequest,
  DebugInfo,
  detailType,
  ErrorInfo,
  Help,
  LocalizedMessage,
  MAX_RETRY_INFO_DELAY_MS,
  packDetail,
  PreconditionFailure,
  QuotaFailure,
  RequestInfo,
  ResourceInfo,
  RetryInfo,
  retryInfoDelayMs,
  statusDetail,
} from "../../src/status/details.js";
import { Code, XtmpError } from "../../src/status/error.js";
import { Any } from "../../src/status/gen/google/protobuf/any.js";

const retry = (seconds: bigint, nanos: number) => new XtmpError(Code.UNAVAILABLE, "busy", { details: [statusDetail(RetryInfo, { retryDelay: { seconds, nanos } })] });

describe("status details", () => {
  it("packs a detail as a google.protobuf.Any under type.googleapis.com/<full name>", () => {
    const any = Any.decode(statusDetail(ErrorInfo, { reason: "STOCKOUT", domain: "example.com" }));
    expect(any.typeUrl).to.equal("type.googleapis.com/google.rpc.ErrorInfo");
    const info: ErrorInfo = ErrorInfo.decode(any.value); // the constant is also the message type
    expect(info).to.deep.equal({ reason: "STOCKOUT", domain: "example.com", metadata: new Map() });
  });

  it("reads back every google.rpc detail type, typed, from one error", () => {
    const err = new XtmpError(Code.FAILED_PRECONDITION, "many", {
      details: [
        statusDetail(ErrorInfo, { reason: "R", domain: "d", metadata: new Map([["k", "v"]]) }),
        statusDetail(RetryInfo, { retryDelay: { seconds: 2n, nanos: 5 } }),
        statusDetail(DebugInfo, { stackEntries: ["a", "b"], detail: "x" }),
        statusDetail(QuotaFailure, { violations: [{ subject: "s", quotaValue: 7n, futureQuotaValue: 9n, quotaDimensions: new Map([["region", "eu"]]) }] }),
        statusDetail(PreconditionFailure, { violations: [{ type: "TOS", subject: "s", description: "d" }] }),
        statusDetail(BadRequest, { fieldViolations: [{ field: "a.b", description: "bad", reason: "R", localizedMessage: { locale: "fr", message: "mauvais" } }] }),
        statusDetail(RequestInfo, { requestId: "r1", servingData: "sd" }),
        statusDetail(ResourceInfo, { resourceType: "t", resourceName: "n", owner: "o", description: "d" }),
        statusDetail(Help, { links: [{ description: "docs", url: "https://example.com" }] }),
        statusDetail(LocalizedMessage, { locale: "en-US", message: "hi" }),
      ],
    });
    expect(err.findDetails(ErrorInfo)).to.deep.equal([{ reason: "R", domain: "d", metadata: new Map([["k", "v"]]) }]);
    expect(err.findDetails(RetryInfo)).to.deep.equal([{ retryDelay: { seconds: 2n, nanos: 5 } }]);
    expect(err.findDetails(DebugInfo)).to.deep.equal([{ stackEntries: ["a", "b"], detail: "x" }]);
    const q = err.findDetails(QuotaFailure)[0]?.violations[0];
    expect([q?.subject, q?.quotaValue, q?.futureQuotaValue, q?.quotaDimensions.get("region")]).to.deep.equal(["s", 7n, 9n, "eu"]);
    expect(err.findDetails(PreconditionFailure)).to.deep.equal([{ violations: [{ type: "TOS", subject: "s", description: "d" }] }]);
    expect(err.findDetails(BadRequest)).to.deep.equal([{ fieldViolations: [{ field: "a.b", description: "bad", reason: "R", localizedMessage: { locale: "fr", message: "mauvais" } }] }]);
    expect(err.findDetails(RequestInfo)).to.deep.equal([{ requestId: "r1", servingData: "sd" }]);
    expect(err.findDetails(ResourceInfo)).to.deep.equal([{ resourceType: "t", resourceName: "n", owner: "o", description: "d" }]);
    expect(err.findDetails(Help)).to.deep.equal([{ links: [{ description: "docs", url: "https://example.com" }] }]);
    expect(err.findDetails(LocalizedMessage)).to.deep.equal([{ locale: "en-US", message: "hi" }]);
  });

  it("findDetails returns only the asked type, every one of them, in order", () => {
    const err = new XtmpError(Code.INTERNAL, "x", {
      details: [statusDetail(LocalizedMessage, { locale: "a" }), statusDetail(Help, {}), statusDetail(LocalizedMessage, { locale: "b" })],
    });
    expect(err.findDetails(LocalizedMessage).map((m) => m.locale)).to.deep.equal(["a", "b"]);
    expect(err.findDetails(ErrorInfo)).to.deep.equal([]);
  });

  it("makes a DetailType for a user's own message and matches on the full type name", () => {
    const Health = detailType("grpc.health.v1.HealthCheckResponse", HealthCheckResponse);
    const err = new XtmpError(Code.UNAVAILABLE, "down", { details: [statusDetail(Health, { status: Serving.NOT_SERVING })] });
    expect(err.findDetails(Health)).to.deep.equal([{ status: Serving.NOT_SERVING }]);
    expect(err.listDetails()[0]?.typeUrl).to.equal("type.googleapis.com/grpc.health.v1.HealthCheckResponse");
    // another prefix before the last "/" names the same type (as gRPC and Connect match)
    const other = new XtmpError(Code.UNAVAILABLE, "down", { details: [Any.encode({ typeUrl: "example.com/x/grpc.health.v1.HealthCheckResponse", value: Health.encode({ status: Serving.SERVING }) }).finish()] });
    expect(other.findDetails(Health)).to.deep.equal([{ status: Serving.SERVING }]);
    expect(() => detailType("type.googleapis.com/a.B", HealthCheckResponse)).to.throw(TypeError);
  });

  it("listDetails lists every detail with its type URL, keeping raw details that are not an Any", () => {
    const raw = new Uint8Array([0x0a, 0xff]); // field 1, length 255: truncated
    const info = statusDetail(RequestInfo, { requestId: "r" });
    const err = new XtmpError(Code.INTERNAL, "x", { details: [info, raw, packDetail("acme.v1.Thing", new Uint8Array([1, 2]))] });
    const list = err.listDetails();
    expect(list.map((d) => [d.typeUrl, d.typeName, d.valid])).to.deep.equal([
      ["type.googleapis.com/google.rpc.RequestInfo", "google.rpc.RequestInfo", true],
      ["", "", false],
      ["type.googleapis.com/acme.v1.Thing", "acme.v1.Thing", true],
    ]);
    expect(list[1]?.raw).to.equal(raw);
    expect([...(list[2]?.value ?? [])]).to.deep.equal([1, 2]);
    expect(err.details).to.deep.equal([info, raw, list[2]?.raw]);
  });

  it("skips a detail of the right type whose value does not decode, keeping the good ones", () => {
    const broken = packDetail("google.rpc.ErrorInfo", new Uint8Array([0x0a, 0x7f, 0x41])); // reason: length 127, 1 byte present
    const err = new XtmpError(Code.INTERNAL, "x", { details: [broken, statusDetail(ErrorInfo, { reason: "OK_ONE" })] });
    expect(err.findDetails(ErrorInfo).map((e) => e.reason)).to.deep.equal(["OK_ONE"]);
    expect(err.listDetails().map((d) => d.valid)).to.deep.equal([true, true]);
  });

  describe("retryInfoDelayMs", () => {
    it("turns RetryInfo.retry_delay into milliseconds, rounding nanoseconds up", () => {
      expect(retryInfoDelayMs(retry(1n, 0))).to.equal(1000);
      expect(retryInfoDelayMs(retry(1n, 500_000_000))).to.equal(1500);
      expect(retryInfoDelayMs(retry(0n, 1))).to.equal(1);
      expect(retryInfoDelayMs(retry(0n, 0))).to.equal(0);
    });

    it("is undefined without RetryInfo, without retry_delay, or for a negative or invalid duration", () => {
      expect(retryInfoDelayMs(new XtmpError(Code.UNAVAILABLE, "x"))).to.equal(undefined);
      expect(retryInfoDelayMs(new XtmpError(Code.UNAVAILABLE, "x", { details: [statusDetail(RetryInfo, {})] }))).to.equal(undefined);
      expect(retryInfoDelayMs(retry(-1n, 0))).to.equal(undefined);
      expect(retryInfoDelayMs(retry(0n, -1))).to.equal(undefined);
      expect(retryInfoDelayMs(retry(0n, 1_000_000_000))).to.equal(undefined);
    });

    it(`caps huge delays at MAX_RETRY_INFO_DELAY_MS (${MAX_RETRY_INFO_DELAY_MS})`, () => {
      expect(MAX_RETRY_INFO_DELAY_MS).to.equal(2 ** 31 - 1);
      expect(retryInfoDelayMs(retry(2n ** 63n - 1n, 999_999_999))).to.equal(MAX_RETRY_INFO_DELAY_MS);
      expect(retryInfoDelayMs(retry(2_147_483n, 648_000_000))).to.equal(MAX_RETRY_INFO_DELAY_MS);
      expect(retryInfoDelayMs(retry(2_147_483n, 646_000_000))).to.equal(MAX_RETRY_INFO_DELAY_MS - 1);
    });

    it("uses the first RetryInfo that decodes", () => {
      const broken = packDetail("google.rpc.RetryInfo", new Uint8Array([0x0a, 0x05]));
      const err = new XtmpError(Code.UNAVAILABLE, "x", { details: [broken, statusDetail(RetryInfo, { retryDelay: { seconds: 3n } }), statusDetail(RetryInfo, { retryDelay: { seconds: 9n } })] });
      expect(retryInfoDelayMs(err)).to.equal(3000);
    });
  });
});
