// createClient: typed stubs over a channel, one method per descriptor entry, through the interceptors.
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";
import { absoluteDeadline, earliest } from "../rpc/deadline.js";
import type { CallOptions } from "../rpc/call-options.js";
import type { MethodConfig } from "../retry/service-config.js";
import type { AnyMethodDescriptor, ServiceDescriptor } from "../rpc/descriptor.js";
import { chain, type ClientInvoke, type ClientRequest, type ClientResponse } from "../rpc/interceptor.js";
import { Metadata } from "../rpc/metadata.js";
import type { ClientOf } from "../rpc/typed.js";
import { ClientCall, type ClientCallEnv } from "./call.js";
import { SingleMessage } from "./request-buffer.js";
import { NEVER } from "./never.js";
import type { Channel } from "./channel.js";

/** Per-call options (an alias of CallOptions, kept for readability at call sites). */
export type ClientCallOptions = CallOptions;

async function* fromIterable(input: AsyncIterable<unknown> | Iterable<unknown>): AsyncGenerator<unknown> {
  yield* input as AsyncIterable<unknown>;
}

async function unaryResult(messages: AsyncIterable<unknown>, path: string): Promise<unknown> {
  let result: unknown;
  let n = 0;
  for await (const m of messages) {
    result = m;
    n++;
  }
  if (n !== 1) throw new XtmpError(Code.INTERNAL, `${path}: expected exactly one response message, got ${n}`);
  return result;
}

function makeInvoke(channel: Channel, options: ClientCallOptions | undefined, config: MethodConfig | undefined): ClientInvoke {
  const env: ClientCallEnv = {
    host: channel,
    maxRecvMessage: channel.maxRecvMessage,
    compression: channel.compression,
    datagramStats: options?.datagramStats,
    forceCompression: options?.compress,
    waitForReady: options?.waitForReady ?? config?.waitForReady ?? false,
    durations: channel.telemetry.durations,
    runtime: channel.telemetry.runtime,
    tracer: channel.tracer,
  };
  return (req) => new ClientCall(req, env).response;
}

function request(method: AnyMethodDescriptor, messages: AsyncIterable<unknown>, options: ClientCallOptions | undefined, config: MethodConfig | undefined): ClientRequest {
  // the service config's timeout applies when the caller set no earlier deadline
  const configured = config?.timeoutMs === undefined ? undefined : Date.now() + config.timeoutMs;
  return {
    method,
    header: new Metadata(options?.metadata),
    deadline: earliest(earliest(absoluteDeadline(options?.deadline), options?.parent?.deadline), configured),
    signal: signalOf(options),
    messages,
  };
}

function signalOf(options: ClientCallOptions | undefined): AbortSignal {
  const signals = [options?.signal, options?.parent?.signal].filter((s): s is AbortSignal => s !== undefined);
  if (signals.length === 0) return NEVER;
  return signals.length === 1 ? (signals[0] as AbortSignal) : AbortSignal.any(signals);
}

/** The response messages, with `onHeader` / `onTrailer` called along the way when the options ask for them. */
function messagesOf(res: ClientResponse, options: ClientCallOptions | undefined): AsyncIterable<unknown> {
  return options?.onHeader || options?.onTrailer ? observed(res, options) : res.messages;
}

/**
 * Calls `onHeader` before the first message (or at the end when none came) and `onTrailer` when
 * the call ends, with the trailers or the failure's metadata, before the result reaches the caller.
 * A callback that throws ends the call with that exception (the call is cancelled).
 */
async function* observed(res: ClientResponse, o: ClientCallOptions): AsyncGenerator<unknown> {
  let headerSeen = false;
  const header = async (): Promise<void> => {
    if (headerSeen) return;
    headerSeen = true;
    o.onHeader?.(await res.header);
  };
  try {
    for await (const m of res.messages) {
      await header();
      yield m;
    }
  } catch (err) {
    await header();
    const e = XtmpError.from(err);
    o.onTrailer?.(new Metadata(e.metadata.map(([k, v]): [string, string | Uint8Array] => [k, v])));
    throw err;
  }
  await header();
  o.onTrailer?.(await res.trailer);
}

/** Builds a typed client for `service` on `channel` (many clients may share one channel). */
export function createClient<S extends ServiceDescriptor>(service: S, channel: Channel): ClientOf<S> {
  const client: Record<string, unknown> = {};
  for (const [local, method] of Object.entries(service.methods)) {
    const config = channel.methodConfig(method.path);
    const invoke = (options: ClientCallOptions | undefined) => chain(channel.interceptors, makeInvoke(channel, options, config));
    switch (method.kind) {
      case "unary":
        client[local] = (input: unknown, options?: ClientCallOptions) =>
          unaryResult(messagesOf(invoke(options)(request(method, new SingleMessage(input), options, config)), options), method.path);
        break;
      case "server_streaming":
        client[local] = (input: unknown, options?: ClientCallOptions) => messagesOf(invoke(options)(request(method, new SingleMessage(input), options, config)), options);
        break;
      case "client_streaming":
        client[local] = (input: AsyncIterable<unknown> | Iterable<unknown>, options?: ClientCallOptions) =>
          unaryResult(messagesOf(invoke(options)(request(method, fromIterable(input), options, config)), options), method.path);
        break;
      default:
        client[local] = (input: AsyncIterable<unknown> | Iterable<unknown>, options?: ClientCallOptions) =>
          messagesOf(invoke(options)(request(method, fromIterable(input), options, config)), options);
    }
  }
  return client as ClientOf<S>;
}
