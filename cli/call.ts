// `xtmp call`, `xtmp list` and `xtmp describe`: dynamic calls with schemas from .proto files (protobufjs) or server reflection.
import { Code, codeName, createChannel, createClient, loadIdentity, parsePublicKey, XtmpError, type CallOptions, type ChannelOptions, type ClientInterceptor, type ClientResponse } from "../src/index.js";
import { JsonInputError, lines, readAll, requestFromJson, responseToJson } from "./call-json.js";
import { describeSymbol, listText } from "./call-describe.js";
import { reflectSchema } from "./call-reflection.js";
import { findMethod, loadSchema, SchemaError, type ResolvedMethod } from "./call-schema.js";
import type protobuf from "protobufjs";

/** Output and input hooks of a command (tests inject them). */
export interface CallIo {
  out(line: string): void;
  err(line: string): void;
  /** Standard input: JSON requests for `-` (default process.stdin). */
  stdin?: AsyncIterable<string | Uint8Array>;
}

export const CALL_USAGE = `usage:
  xtmp call TARGET METHOD [JSON | -] [--proto FILE [--import-path DIR]...] [-H key:value]... [--deadline MS]
            [--server-key HEX | --insecure] [--keys DIR] [-v]
  xtmp list TARGET [SERVICE] [--proto FILE [--import-path DIR]...] [--server-key HEX | --insecure]
  xtmp describe TARGET SYMBOL [--proto FILE [--import-path DIR]...] [--server-key HEX | --insecure]
without --proto, schemas come from the server's reflection service`;

class CallUsageError extends Error {}

interface CallArgs {
  positional: string[];
  protos: string[];
  importPaths: string[];
  headers: [string, string | Uint8Array][];
  deadline?: number;
  serverKey?: string;
  keys?: string;
  insecure: boolean;
  verbose: boolean;
}

const VALUE_FLAGS = new Set(["--proto", "--import-path", "-H", "--header", "--deadline", "--server-key", "--keys"]);

function parseArgs(args: readonly string[]): CallArgs {
  const a: CallArgs = { positional: [], protos: [], importPaths: [], headers: [], insecure: false, verbose: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "--insecure" || arg === "-v" || arg === "--verbose") {
      if (arg === "--insecure") a.insecure = true;
      else a.verbose = true;
      continue;
    }
    if (VALUE_FLAGS.has(arg)) {
      const v = args[++i];
      if (v === undefined) throw new CallUsageError(`${arg} needs a value`);
      if (arg === "--proto") a.protos.push(v);
      else if (arg === "--import-path") a.importPaths.push(v);
      else if (arg === "-H" || arg === "--header") {
        const colon = v.indexOf(":");
        if (colon <= 0) throw new CallUsageError(`${arg} needs key:value, got ${JSON.stringify(v)}`);
        const key = v.slice(0, colon).trim().toLowerCase();
        const value = v.slice(colon + 1).trim();
        a.headers.push([key, key.endsWith("-bin") ? new Uint8Array(Buffer.from(value, "base64")) : value]);
      } else if (arg === "--deadline") {
        if (!/^\d+$/.test(v) || Number(v) <= 0) throw new CallUsageError(`--deadline needs a positive number of milliseconds, got ${JSON.stringify(v)}`);
        a.deadline = Number(v);
      } else if (arg === "--server-key") a.serverKey = v;
      else a.keys = v;
      continue;
    }
    if (arg.startsWith("-") && arg !== "-") throw new CallUsageError(`unknown argument ${arg}`);
    a.positional.push(arg);
  }
  if (a.insecure && (a.serverKey !== undefined || a.keys !== undefined)) throw new CallUsageError("--insecure has no keys: drop --server-key/--keys");
  return a;
}

