// Adapts user handlers of the four method kinds to the one ServerInvoke shape interceptors wrap.
import { Code } from "../status/code.js";
import { XtmpError } from "../status/error.js";
import type { ServerContext } from "../rpc/context.js";
import type { AnyMethodDescriptor } from "../rpc/descriptor.js";
import type { ServerInvoke } from "../rpc/interceptor.js";

type AnyHandler = (input: unknown, ctx: ServerContext) => unknown;

/** Reads exactly one request message (unary and server-streaming calls). */
async function single(messages: AsyncIterable<unknown>): Promise<unknown> {
  const it = messages[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) throw new XtmpError(Code.INTERNAL, "protocol error: the call ended without a request message");
  const second = await it.next();
  if (!second.done) throw new XtmpError(Code.INTERNAL, "protocol error: more than one request message for a unary request");
  return first.value;
}

function isAsyncIterable(x: unknown): x is AsyncIterable<unknown> {
  return typeof x === "object" && x !== null && Symbol.asyncIterator in x;
}

/** Wraps `handler` (the user's implementation of `method`) as a ServerInvoke. */
export function adaptHandler(method: AnyMethodDescriptor, handler: AnyHandler): ServerInvoke {
  switch (method.kind) {
    case "unary":
      return async function* ({ messages, ctx }) {
        yield await handler(await single(messages), ctx);
      };
    case "server_streaming":
      return async function* ({ messages, ctx }) {
        const out = handler(await single(messages), ctx);
        if (!isAsyncIterable(out)) throw new XtmpError(Code.INTERNAL, `${method.path}: handler must return an async iterable`);
        yield* out;
      };
    case "client_streaming":
      return async function* ({ messages, ctx }) {
        yield await handler(messages, ctx);
      };
    default:
      return ({ messages, ctx }) => {
        const out = handler(messages, ctx);
        if (!isAsyncIterable(out)) throw new XtmpError(Code.INTERNAL, `${method.path}: handler must return an async iterable`);
        return out;
      };
  }
}
