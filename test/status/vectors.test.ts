// Status details against committed vectors encoded by an independent encoder (test/vectors/status/details.json).
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { statusDetailsBin } from "../../src/server/grpc-call.js";
import { ErrorInfo, findDetails, listDetails, RetryInfo, retryInfoDelayMs, statusDetail } from "../../src/status/details.js";
import { Code, XtmpError } from "../../src/status/error.js";
import { Status } from "../../src/status/gen/google/rpc/status.js";

interface Vectors {
  any_error_info: { hex: string };
  status: { hex: string; json: { code: number; message: string } };
}
const V = JSON.parse(readFileSync(new URL("../vectors/status/details.json", import.meta.url), "utf8")) as Vectors;
const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex, "hex"));
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

const errorInfo = { reason: "STOCKOUT", domain: "example.com", metadata: new Map([["zone", "eu-west1"]]) };

describe("status details vectors", () => {
  it("statusDetail(ErrorInfo, …) encodes the vector's Any byte for byte", () => {
    expect(hex(statusDetail(ErrorInfo, errorInfo))).to.equal(V.any_error_info.hex);
  });

  it("reads the vector's Any as ErrorInfo", () => {
    expect(listDetails([bytes(V.any_error_info.hex)]).map((d) => d.typeUrl)).to.deep.equal(["type.googleapis.com/google.rpc.ErrorInfo"]);
    expect(findDetails([bytes(V.any_error_info.hex)], ErrorInfo)).to.deep.equal([errorInfo]);
  });

  it("reads the vector's google.rpc.Status: code, message, ErrorInfo and RetryInfo (1.5 s)", () => {
    const status = Status.decode(bytes(V.status.hex));
    expect([status.code, status.message]).to.deep.equal([V.status.json.code, V.status.json.message]);
    const details = status.details.map((a) => statusDetailBytes(a.typeUrl, a.value));
    const err = new XtmpError(status.code, status.message, { details });
    expect(err.findDetails(ErrorInfo)).to.deep.equal([errorInfo]);
    expect(err.findDetails(RetryInfo)).to.deep.equal([{ retryDelay: { seconds: 1n, nanos: 500_000_000 } }]);
    expect(retryInfoDelayMs(err)).to.equal(1500);
  });

  it("the gRPC bridge's grpc-status-details-bin for the same error equals the vector's Status", () => {
    const err = new XtmpError(Code.UNAVAILABLE, "busy, try later", {
      details: [statusDetail(ErrorInfo, errorInfo), statusDetail(RetryInfo, { retryDelay: { seconds: 1n, nanos: 500_000_000 } })],
    });
    expect(hex(statusDetailsBin(err))).to.equal(V.status.hex);
  });
});

/** Re-serializes an Any from the Status (field 1 type_url, field 2 value; lengths here are below 128), independently of details.ts. */
function statusDetailBytes(typeUrl: string, value: Uint8Array): Uint8Array {
  const url = Buffer.from(typeUrl, "utf8");
  return Uint8Array.from([0x0a, url.length, ...url, 0x12, value.length, ...value]);
}
