// Methods with the `signed` option: every message carries an Ed25519 signature, verified on arrival.
import { expect } from "chai";
import { RegisterWalletRequest } from "../../generated/bpci/v1/bpci.js";
import { BpciServiceDefinition } from "../../generated/bpci/v1/bpci_xtmp.js";
import { bpciDemoImpl } from "../../services/bpci-demo.js";
import { encodeHeaderBlock } from "../../src/rpc/header-block.js";
import { FrameFlags } from "../../src/wire/frame-types.js";
import { createMessageSigner } from "../../src/secure/message-signing.js";
import { Code, createChannel, createClient, createServer, generateIdentity, type Channel } from "../../src/index.js";
import { nodeCrypto } from "../../src/session.js";
import { failure } from "../helpers/calls.js";

describe("signed methods", function () {
  this.timeout(20_000);
  const serverId = generateIdentity();
  const clientId = generateIdentity();
  let seen: Uint8Array | undefined;
  const impl = bpciDemoImpl();
  const server = createServer({ identity: serverId });
  server.add(BpciServiceDefinition, {
    ...impl,
    registerWallet: (req, ctx) => {
      seen = ctx.requestSignature;
      return impl.registerWallet(req, ctx);
    },
  });
  let insecureRuns = 0; // handler runs of the signed method on the insecure server
  const insecureImpl = bpciDemoImpl();
  const insecure = createServer({ insecure: true }).add(BpciServiceDefinition, {
    ...insecureImpl,
    registerWallet: (req, ctx) => {
      insecureRuns++;
      return insecureImpl.registerWallet(req, ctx);
    },
  });
  let port = 0;
  let insecurePort = 0;
  const channels: Channel[] = [];
  before(async () => {
    port = (await server.listen("xtmp://127.0.0.1:0")).port;
    insecurePort = (await insecure.listen("xtmp://127.0.0.1:0")).port;
  });
  after(() => {
    for (const c of channels) c.close();
    server.forceShutdown();
    insecure.forceShutdown();
  });

  /** Sends one raw request message on a signed method, with the given flags, and returns the status. */
  async function raw(message: Uint8Array, flags: number, over?: Channel): Promise<number> {
    const ch = over ?? createChannel(`xtmp://127.0.0.1:${port}`, { identity: clientId });
    channels.push(ch);
    const { mux } = await ch.session();
    return new Promise((resolve) => {
      const stream = mux.openStream(encodeHeaderBlock([[":path", BpciServiceDefinition.methods.registerWallet.path]]), {
        onHeaders() {},
        onMessage: () => stream.messageConsumed(),
        onEnd() {},
        onTrailers: (block) => resolve(Number(new TextDecoder().decode(block).match(/:status.(\d+)/)?.[1] ?? -1)),
        onReset: (e) => resolve(e.code),
        onDrain() {},
      });
      stream.sendMessage(message, flags);
      stream.end();
    });
  }

  it("signs each request; the handler gets a signature the client identity verifies", async () => {
    const ch = createChannel(`xtmp://127.0.0.1:${port}`, { identity: clientId, serverKey: serverId.publicKey });
    channels.push(ch);
    const req = { walletId: "w", publicKey: new Uint8Array(32) };
    const res = await createClient(BpciServiceDefinition, ch).registerWallet(req);
    expect(res.walletId).to.equal("w");
    expect(seen).to.have.length(64);
    // anyone holding the client's public key, the session's channel binding and the message can check it
    const verifier = createMessageSigner(nodeCrypto, serverId, clientId.publicKey, ch.sessionInfo?.handshakeHash ?? new Uint8Array());
    const bytes = RegisterWalletRequest.encode(RegisterWalletRequest.fromPartial(req)).finish();
    const path = BpciServiceDefinition.methods.registerWallet.path;
    expect(verifier?.verify("C", path, 0, bytes, seen as Uint8Array)).to.equal(true);
    expect(verifier?.verify("C", path, 1, bytes, seen as Uint8Array)).to.equal(false); // bound to its position
    expect(verifier?.verify("S", path, 0, bytes, seen as Uint8Array)).to.equal(false); // and its direction
  });

  it("an unsigned request to a signed method is refused with UNAUTHENTICATED", async () => {
    const msg = RegisterWalletRequest.encode({ walletId: "w", publicKey: new Uint8Array(32), kind: 0, metadata: new Map(), createdAtMs: 0n }).finish();
    expect(await raw(msg, 0)).to.equal(Code.UNAUTHENTICATED);
  });

  it("a request with a forged signature is refused with UNAUTHENTICATED", async () => {
    const msg = RegisterWalletRequest.encode({ walletId: "w", publicKey: new Uint8Array(32), kind: 0, metadata: new Map(), createdAtMs: 0n }).finish();
    const forged = new Uint8Array(msg.length + 64);
    forged.set(msg);
    forged.fill(7, msg.length);
    expect(await raw(forged, FrameFlags.SIGNED)).to.equal(Code.UNAUTHENTICATED);
  });

  it("a signed method cannot run over an insecure session (no identities): UNAUTHENTICATED on both sides", async () => {
    const ch = createChannel(`xtmp://127.0.0.1:${insecurePort}`, { insecure: true });
    channels.push(ch);
    const bpci = createClient(BpciServiceDefinition, ch);
    // the client refuses to send it
    const e = await failure(bpci.registerWallet({ walletId: "w", publicKey: new Uint8Array(32) }));
    expect(e.code).to.equal(Code.UNAUTHENTICATED);
    expect(e.rawMessage).to.match(/no identities to sign with/);
    // and the server refuses one sent anyway, signed or not
    const msg = RegisterWalletRequest.encode({ walletId: "w", publicKey: new Uint8Array(32), kind: 0, metadata: new Map(), createdAtMs: 0n }).finish();
    expect(await raw(msg, 0, ch)).to.equal(Code.UNAUTHENTICATED);
    const forged = new Uint8Array(msg.length + 64);
    forged.set(msg);
    expect(await raw(forged, FrameFlags.SIGNED, ch)).to.equal(Code.UNAUTHENTICATED);
    expect(insecureRuns, "the handler ran on an unverifiable request").to.equal(0);
    // methods without the option are served on the same session
    const pongs: bigint[] = [];
    for await (const p of bpci.heartbeat([{ seq: 1n }, { seq: 2n }])) pongs.push(p.seq);
    expect(pongs).to.deep.equal([1n, 2n]);
  });
});
