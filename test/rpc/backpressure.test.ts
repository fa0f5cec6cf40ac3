// Write backpressure of record sessions over real sockets (TCP and WebSocket), and the bounded record buffer pool.
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { Crc32cProtector } from "../../src/secure/protector.js";
import { pooledRecordBytes } from "../../src/secure/record-pool.js";
import { RecordSession, type RecordSessionOptions } from "../../src/secure/record-session.js";
import { connectTcp, listenTcp, type TcpDuplex, type TcpListener } from "../../src/transport/tcp.js";
import { connectWebSocket, listenWebSocket, type WsDuplex } from "../../src/transport/websocket.js";
import { duplexPair } from "../../src/transport/memory.js";
import { FrameFlags, FrameType } from "../../src/wire/frame-types.js";
import type { XtmpError } from "../../src/status/error.js";

const LIMIT = 256 << 10; // the server's maxOutboundBuffer in these tests
const FRAME = 16_000;
const FRAMES_PER_RESPONSE = 4; // a request asks for a ~64 KiB response
const RESPONSE = FRAME * FRAMES_PER_RESPONSE;
// the duplex holds at most LIMIT before a flush (beyond it reading stops), and one flush carries at
// most LIMIT + one request's replies (past LIMIT unsent, received records wait for the flush)
const BOUND = 2 * LIMIT + 2 * RESPONSE;
const RECORD = { maxRecvPlaintext: 16_384, maxSendPlaintext: 16_384 };
const LAST = 0x7fff_fff0; // stream id of the final, legitimate request

/** Runs event-loop turns until `cond` holds or `ms` pass; returns its final value. */
async function turnsUntil(cond: () => boolean, ms = 10_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setImmediate(r));
  return cond();
}

interface Link {
  /** The server's session: answers each DATA request with FRAMES_PER_RESPONSE large DATA frames. */
  server: RecordSession;
  /** The server's socket, as a duplex (its bufferedAmount is the socket's unsent bytes). */
  serverDuplex: TcpDuplex | WsDuplex;
  /** Requests the server answered. */
  served(): number;
  /** Resolves with the server session's close error. */
  serverClosed: Promise<XtmpError | undefined>;
  client: RecordSession;
  clientDuplex: TcpDuplex | WsDuplex;
  /** Response frames the client received, by stream id. */
  received: Map<number, Uint8Array[]>;
  close(): Promise<void>;
}

async function link(kind: "tcp" | "ws", serverOptions: Partial<RecordSessionOptions>): Promise<Link> {
  const body = new Uint8Array(randomBytes(FRAME));
  let served = 0;
  let onServer!: (s: { session: RecordSession; duplex: TcpDuplex | WsDuplex; closed: Promise<XtmpError | undefined> }) => void;
  const serverReady = new Promise<Parameters<typeof onServer>[0]>((r) => (onServer = r));
  const accept = (duplex: TcpDuplex | WsDuplex): void => {
    const session = new RecordSession(duplex, new Crc32cProtector(), { ...RECORD, ...serverOptions });
    let onClose!: (e: XtmpError | undefined) => void;
    const closed = new Promise<XtmpError | undefined>((r) => (onClose = r));
    session.setReceiver({
      onFrame(f) {
        if (f.type !== FrameType.DATA) return;
        served++;
        for (let i = 0; i < FRAMES_PER_RESPONSE; i++) {
          const flags = i === FRAMES_PER_RESPONSE - 1 ? FrameFlags.END_MESSAGE : 0;
          session.send({ type: FrameType.DATA, flags, streamId: f.streamId, payload: body });
        }
      },
      onClose,
    });
    onServer({ session, duplex, closed });
  };
  let listener: TcpListener;
  let clientDuplex: TcpDuplex | WsDuplex;
  if (kind === "tcp") {
    listener = await listenTcp("127.0.0.1", 0, accept);
    clientDuplex = await connectTcp("127.0.0.1", listener.port);
  } else {
    listener = await listenWebSocket("127.0.0.1", 0, "/xtmp", accept);
    clientDuplex = await connectWebSocket(`ws://127.0.0.1:${listener.port}/xtmp`);
  }
  const client = new RecordSession(clientDuplex, new Crc32cProtector(), RECORD);
  const received = new Map<number, Uint8Array[]>();
  client.setReceiver({
    onFrame(f) {
      const list = received.get(f.streamId) ?? [];
      list.push(f.payload.slice());
      received.set(f.streamId, list);
    },
    onClose() {},
  });
  const s = await serverReady;
  return {
    server: s.session,
    serverDuplex: s.duplex,
    served: () => served,
    serverClosed: s.closed,
    client,
    clientDuplex,
    received,
    close: async () => {
      clientDuplex.destroy();
      s.duplex.destroy();
      await listener.close();
    },
  };
}

