// Unix domain sockets: `unix:///path` listeners and targets run the transport conformance subset; handlers see transport unix without an address.
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TestServiceDefinition } from "../../generated/grpc/testing/test_xtmp.js";
import { testServiceImpl } from "../../services/test-service.js";
import { Code, createChannel, createClient, createServer, generateIdentity, XtmpError, type Channel, type Server } from "../../src/index.js";
import { failure } from "../helpers/calls.js";
import { conformance } from "./conformance.js";

describe("unix socket transport", function () {
  this.timeout(20_000);
  const dir = mkdtempSync(join(tmpdir(), "xtmp-unix-"));
  const socket = join(dir, "xtmp.sock");
  const identity = generateIdentity();
  let server: Server;
  let channel: Channel;
  const seen: Array<{ transport: string; peerAddress: string | undefined }> = [];
  before(async () => {
    server = createServer({ identity });
    server.add(TestServiceDefinition, {
      ...testServiceImpl,
      emptyCall: (_req, ctx) => {
        seen.push({ transport: ctx.transport, peerAddress: ctx.peerAddress });
        return {};
      },
    });
    const bound = await server.listen(`unix://${socket}`);
    expect(bound.host).to.equal(socket);
    channel = createChannel(`unix://${socket}`, { serverKey: identity.publicKey });
  });
  after(async () => {
    channel.close();
    await server.shutdown({ graceMs: 0 });
    rmSync(dir, { recursive: true, force: true });
  });

  describe("conformance subset over a unix socket", () => conformance(() => channel));

  it('a handler sees transport "unix" and no network address', async () => {
    await createClient(TestServiceDefinition, channel).emptyCall({});
    expect(seen).to.deep.equal([{ transport: "unix", peerAddress: undefined }]);
  });

  it("a socket path nobody listens on fails fast with UNAVAILABLE", async () => {
    const ch = createChannel(`unix://${join(dir, "nobody.sock")}`, { serverKey: identity.publicKey });
    try {
      const e = await failure(createClient(TestServiceDefinition, ch).emptyCall({}));
      expect(e.code).to.equal(Code.UNAVAILABLE);
      expect(e.message).to.match(/ENOENT|ECONNREFUSED/);
    } finally {
      ch.close();
    }
  });

  it("a relative path is not a unix target", () => {
    expect(() => createChannel("unix://relative.sock")).to.throw(XtmpError);
  });
});
