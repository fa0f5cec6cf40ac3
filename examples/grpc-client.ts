// The README gRPC-bridge example, verbatim (test/readme.test.ts checks the README shows this file and runs it): a stock grpc-js client calls an XTMP server.
import * as grpc from "@grpc/grpc-js";
import { SimpleRequest, SimpleResponse } from "../generated/grpc/testing/messages.js";
import { TestServiceDefinition } from "../generated/grpc/testing/test_xtmp.js";
import { createTestService } from "../services/test-service.js";
import { createServer, generateIdentity } from "../src/index.js";

export async function main(): Promise<void> {
  const server = createServer({ identity: generateIdentity(), reflection: true });
  server.add(TestServiceDefinition, createTestService({ serverId: () => "xtmp-1" }));
  const { port } = await server.listen("grpc://127.0.0.1:0"); // the same services over standard gRPC (h2c)

  // any gRPC stack works from here; this is @grpc/grpc-js with no XTMP code at all
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const reply = await new Promise<SimpleResponse>((resolve, reject) =>
    client.makeUnaryRequest(
      "/grpc.testing.TestService/UnaryCall",
      (req: SimpleRequest) => Buffer.from(SimpleRequest.encode(req).finish()),
      (bytes: Buffer) => SimpleResponse.decode(bytes),
      SimpleRequest.fromPartial({ fillServerId: true, responseSize: 4 }),
      (err, res) => (err || !res ? reject(err) : resolve(res)),
    ),
  );
  console.log(`served by ${reply.serverId}, ${reply.payload?.body.length} payload bytes`);

  client.close();
  await server.shutdown({ graceMs: 1_000 });
}
