// The gRPC interop TestService implemented on XTMP-RPC (echo metadata, statuses, sizes, compression).
import type { Payload, ResponseParameters, SimpleRequest, StreamingOutputCallRequest } from "../generated/grpc/testing/messages.js";
import type { TestServiceImplementation } from "../generated/grpc/testing/test_xtmp.js";
import { hostname } from "node:os";
import { Code, XtmpError, type ServerContext } from "../src/index.js";

const ECHO_INITIAL = "x-grpc-test-echo-initial";
const ECHO_TRAILING = "x-grpc-test-echo-trailing-bin";

function payload(size: number): Payload {
  if (size < 0) throw new XtmpError(Code.INVALID_ARGUMENT, "negative payload size");
  return { type: 0, body: new Uint8Array(size) };
}

function echoMetadata(ctx: ServerContext): void {
  const initial = ctx.requestMetadata.get(ECHO_INITIAL);
  if (initial !== undefined) ctx.responseHeaders.set(ECHO_INITIAL, initial);
  const trailing = ctx.requestMetadata.get(ECHO_TRAILING);
  if (trailing !== undefined) ctx.responseTrailers.set(ECHO_TRAILING, trailing);
}

function checkStatus(req: { responseStatus?: { code: number; message: string } | undefined }): void {
  const s = req.responseStatus;
  if (s && s.code !== 0) throw new XtmpError(s.code, s.message);
}

function checkCompressed(expect: { value: boolean } | undefined, ctx: ServerContext): void {
  if (expect?.value && !ctx.requestCompressed) throw new XtmpError(Code.INVALID_ARGUMENT, "expected a compressed request message");
}

/** Waits `us` microseconds or until `signal` aborts; the abort listener is removed either way. */
const sleep = (us: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (us <= 0 || signal.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(t);
      resolve();
    };
    const t = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, us / 1000);
    signal.addEventListener("abort", onAbort, { once: true });
  });

async function* respond(params: readonly ResponseParameters[], ctx: ServerContext) {
  for (const p of params) {
    await sleep(p.intervalUs, ctx.signal);
    if (ctx.signal.aborted) return;
    ctx.setResponseCompression(p.compressed?.value ?? false);
    yield { payload: payload(p.size) };
  }
}

/** Options of a TestService instance. */
export interface TestServiceOptions {
  /** What `fill_server_id` requests get as `server_id` (read per call; default `hostname()`). */
  serverId?: () => string;
}

/**
 * The interop test server's behaviour, per the gRPC interop test descriptions; with `fill_server_id`
 * a SimpleResponse names the server (`server_id`, `hostname`), so clients can see how calls were
 * balanced across servers.
 */
export function createTestService(options: TestServiceOptions = {}): Omit<TestServiceImplementation, "unimplementedCall"> {
  const serverId = options.serverId ?? hostname;
  const unary = (req: SimpleRequest, ctx: ServerContext) => {
    echoMetadata(ctx);
    checkCompressed(req.expectCompressed, ctx);
    checkStatus(req);
    if (req.responseCompressed !== undefined) ctx.setResponseCompression(req.responseCompressed.value);
    return { payload: payload(req.responseSize), ...(req.fillServerId ? { serverId: serverId(), hostname: hostname() } : {}) };
  };
  return { ...baseImpl, unaryCall: unary, cacheableUnaryCall: unary };
}

const baseImpl: Omit<TestServiceImplementation, "unimplementedCall" | "unaryCall" | "cacheableUnaryCall"> = {
  emptyCall: () => ({}),
  async *streamingOutputCall(req, ctx) {
    echoMetadata(ctx);
    yield* respond(req.responseParameters, ctx);
    checkStatus(req);
  },
  async streamingInputCall(reqs, ctx) {
    let size = 0;
    for await (const r of reqs) {
      checkCompressed(r.expectCompressed, ctx);
      size += r.payload?.body.length ?? 0;
    }
    return { aggregatedPayloadSize: size };
  },
  async *fullDuplexCall(reqs, ctx) {
    echoMetadata(ctx);
    for await (const r of reqs) {
      checkStatus(r);
      yield* respond(r.responseParameters, ctx);
    }
  },
  async *halfDuplexCall(reqs, ctx) {
    echoMetadata(ctx);
    const all: StreamingOutputCallRequest[] = [];
    for await (const r of reqs) all.push(r);
    for (const r of all) {
      checkStatus(r);
      yield* respond(r.responseParameters, ctx);
    }
  },
  // unimplementedCall is deliberately absent: the server answers UNIMPLEMENTED
};

/** The interop TestService (server id: this host's name). */
export const testServiceImpl = createTestService();
