// Health watching for health-aware balancing: grpc.health.v1.Health/Watch on one session.
import { BinaryReader, BinaryWriter } from "@bufbuild/protobuf/wire";
import { Code } from "../status/code.js";
import { decodeHeaderBlock, encodeHeaderBlock, pseudoText } from "../rpc/header-block.js";
import { Metadata } from "../rpc/metadata.js";
import type { MuxStream, StreamHandler } from "../mux/stream.js";
import { FrameFlags } from "../wire/frame-types.js";
import type { ChannelSession } from "./connect.js";

const WATCH_PATH = "/grpc.health.v1.Health/Watch";
/** HealthCheckResponse.ServingStatus.SERVING. */
const SERVING = 1;
/** Delay before watching again after a watch ended with an error (while the session lives). */
const REWATCH_MS = 1_000;

/** The `status` field (1) of a HealthCheckResponse, or undefined when the bytes are not one. */
export function decodeServingStatus(bytes: Uint8Array): number | undefined {
  try {
    const r = new BinaryReader(bytes);
    let status = 0;
    while (r.pos < r.len) {
      const [field, wireType] = r.tag();
      if (field === 1 && wireType === 0) status = r.int32();
      else r.skip(wireType);
    }
    return status;
  } catch {
    return undefined; // not a HealthCheckResponse: treated as not serving
  }
}

/**
 * Watches `service` ("" = the whole server) on `cs` and reports each change: serving or not. A
 * server without the health service (UNIMPLEMENTED) counts as serving; a watch that ends otherwise
 * reports not serving and is opened again after a second. Returns the stop function.
 */
export function watchHealth(cs: ChannelSession, service: string, report: (serving: boolean) => void): () => void {
  let stopped = false;
  let stream: MuxStream | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const request = new BinaryWriter().uint32(10).string(service).finish();
  const open = (): void => {
    if (stopped || cs.mux.isClosed) return;
    const ended = (serving: boolean): void => {
      if (stopped) return;
      report(serving);
      if (!serving) timer = setTimeout(open, REWATCH_MS);
    };
    const handler: StreamHandler = {
      onHeaders() {},
      onMessage(data, flags) {
        stream?.messageConsumed();
        const status = (flags & FrameFlags.COMPRESSED) === 0 ? decodeServingStatus(data) : undefined;
        if (!stopped) report(status === SERVING);
      },
      onEnd() {},
      onTrailers(block) {
        let code: number = Code.INTERNAL;
        try {
          code = Number(pseudoText(decodeHeaderBlock(block), ":status"));
        } catch {
          // unreadable trailers: not serving
        }
        ended(code === Code.UNIMPLEMENTED);
      },
      onReset: () => ended(false),
      onDrain() {},
    };
    try {
      stream = cs.mux.openStream(encodeHeaderBlock([[":path", WATCH_PATH]], new Metadata()), handler);
      stream.sendMessage(request, 0);
      stream.end();
    } catch {
      // the session takes no new streams: it is going away, and the subchannel with it
      report(false);
    }
  };
  open();
  return () => {
    stopped = true;
    clearTimeout(timer);
    stream?.reset(Code.CANCELLED, "health watch stopped");
  };
}
