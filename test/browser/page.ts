// Runs in headless Chromium: the browser bundle calls a Node XTMP server over WebSocket (unary, stream, bidi).
import { TestServiceDefinition } from "../../generated/grpc/testing/test_xtmp.js";
import { createChannel, createClient, parsePublicKey, XtmpError } from "../../src/browser/index.js";

/** What the page reports back to the test. */
export interface PageResult {
  mode: string | undefined;
  cipher: string | undefined;
  unary: number;
  stream: number[];
  bidi: number[];
  errorCode: number;
}

async function run(url: string, serverKey: string): Promise<PageResult> {
  const channel = createChannel(url, { serverKey: parsePublicKey(serverKey) });
  const client = createClient(TestServiceDefinition, channel);
  const unary = (await client.unaryCall({ responseSize: 31415, payload: { type: 0, body: new Uint8Array(27182) } })).payload?.body.length ?? -1;
  const stream: number[] = [];
  for await (const r of client.streamingOutputCall({ responseParameters: [9, 2653, 58979].map((size) => ({ size })) })) stream.push(r.payload?.body.length ?? -1);
  // bidi: each request gets its answer before the next is sent
  const bidi: number[] = [];
  let release: (() => void) | undefined;
  const requests = (async function* () {
    for (const size of [1, 22, 333]) {
      yield { responseParameters: [{ size }], payload: { type: 0, body: new Uint8Array(size) } };
      await new Promise<void>((r) => (release = r));
    }
  })();
  for await (const r of client.fullDuplexCall(requests)) {
    bidi.push(r.payload?.body.length ?? -1);
    release?.();
  }
  let errorCode = -1;
  try {
    await client.unaryCall({ responseStatus: { code: 9, message: "from the browser test" } });
  } catch (err) {
    errorCode = err instanceof XtmpError ? err.code : -2;
  }
  const info = channel.sessionInfo;
  channel.close();
  return { mode: info?.mode, cipher: info?.cipher, unary, stream, bidi, errorCode };
}

(globalThis as unknown as { runXtmp: typeof run }).runXtmp = run;
(globalThis as unknown as { xtmpReady: boolean }).xtmpReady = true;
