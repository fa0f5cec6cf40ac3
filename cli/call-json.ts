// Proto3 JSON for `xtmp call`: requests from JSON text or stdin lines, responses to one-line JSON (protobufjs protojson).
import protobuf from "protobufjs";
import protojson from "protobufjs/ext/protojson.js";

/** A request that is not valid proto3 JSON for its type (`xtmp call` exits with INVALID_ARGUMENT). */
export class JsonInputError extends Error {}

/** Longest stdin line accepted as one request (a larger one is refused, not buffered without bound). */
export const MAX_JSON_LINE = 64 * 1024 * 1024;

/** Parses one request from proto3 JSON text (`where` names it in errors, e.g. "stdin line 3"). */
export function requestFromJson(type: protobuf.Type, text: string, where: string): protobuf.Message {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new JsonInputError(`${where}: not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    return protojson.fromJson(type, value);
  } catch (err) {
    throw new JsonInputError(`${where}: not a valid ${type.fullName.replace(/^\./, "")}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Formats a decoded response as proto3 JSON on one line (int64 as strings, bytes base64, enums by name). */
export function responseToJson(type: protobuf.Type, message: unknown): string {
  return protojson.toJsonString(type, message as protobuf.Message);
}

/**
 * Splits a byte or text stream into lines (without the line end; `\r\n` and `\n`), skipping blank
 * lines. A line longer than `maxLine` characters throws JsonInputError.
 */
export async function* lines(input: AsyncIterable<string | Uint8Array>, maxLine = MAX_JSON_LINE): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buf = "";
  for await (const chunk of input) {
    buf += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, nl).replace(/\r$/, "");
      buf = buf.slice(nl + 1);
      if (line.trim() !== "") yield line;
    }
    if (buf.length > maxLine) throw new JsonInputError(`stdin: a line is longer than ${maxLine} characters`);
  }
  buf += decoder.decode();
  if (buf.trim() !== "") yield buf.replace(/\r$/, "");
}

/** Reads all of `input` as text (bounded by `max` characters). */
export async function readAll(input: AsyncIterable<string | Uint8Array>, max = MAX_JSON_LINE): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of input) {
    text += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    if (text.length > max) throw new JsonInputError(`stdin: longer than ${max} characters`);
  }
  return text + decoder.decode();
}