const request = (id: number, size = 64) => ({ type: FrameType.DATA, flags: FrameFlags.END_MESSAGE, streamId: id, payload: new Uint8Array(randomBytes(size)) });

/**
 * The client stops reading and sends requests one at a time (each answered before the next) until
 * the server is write-blocked; returns how many it sent. Gives up after 1,000 (64 MiB of replies,
 * more than any socket buffers hold), so a server that never blocks fails the caller's assertion.
 */
async function floodUntilBlocked(l: Link): Promise<number> {
  l.clientDuplex.pauseReading();
  let sent = 0;
  while (!l.server.writeBlocked && sent < 1000) {
    l.client.send(request(1 + 2 * sent));
    sent++;
    await turnsUntil(() => l.served() >= sent || l.server.writeBlocked);
  }
  return sent;
}

for (const kind of ["tcp", "ws"] as const) {
  describe(`write backpressure over ${kind === "tcp" ? "TCP" : "WebSocket"}`, function () {
    this.timeout(30_000);
    const links: Link[] = [];
    afterEach(async () => {
      for (const l of links.splice(0)) await l.close();
    });

    it("stops serving a peer that does not read its replies, keeps the unsent bytes bounded, and resumes when it reads", async () => {
      const l = await link(kind, { maxOutboundBuffer: LIMIT, writeStallTimeoutMs: 0 });
      links.push(l);
      const sent = await floodUntilBlocked(l);
      expect(l.server.writeBlocked, `server still serving after ${sent} unread responses`).to.equal(true);
      expect(l.server.stats.readPauses).to.equal(1);
      expect(l.server.stats.peakOutboundBuffered).to.be.greaterThan(LIMIT);
      expect(l.server.stats.peakOutboundBuffered).to.be.at.most(BOUND);
      expect(l.serverDuplex.bufferedAmount).to.be.at.most(BOUND);

      // the client reads again: the server drains, reads again, and a further request is answered
      l.clientDuplex.resumeReading();
      const all = await turnsUntil(() => [...l.received.values()].reduce((n, f) => n + f.length, 0) >= sent * FRAMES_PER_RESPONSE);
      expect(all, "every response of the flood arrives").to.equal(true);
      expect(await turnsUntil(() => !l.server.writeBlocked)).to.equal(true);
      l.client.send(request(LAST));
      expect(await turnsUntil(() => (l.received.get(LAST)?.length ?? 0) === FRAMES_PER_RESPONSE)).to.equal(true);
      expect(l.served()).to.equal(sent + 1);
      expect(l.server.isClosed).to.equal(false);
      expect(l.server.stats.writeStallCloses).to.equal(0);
      expect(l.server.stats.peakOutboundBuffered).to.be.at.most(BOUND);
    });

    it("buffers at most maxOutboundBuffer more, then stops reading, and closes with TIMEOUT past writeStallTimeoutMs", async () => {
      const l = await link(kind, { maxOutboundBuffer: LIMIT, writeStallTimeoutMs: 1000 });
      links.push(l);
      await floodUntilBlocked(l);
      expect(l.server.writeBlocked).to.equal(true);
      const servedAtPause = l.served();
      const receivedAtPause = l.server.stats.bytesReceived;
      // 640 KB more requests: the blocked server processes none, takes in at most LIMIT, then stops reading
      for (let i = 0; i < 40; i++) l.client.send(request(LAST - 2 * i, FRAME));
      expect(await turnsUntil(() => l.server.readPaused || l.server.isClosed)).to.equal(true);
      expect(l.server.readPaused).to.equal(true);
      const err = await l.serverClosed;
      // what it took in: up to LIMIT, plus what the transport completes after the pause (one socket
      // read, or one WebSocket message of up to 256 KiB)
      const slack = kind === "tcp" ? 64 << 10 : (256 + 64) << 10;
      expect(l.server.stats.bytesReceived - receivedAtPause).to.be.at.most(LIMIT + slack);
      expect(err?.message).to.match(/has not read \d+ bytes for 1000 ms/);
      expect(l.server.stats.writeStallCloses).to.equal(1);
      expect(l.served()).to.equal(servedAtPause);
      expect(l.server.stats.peakOutboundBuffered).to.be.at.most(BOUND);
    });
  });
}