/** The schema: the --proto files, or else the server's reflection service (asked about `symbols` too). */
async function schemaOf(a: CallArgs, target: string, symbols: readonly string[]): Promise<protobuf.Root> {
  if (a.protos.length > 0) return loadSchema(a.protos, a.importPaths);
  const channel = createChannel(target, await channelOptions(a));
  try {
    return await reflectSchema(channel, symbols, { metadata: a.headers, ...(a.deadline !== undefined ? { deadline: a.deadline } : {}) });
  } finally {
    channel.close();
  }
}

/** The service part of `pkg.Service/Method`, `pkg.Service.Method` or `/pkg.Service/Method`. */
function serviceOf(method: string): string {
  const text = method.replace(/^\//, "");
  const cut = text.includes("/") ? text.lastIndexOf("/") : text.lastIndexOf(".");
  return cut > 0 ? text.slice(0, cut) : text;
}

async function channelOptions(a: CallArgs): Promise<ChannelOptions> {
  const o: ChannelOptions = { datagram: false, insecure: a.insecure };
  if (a.serverKey !== undefined) {
    try {
      o.serverKey = parsePublicKey(a.serverKey);
    } catch (err) {
      throw new CallUsageError(`--server-key: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (a.keys !== undefined) o.identity = await loadIdentity(a.keys);
  return o;
}

/** The request messages of a call: one from the JSON argument, or from stdin (`-`). */
async function* requests(m: ResolvedMethod, data: string | undefined, stdin: AsyncIterable<string | Uint8Array>, streaming: boolean): AsyncGenerator<protobuf.Message> {
  if (data === "-") {
    if (!streaming) {
      yield requestFromJson(m.requestType, await readAll(stdin), "stdin");
      return;
    }
    let n = 0;
    for await (const line of lines(stdin)) yield requestFromJson(m.requestType, line, `stdin line ${++n}`);
    return;
  }
  yield requestFromJson(m.requestType, data ?? "{}", "request");
}

async function call(a: CallArgs, io: CallIo): Promise<number> {
  const [target, methodName, data, ...extra] = a.positional;
  if (target === undefined || methodName === undefined) throw new CallUsageError("call needs TARGET and METHOD");
  if (extra.length > 0) throw new CallUsageError(`unexpected argument ${extra[0]}`);
  const m = findMethod(await schemaOf(a, target, [serviceOf(methodName)]), methodName);
  const kind = m.descriptor.kind;
  const streamingIn = kind === "client_streaming" || kind === "bidi_streaming";
  // a unary request is parsed before connecting, so bad JSON never reaches the network
  const first = streamingIn || data === "-" ? undefined : requestFromJson(m.requestType, data ?? "{}", "request");
  const abort = new AbortController();
  let inputError: JsonInputError | undefined;
  const input = guard(requests(m, data, io.stdin ?? process.stdin, streamingIn), abort, (e) => (inputError = e));
  let response: ClientResponse | undefined;
  const capture: ClientInterceptor = (next) => (req) => (response = next(req));
  const channel = createChannel(target, { ...(await channelOptions(a)), ...(a.verbose ? { interceptors: [capture] } : {}) });
  const service = { typeName: m.descriptor.path.split("/")[1] as string, rules: { compression: "default" as const, signed: false }, methods: { call: m.descriptor } };
  const client = createClient(service, channel) as unknown as Record<"call", (input: unknown, options: CallOptions) => Promise<unknown> | AsyncIterable<unknown>>;
  const options: CallOptions = { metadata: a.headers, signal: abort.signal, ...(a.deadline !== undefined ? { deadline: a.deadline } : {}) };
  const interrupt = () => abort.abort(new XtmpError(Code.CANCELLED, "interrupted"));
  process.once("SIGINT", interrupt); // Ctrl-C cancels the call (exit code 1, CANCELLED)
  try {
    const single = kind === "unary" || kind === "server_streaming";
    const result = client.call(single ? (first ?? (await firstOf(input))) : input, options);
    if (result instanceof Promise) io.out(responseToJson(m.responseType, await result));
    else for await (const msg of result) io.out(responseToJson(m.responseType, msg));
    if (response) {
      printMetadata(io, "response headers", await response.header);
      printMetadata(io, "response trailers", await response.trailer);
    }
    return 0;
  } catch (err) {
    if (inputError) throw inputError;
    if (err instanceof JsonInputError) throw err;
    const code = err instanceof XtmpError ? err.code : Code.UNKNOWN;
    const message = err instanceof XtmpError ? err.rawMessage : err instanceof Error ? err.message : String(err);
    io.err(`ERROR ${codeName(code)}: ${message}`);
    if (a.verbose && err instanceof XtmpError) printMetadata(io, "response trailers", err.metadata);
    return code;
  } finally {
    process.off("SIGINT", interrupt);
    channel.close();
    // the call may end before stdin does (e.g. the server ended a bidi call): stop reading it
    if (data === "-" && io.stdin === undefined) process.stdin.destroy();
  }
}

/** `-v`: metadata on stderr, one `key: value` a line (binary values base64). */
function printMetadata(io: CallIo, title: string, md: Iterable<readonly [string, string | Uint8Array]>): void {
  io.err(`${title}:`);
  for (const [k, v] of md) io.err(`  ${k}: ${typeof v === "string" ? v : Buffer.from(v).toString("base64")}`);
}

async function firstOf(input: AsyncIterable<protobuf.Message>): Promise<protobuf.Message> {
  for await (const m of input) return m;
  throw new JsonInputError("stdin: no request");
}

/** Passes messages through; a bad one is recorded, the call aborted, and the stream ended. */
async function* guard(src: AsyncIterable<protobuf.Message>, abort: AbortController, record: (e: JsonInputError) => void): AsyncGenerator<protobuf.Message> {
  try {
    yield* src;
  } catch (err) {
    if (!(err instanceof JsonInputError)) throw err;
    record(err);
    abort.abort(err);
    throw err;
  }
}

async function list(a: CallArgs, io: CallIo): Promise<number> {
  const [target, service, ...extra] = a.positional;
  if (target === undefined) throw new CallUsageError("list needs TARGET");
  if (extra.length > 0) throw new CallUsageError(`unexpected argument ${extra[0]}`);
  for (const line of listText(await schemaOf(a, target, service === undefined ? [] : [service]), service)) io.out(line);
  return 0;
}

async function describe(a: CallArgs, io: CallIo): Promise<number> {
  const [target, symbol, ...extra] = a.positional;
  if (target === undefined || symbol === undefined) throw new CallUsageError("describe needs TARGET and SYMBOL");
  if (extra.length > 0) throw new CallUsageError(`unexpected argument ${extra[0]}`);
  io.out(describeSymbol(await schemaOf(a, target, [symbol.replace("/", ".")]), symbol));
  return 0;
}

/**
 * Runs `call`, `list` or `describe` with its arguments; resolves with the exit code: the call's
 * status code (0 = OK), 3 (INVALID_ARGUMENT) for bad JSON or an unknown method, 2 for usage errors.
 */
export async function runCallCommand(cmd: "call" | "list" | "describe", args: readonly string[], io: CallIo): Promise<number> {
  try {
    const a = parseArgs(args);
    return cmd === "call" ? await call(a, io) : cmd === "list" ? await list(a, io) : await describe(a, io);
  } catch (err) {
    if (err instanceof CallUsageError) {
      io.err(`xtmp ${cmd}: ${err.message}\n\n${CALL_USAGE}`);
      return 2;
    }
    if (err instanceof JsonInputError || err instanceof SchemaError) {
      io.err(`xtmp ${cmd}: ${codeName(Code.INVALID_ARGUMENT)}: ${err.message}`);
      return Code.INVALID_ARGUMENT;
    }
    const code = err instanceof XtmpError ? err.code : Code.UNKNOWN;
    io.err(`xtmp ${cmd}: ${codeName(code)}: ${err instanceof XtmpError ? err.rawMessage : err instanceof Error ? err.message : String(err)}`);
    return code;
  }
}
