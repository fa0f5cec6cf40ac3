// Idle resources: silent sessions, calls without requests, unhandshaked connections, pool growth.
import type * as net from "node:net";
import { FrameType } from "../../src/wire/frame-types.js";
import type { AttackDef, Metrics } from "../harness/attack.js";
import { dialTcp, openHeaders, openRaw, pause, pool, type RawSession } from "../harness/raw.js";
import type { Target } from "../harness/server.js";

/** Established sessions that then say nothing (nor answer PINGs). */
export async function idleSessions(target: Target, count: number, concurrency: number, deadline: number): Promise<{ sessions: RawSession[]; failed: number }> {
  const sessions: RawSession[] = [];
  let failed = 0;
  await pool(count, concurrency, deadline, async () => {
    try {
      // a handshake slowed by the server's admission control gives up at the attack's deadline
      sessions.push(await openRaw(target, { timeoutMs: Math.max(500, deadline - Date.now()) }));
    } catch {
      failed++;
    }
  });
  return { sessions, failed };
}

/** Opens `perSession` streams without any request on each of `sessionCount` sessions. */
export async function callsWithoutRequests(target: Target, sessionCount: number, perSession: number): Promise<{ sessions: RawSession[]; resets: () => number }> {
  const sessions: RawSession[] = [];
  const headers = openHeaders("/grpc.testing.TestService/StreamingInputCall");
  for (let s = 0; s < sessionCount; s++) {
    const raw = await openRaw(target);
    sessions.push(raw);
    for (let i = 0; i < perSession; i++) raw.send(FrameType.OPEN, 0, 1 + 2 * i, headers);
    await raw.flush();
  }
  return { sessions, resets: () => sessions.reduce((n, s) => n + (s.received.get(FrameType.RESET) ?? 0), 0) };
}

/** Plain TCP connections that never send a byte; returns them with a count of those the server closed. */
export async function silentConnections(host: string, port: number, count: number, concurrency: number, deadline: number): Promise<{ sockets: net.Socket[]; refused: number; closedByServer: () => number }> {
  const sockets: net.Socket[] = [];
  let refused = 0;
  let closed = 0;
  await pool(count, concurrency, deadline, async () => {
    try {
      const s = await dialTcp(host, port);
      s.on("error", () => undefined);
      s.on("data", () => undefined);
      s.once("close", () => closed++);
      sockets.push(s);
    } catch {
      refused++;
    }
  });
  return { sockets, refused, closedByServer: () => closed };
}

/** Sends `request` on a new connection; resolves with the first response line and ms until then (or the end). */
export async function httpProbe(host: string, port: number, request: string, waitMs: number): Promise<{ statusLine: string; ms: number; closed: boolean }> {
  const s = await dialTcp(host, port);
  const t0 = Date.now();
  return new Promise((resolve) => {
    let data = "";
    const finish = (closed: boolean) => {
      clearTimeout(timer);
      s.destroy();
      resolve({ statusLine: data.split("\r\n")[0] ?? "", ms: Date.now() - t0, closed });
    };
    const timer = setTimeout(() => finish(false), waitMs);
    s.on("error", () => undefined);
    s.on("data", (c: Buffer) => {
      data += c.toString("latin1"); // the answer (404, 408) comes before the server closes
    });
    s.once("close", () => finish(true));
    if (request) s.write(request);
  });
}

/** Sessions each announcing a different record size, closed right after the server's first record. */
export async function poolGrowth(target: Target, count: number, concurrency: number, deadline: number, minSize = 1024): Promise<number> {
  const step = Math.max(1, Math.floor((65_519 - minSize) / count));
  return pool(count, concurrency, deadline, async (i) => {
    try {
      const raw = await openRaw(target, { maxRecordPlaintext: 65_519 - i * step });
      // the server's SETTINGS arrive in its first record: by then it has used a buffer of our size
      const t = Date.now() + 2000;
      while (!raw.received.has(FrameType.SETTINGS) && !raw.isClosed() && Date.now() < t) await pause(2);
      raw.session.close();
      raw.destroy();
    } catch {
      // counted by the pool only when it finished
    }
  });
}

