// Typed status details: google.rpc error details packed as google.protobuf.Any, written and read safely.
import { Any } from "./gen/google/protobuf/any.js";
import * as rpc from "./gen/google/rpc/error_details.js";

/** The type URL prefix gRPC uses for packed details: `type.googleapis.com/<full type name>`. */
export const TYPE_URL_PREFIX = "type.googleapis.com/";

/**
 * The largest delay `retryInfoDelayMs` returns, 2^31 − 1 ms (about 24.8 days): the longest a
 * platform timer holds, and the same bound as the `grpc-retry-pushback-ms` trailer.
 */
export const MAX_RETRY_INFO_DELAY_MS = 0x7fffffff;

/** A message codec in ts-proto's shape (what protoc-gen-ts_proto emits for every message). */
export interface DetailCodec<T, P> {
  encode(message: T): { finish(): Uint8Array };
  /** Parses bytes; may throw on malformed input (the readers below catch it). */
  decode(bytes: Uint8Array): T;
  fromPartial(object: P): T;
}

/** What reading a detail needs: the full protobuf type name and a decoder (every DetailType is one). */
export interface DetailReader<T> {
  /** The full protobuf type name, without the type URL prefix, e.g. `google.rpc.RetryInfo`. */
  readonly typeName: string;
  /** Parses bytes; throws on malformed input (use `findDetails`/`decodeDetail`, which do not). */
  decode(bytes: Uint8Array): T;
}

/** A detail message type: its full protobuf name (e.g. `google.rpc.RetryInfo`) and its codec. */
export interface DetailType<T, P = T> extends DetailReader<T> {
  /** Serializes a complete message. */
  encode(message: T): Uint8Array;
  /** Builds a complete message from a partial one, filling defaults. */
  fromPartial(partial: P): T;
}

/** A DetailType for any message with a ts-proto style codec, e.g. `detailType("acme.v1.Quota", Quota)`. */
export function detailType<T, P>(typeName: string, codec: DetailCodec<T, P>): DetailType<T, P> {
  if (typeName === "" || typeName.includes("/")) throw new TypeError(`detailType: "${typeName}" is not a full protobuf type name`);
  return Object.freeze({
    typeName,
    encode: (message: T) => codec.encode(message).finish(),
    decode: (bytes: Uint8Array) => codec.decode(bytes),
    fromPartial: (partial: P) => codec.fromPartial(partial),
  });
}

/** google.rpc.ErrorInfo: the cause of the error, a reason within a domain plus metadata. */
export const ErrorInfo = detailType("google.rpc.ErrorInfo", rpc.ErrorInfo);
/** google.rpc.RetryInfo: how long to wait before retrying. */
export const RetryInfo = detailType("google.rpc.RetryInfo", rpc.RetryInfo);
/** google.rpc.DebugInfo: stack entries and debugging detail. */
export const DebugInfo = detailType("google.rpc.DebugInfo", rpc.DebugInfo);
/** google.rpc.QuotaFailure: which quota checks failed. */
export const QuotaFailure = detailType("google.rpc.QuotaFailure", rpc.QuotaFailure);
/** google.rpc.PreconditionFailure: which preconditions failed. */
export const PreconditionFailure = detailType("google.rpc.PreconditionFailure", rpc.PreconditionFailure);
/** google.rpc.BadRequest: which request fields are invalid. */
export const BadRequest = detailType("google.rpc.BadRequest", rpc.BadRequest);
/** google.rpc.RequestInfo: the request id, for bug reports. */
export const RequestInfo = detailType("google.rpc.RequestInfo", rpc.RequestInfo);
/** google.rpc.ResourceInfo: the resource being accessed. */
export const ResourceInfo = detailType("google.rpc.ResourceInfo", rpc.ResourceInfo);
/** google.rpc.Help: links to documentation. */
export const Help = detailType("google.rpc.Help", rpc.Help);
/** google.rpc.LocalizedMessage: a message safe to show to the user. */
export const LocalizedMessage = detailType("google.rpc.LocalizedMessage", rpc.LocalizedMessage);