describe("write backpressure in memory", () => {
  it("answers a burst of request records in flushes of at most maxOutboundBuffer plus one record's replies", async () => {
    const [a, b] = duplexPair();
    const writes: number[] = [];
    // the server's duplex, recording the size of every write (one per flush)
    const counted = { write: (c: Uint8Array) => (writes.push(c.length), b.write(c)), close: () => b.close(), setReceiver: b.setReceiver.bind(b) };
    const server = new RecordSession(counted, new Crc32cProtector(), { ...RECORD, maxOutboundBuffer: LIMIT });
    const client = new RecordSession(a, new Crc32cProtector(), RECORD);
    const body = new Uint8Array(randomBytes(FRAME));
    server.setReceiver({
      onFrame: (f) => {
        for (let i = 0; i < FRAMES_PER_RESPONSE; i++) server.send({ type: FrameType.DATA, flags: 0, streamId: f.streamId, payload: body });
      },
      onClose() {},
    });
    let frames = 0;
    client.setReceiver({ onFrame: () => void frames++, onClose() {} });
    // 50 requests, a record each, all arriving in one turn (3.2 MB of replies)
    for (let i = 0; i < 50; i++) {
      client.send(request(1 + 2 * i));
      client.flush();
    }
    expect(await turnsUntil(() => frames === 50 * FRAMES_PER_RESPONSE)).to.equal(true);
    expect(writes.length).to.be.greaterThan(1);
    expect(Math.max(...writes)).to.be.at.most(LIMIT + RESPONSE + 1024);
    expect(server.writeBlocked).to.equal(false);
  });

  it("in-memory sessions (no buffered amount) never pause, even for replies larger than the limit", async () => {
    const [a, b] = duplexPair();
    const server = new RecordSession(b, new Crc32cProtector(), { ...RECORD, maxOutboundBuffer: 1024 });
    const client = new RecordSession(a, new Crc32cProtector(), RECORD);
    const body = new Uint8Array(randomBytes(FRAME));
    server.setReceiver({
      onFrame: (f) => {
        for (let i = 0; i < 8; i++) server.send({ type: FrameType.DATA, flags: 0, streamId: f.streamId, payload: body });
      },
      onClose() {},
    });
    let frames = 0;
    client.setReceiver({ onFrame: () => void frames++, onClose() {} });
    for (let i = 0; i < 50; i++) client.send(request(1 + 2 * i));
    expect(await turnsUntil(() => frames === 400)).to.equal(true);
    expect(server.writeBlocked).to.equal(false);
    expect(server.stats.readPauses).to.equal(0);
  });
});

describe("record buffer pool", () => {
  it("stays under its byte cap however many distinct record sizes peers choose", () => {
    const sessions: RecordSession[] = [];
    for (let i = 0; i < 1500; i++) {
      const size = 1024 + ((i * 43) % (65_519 - 1024)); // 1,500 distinct peer MAX_RECORD values
      const [a] = duplexPair();
      sessions.push(new RecordSession(a, new Crc32cProtector(), { maxRecvPlaintext: 16_384, maxSendPlaintext: size }));
    }
    // every session holds a record buffer at once, then all return them
    for (const s of sessions) s.send({ type: FrameType.DATA, flags: 0, streamId: 1, payload: new Uint8Array(8) });
    for (const s of sessions) s.flush();
    expect(pooledRecordBytes()).to.be.greaterThan(0);
    expect(pooledRecordBytes()).to.be.at.most(4 << 20);
  });

  it("keeps records within the peer's MAX_RECORD when the pooled buffer is larger", async () => {
    const [a, b] = duplexPair();
    const sender = new RecordSession(a, new Crc32cProtector(), { maxRecvPlaintext: 16_384, maxSendPlaintext: 1500 });
    const receiver = new RecordSession(b, new Crc32cProtector(), { maxRecvPlaintext: 1500, maxSendPlaintext: 16_384 });
    const got: number[] = [];
    let closed: XtmpError | undefined | null = null;
    receiver.setReceiver({ onFrame: (f) => void got.push(f.payload.length), onClose: (e) => (closed = e) });
    // small frames fill each record up to the buffer: the record must stop at the peer's 1,500
    for (let i = 0; i < 200; i++) sender.send({ type: FrameType.DATA, flags: 0, streamId: 1, payload: new Uint8Array(randomBytes(100)) });
    expect(await turnsUntil(() => got.length === 200 || closed !== null)).to.equal(true);
    expect(closed).to.equal(null);
    expect(got).to.deep.equal(new Array(200).fill(100));
  });
});