function holdUntil(deadline: number): Promise<void> {
  return pause(Math.max(0, deadline - Date.now()));
}

export const idleSessionsAttack: AttackDef = {
  name: "idle-sessions",
  summary: "1,000 established-but-silent sessions held (PINGs unanswered)",
  async run({ target, durationMs, quick }) {
    const deadline = Date.now() + durationMs;
    const { sessions, failed } = await idleSessions(target, quick ? 300 : 1000, 16, deadline);
    await holdUntil(deadline);
    const closed = sessions.filter((s) => s.isClosed()).length;
    for (const s of sessions) s.destroy();
    return { established: sessions.length, failed, closedByServer: closed };
  },
};

export const idleCallsAttack: AttackDef = {
  name: "idle-calls",
  summary: "10,000 calls opened without a request (10 sessions x 1,000) and held",
  async run({ target, durationMs, quick }) {
    const deadline = Date.now() + durationMs;
    const { sessions, resets } = await callsWithoutRequests(target, quick ? 4 : 10, 1000);
    await holdUntil(deadline);
    const closed = sessions.filter((s) => s.isClosed()).length;
    for (const s of sessions) s.destroy();
    return { callsOpened: sessions.length * 1000, resetByServer: resets(), sessionsClosedByServer: closed };
  },
};

export const connFloodAttack: AttackDef = {
  name: "conn-flood",
  summary: "TCP connections that never handshake, until refused (at most 3,000)",
  async run({ target, durationMs, quick }) {
    const deadline = Date.now() + durationMs;
    const { sockets, refused, closedByServer } = await silentConnections(target.host, target.port, quick ? 1000 : 3000, 64, deadline);
    await holdUntil(deadline);
    const m: Metrics = { accepted: sockets.length, refused, closedByServerInWindow: closedByServer() };
    for (const s of sockets) s.destroy();
    return m;
  },
};

export const wsListenerAttack: AttackDef = {
  name: "ws-listener",
  summary: "WebSocket upgrade to a wrong path, raw TCP and a slow request to the WS listener; 200 silent sockets held",
  server: { ws: true },
  async run({ target, durationMs }) {
    const port = target.wsPort;
    if (!port) throw new Error("no WebSocket listener");
    const wait = Math.max(1000, durationMs - 500);
    const upgrade = (path: string) => `GET ${path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`;
    const held = silentConnections(target.host, port, 200, 32, Date.now() + durationMs);
    const [wrong, raw, partial] = await Promise.all([
      httpProbe(target.host, port, upgrade("/not-xtmp"), wait),
      httpProbe(target.host, port, "", wait),
      httpProbe(target.host, port, "GET /xtmp HTTP/1.1\r\nHost: x\r\n", wait),
    ]);
    const h = await held;
    const m: Metrics = {
      wrongPath: wrong.statusLine || (wrong.closed ? "closed without answer" : "no answer"),
      wrongPathMs: wrong.ms,
      rawTcpClosedAfterMs: raw.closed ? raw.ms : `>${wait}`,
      partialHeadersClosedAfterMs: partial.closed ? partial.ms : partial.statusLine ? `${partial.statusLine} after ${partial.ms}` : `>${wait}`,
      silentSocketsClosedByServer: `${h.closedByServer()}/${h.sockets.length}`,
    };
    for (const s of h.sockets) s.destroy();
    return m;
  },
  check: (m) => (String(m.wrongPath).startsWith("HTTP/1.1 404") ? [] : [`wrong path answered: ${String(m.wrongPath)}`]),
};

export const poolGrowthAttack: AttackDef = {
  name: "pool-growth",
  summary: "1,500 sessions each announcing a different record size, closed after the first record",
  async run({ target, durationMs, quick }) {
    const done = await poolGrowth(target, quick ? 500 : 1500, 16, Date.now() + durationMs);
    return { sessionsOpenedAndClosed: done };
  },
};