// Each constant above is also the type of its messages (plain values), as ts-proto names them.
export type ErrorInfo = rpc.ErrorInfo;
export type RetryInfo = rpc.RetryInfo;
export type DebugInfo = rpc.DebugInfo;
export type QuotaFailure = rpc.QuotaFailure;
export type PreconditionFailure = rpc.PreconditionFailure;
export type BadRequest = rpc.BadRequest;
export type RequestInfo = rpc.RequestInfo;
export type ResourceInfo = rpc.ResourceInfo;
export type Help = rpc.Help;
export type LocalizedMessage = rpc.LocalizedMessage;

/**
 * One status detail as it travels: a serialized google.protobuf.Any (type URL
 * `type.googleapis.com/<typeName>`, value = the message bytes). Pass it in XtmpError's `details`.
 */
export function statusDetail<T, P>(type: DetailType<T, P>, message: P): Uint8Array {
  return packDetail(type.typeName, type.encode(type.fromPartial(message)));
}

/** Packs already-serialized message bytes as a google.protobuf.Any under `type.googleapis.com/<typeName>`. */
export function packDetail(typeName: string, value: Uint8Array): Uint8Array {
  return Any.encode({ typeUrl: TYPE_URL_PREFIX + typeName, value }).finish();
}

/** One received detail, unpacked from its google.protobuf.Any. */
export interface StatusDetailEntry {
  /** The Any's type URL, e.g. `type.googleapis.com/google.rpc.RetryInfo` ("" when not a valid Any). */
  readonly typeUrl: string;
  /** The full type name: the type URL after its last `/` ("" when not a valid Any). */
  readonly typeName: string;
  /** The packed message bytes (empty when not a valid Any). */
  readonly value: Uint8Array;
  /** The detail exactly as received (a serialized google.protobuf.Any, unless `valid` is false). */
  readonly raw: Uint8Array;
  /** False when the bytes are not a google.protobuf.Any (kept so nothing received is lost). */
  readonly valid: boolean;
}

/** Unpacks every detail: one entry each, in order; bytes that are not a valid Any give `valid: false`. */
export function listDetails(details: readonly Uint8Array[]): StatusDetailEntry[] {
  return details.map(unpack);
}

function unpack(raw: Uint8Array): StatusDetailEntry {
  let any: Any;
  try {
    any = Any.decode(raw);
  } catch {
    return { typeUrl: "", typeName: "", value: new Uint8Array(0), raw, valid: false };
  }
  return { typeUrl: any.typeUrl, typeName: any.typeUrl.slice(any.typeUrl.lastIndexOf("/") + 1), value: any.value, raw, valid: true };
}

/**
 * The message of one entry when it is of `type`; undefined when it is another type, not a valid
 * Any, or its value does not decode. Never throws: details come from the network.
 */
export function decodeDetail<T>(type: DetailReader<T>, entry: StatusDetailEntry): T | undefined {
  if (!entry.valid || entry.typeName !== type.typeName) return undefined;
  try {
    return type.decode(entry.value);
  } catch {
    return undefined; // malformed value: the entry stays visible (valid Any) in listDetails
  }
}

/** Every detail of `type` that decodes, in order (others and malformed ones are skipped). Never throws. */
export function findDetails<T>(details: readonly Uint8Array[], type: DetailReader<T>): T[] {
  const out: T[] = [];
  for (const entry of listDetails(details)) {
    const message = decodeDetail(type, entry);
    if (message !== undefined) out.push(message);
  }
  return out;
}

/**
 * The retry delay the first decodable RetryInfo detail asks for, in whole milliseconds (rounded
 * up), or undefined when there is none, it has no `retry_delay`, or the delay is negative or not a
 * valid Duration (nanos outside 0..999,999,999). Delays above MAX_RETRY_INFO_DELAY_MS are capped to it.
 */
export function retryInfoDelayMs(error: { readonly details: readonly Uint8Array[] }): number | undefined {
  const delay = findDetails(error.details, RetryInfo)[0]?.retryDelay;
  if (delay === undefined) return undefined;
  const { seconds, nanos } = delay;
  if (seconds < 0n || !Number.isInteger(nanos) || nanos < 0 || nanos > 999_999_999) return undefined;
  if (seconds > BigInt(Math.floor(MAX_RETRY_INFO_DELAY_MS / 1000))) return MAX_RETRY_INFO_DELAY_MS;
  return Math.min(Number(seconds) * 1000 + Math.ceil(nanos / 1_000_000), MAX_RETRY_INFO_DELAY_MS);
}
