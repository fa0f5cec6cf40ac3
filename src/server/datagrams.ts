// The server's UDP endpoint: finds the session by connection id, validates client addresses, batches sends.
import type { DatagramKeys } from "../secure/datagram.js";
import { CONN_ID_SIZE, DATAGRAM_HEADER, datagramCounter, MAX_DATAGRAM_SIZE } from "../secure/datagram.js";
import { XtmpError } from "../status/error.js";
import { datagramMessageSize, decodeDatagram, DATAGRAM_TOKEN_SIZE, DatagramKind, encodeProbe, MAX_DATAGRAM_PLAINTEXT } from "../wire/datagram.js";
import { DatagramSender } from "./datagram-sender.js";
import { sameUdpPeer, UdpSocket, UnexpectedErrors, type UdpPeer } from "../transport/udp.js";

/** PATH_CHALLENGEs a session may send per second (token bucket of this size, refilled continuously). */
export const CHALLENGES_PER_SECOND = 4;
/** Addresses a session may be validating at once; a new one replaces the oldest. */
export const MAX_PENDING_CHALLENGES = 4;
/** A challenge not answered within this time is forgotten. */
export const CHALLENGE_TIMEOUT_MS = 3000;

const key = (connId: Uint8Array) => String.fromCharCode(...connId);

const equalBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Why a datagram reaching the server was not acted on. */
export interface ServerDatagramDrops {
  /** Too short, too long, an undecodable plaintext, or a kind the client must not send. */
  malformed: number;
  /** No session has this connection id. */
  unknownConnId: number;
  /** Counter outside 0 .. 2^48-1. */
  badCounter: number;
  /** AEAD authentication failed (forged or corrupted). */
  authFailed: number;
  /** Counter already seen, or too far behind the window. */
  replay: number;
  /** Authenticated PROBE or PATH_RESPONSE from a new address, older than a datagram already accepted. */
  stale: number;
  /** PROBE from a new address while the session's challenge budget was spent. */
  rateLimited: number;
  /** PATH_RESPONSE that matches no pending challenge sent to the address it came from. */
  unmatchedResponse: number;
}

/** Counters of a server UDP endpoint: `received` = `accepted` + all drops + `errors`. */
export interface ServerDatagramStats {
  /** Datagrams that reached the endpoint. */
  received: number;
  /** Datagrams authenticated, well formed and acted on. */
  accepted: number;
  /** Datagrams dropped, by reason. */
  dropped: ServerDatagramDrops;
  /** Unexpected exceptions while handling a datagram (a bug, never hostile input); see `onUnexpectedError`. */
  errors: number;
  /** PATH_CHALLENGEs sent. */
  challengesSent: number;
  /** Addresses validated (first paths and migrations). */
  pathsValidated: number;
  /** Outgoing datagrams not sent because the session's counters were exhausted. */
  unsent: number;
  /** With workers: datagrams handed to sibling workers (`forward`) or taken from them (`deliver`). */
  workers?: ServerDatagramRelayStats;
}

/** A worker's datagram relay; then `received` + `fromWorkers` = `accepted` + drops + `errors` + `forwarded` + `forwardLimited` + `notOwned`. */
export interface ServerDatagramRelayStats {
  /** Datagrams whose connection id no session here has, handed to the sibling workers. */
  forwarded: number;
  /** Such datagrams dropped because `forwardsPerSecond` were already forwarded. */
  forwardLimited: number;
  /** Datagrams a sibling received and relayed here (not in `received`; their outcomes are in `accepted` and the drops)... */
  fromWorkers: number;
  /** ...except those for a session this worker does not have either (another sibling's). */
  notOwned: number;
}

/** Datagrams per second a worker's UDP endpoint hands to its siblings at most (token bucket of this size). */
export const DEFAULT_FORWARDS_PER_SECOND = 5_000;

/** Options of a server UDP endpoint. */
export interface ServerDatagramOptions {
  /** Receives each unexpected exception from the datagram path (default: counted, the first one emitted as a process warning). */
  onUnexpectedError?: (err: unknown) => void;
  /** Clock for the challenge budget and timeouts (ms); default `performance.now`. */
  now?: () => number;
  /** With workers: where datagrams for sessions of sibling workers go, and who delivers theirs here. */
  relay?: DatagramRelay;
  /** Datagrams per second `relay.forward` takes at most; more are dropped, counted in `workers.forwardLimited` (default 5,000). */
  forwardsPerSecond?: number;
}

/** A worker's link to its siblings for datagrams that reach the wrong worker. */
export interface DatagramRelay {
  /** Takes a well-formed datagram whose connection id no session here has (another worker's session). */
  forward(datagram: Uint8Array, from: UdpPeer): void;
  /** Called once the endpoint is bound: the relay then hands it siblings' datagrams through `deliver`. */
  attach(endpoint: ServerDatagrams): void;
}

type Outcome = "accepted" | keyof ServerDatagramDrops;

interface PendingChallenge {
  address: UdpPeer;
  data: Uint8Array;
  /** The token of the PROBE that asked for it: echoed in PROBE_ACK once the address is validated. */
  probeToken: Uint8Array;
  expires: number;
}

/** One session's datagram path on the server. */
export class DatagramPeer {
  /** The client's validated UDP address; undefined until a first address passed the challenge. */
  address: UdpPeer | undefined;
  // made by the first DATAGRAM call: most sessions never have one
  private senderMade: DatagramSender | undefined;
  private pending: PendingChallenge[] = [];
  private budget = CHALLENGES_PER_SECOND;
  private budgetAt: number;

  constructor(
    readonly keys: DatagramKeys,
    private readonly endpoint: ServerDatagrams,
    private readonly now: () => number,
  ) {
    this.budgetAt = now();
  }

  /** Outgoing messages of this session's DATAGRAM calls: bounded, paced, flushed before each call's trailers. */
  get sender(): DatagramSender {
    // always to the validated address: a probe from elsewhere changes nothing until it is validated
    return (this.senderMade ??= new DatagramSender(
      (plaintext) => this.address !== undefined && this.sendPlain(plaintext, this.address),
      (err) => this.endpoint.unexpected(err),
    ));
  }

  /** Stops the sender, if one was made. */
  closeSender(): void {
    this.senderMade?.close();
  }

  /** Datagrams of messages sent. */
  get sent(): number {
    return this.senderMade?.datagrams ?? 0;
  }

  /** Whether datagrams can go to the client: a validated address, and counters left. */
  get ready(): boolean {
    return this.address !== undefined && !this.keys.exhausted;
  }

  /** Challenges currently waiting for an answer (at most MAX_PENDING_CHALLENGES). */
  get pendingChallenges(): number {
    return this.pending.length;
  }

  /** Whether a message of this size fits in one datagram. */
  fits(streamId: number, seq: number, length: number): boolean {
    return 1 + datagramMessageSize(streamId, seq, length) <= MAX_DATAGRAM_PLAINTEXT;
  }

  /**
   * Queues one message (sent in a later event-loop turn, packed with others into as few datagrams
   * as fit). Returns false once the session's queue is full: the call then waits in `sender.onRoom`.
   */
  send(streamId: number, seq: number, payload: Uint8Array): boolean {
    return this.sender.send({ streamId, seq, payload });
  }

  private sendPlain(plaintext: Uint8Array, to: UdpPeer): boolean {
    const datagram = this.keys.seal(plaintext);
    if (!datagram) {
      this.endpoint.countUnsent();
      return false;
    }
    this.endpoint.socket.send(datagram, to);
    return true;
  }

  /** Handles an authenticated plaintext from `from`; `newest` = no higher counter was accepted before. */
  receive(pt: Uint8Array, newest: boolean, from: UdpPeer): Outcome {
    let d;
    try {
      d = decodeDatagram(pt);
    } catch (err) {
      if (err instanceof XtmpError) return "malformed";
      throw err;
    }
    if (d.kind === DatagramKind.PROBE && d.token) return this.onProbe(d.token, newest, from);
    if (d.kind === DatagramKind.PATH_RESPONSE && d.token) return this.onPathResponse(d.token, newest, from);
    return "malformed"; // PROBE_ACK, PATH_CHALLENGE and MESSAGES travel server -> client only
  }

  private onProbe(token: Uint8Array, newest: boolean, from: UdpPeer): Outcome {
    if (this.address && sameUdpPeer(this.address, from)) {
      this.sendPlain(encodeProbe(DatagramKind.PROBE_ACK, token), from);
      return "accepted";
    }
    // a new address: only the newest probe may start validating it, and only within the budget
    if (!newest) return "stale";
    const now = this.now();
    this.pending = this.pending.filter((p) => p.expires > now);
    if (!this.takeBudget(now)) return "rateLimited";
    let p = this.pending.find((c) => sameUdpPeer(c.address, from));
    if (p) {
      p.probeToken = token.slice();
      p.expires = now + CHALLENGE_TIMEOUT_MS;
    } else {
      if (this.pending.length >= MAX_PENDING_CHALLENGES) this.pending.shift();
      const data = new Uint8Array(DATAGRAM_TOKEN_SIZE);
      crypto.getRandomValues(data);
      p = { address: { address: from.address, port: from.port }, data, probeToken: token.slice(), expires: now + CHALLENGE_TIMEOUT_MS };
      this.pending.push(p);
    }
    if (this.sendPlain(encodeProbe(DatagramKind.PATH_CHALLENGE, p.data), from)) this.endpoint.countChallenge();
    return "accepted";
  }

  private onPathResponse(data: Uint8Array, newest: boolean, from: UdpPeer): Outcome {
    const now = this.now();
    this.pending = this.pending.filter((p) => p.expires > now);
    const p = this.pending.find((c) => sameUdpPeer(c.address, from) && equalBytes(c.data, data));
    if (!p) return "unmatchedResponse";
    if (!newest) return "stale"; // an older answer must not move the path back
    this.pending = [];
    this.address = p.address;
    this.endpoint.countValidated();
    this.sendPlain(encodeProbe(DatagramKind.PROBE_ACK, p.probeToken), from);
    return "accepted";
  }

  private takeBudget(now: number): boolean {
    this.budget = Math.min(CHALLENGES_PER_SECOND, this.budget + ((now - this.budgetAt) * CHALLENGES_PER_SECOND) / 1000);
    this.budgetAt = now;
    if (this.budget < 1) return false;
    this.budget -= 1;
    return true;
  }
}

/** The UDP socket beside a TCP listener, shared by all sessions of that listener. */
export class ServerDatagrams {
  private readonly peers = new Map<string, DatagramPeer>();
  private readonly counts: Omit<ServerDatagramStats, "dropped" | "errors"> = { received: 0, accepted: 0, challengesSent: 0, pathsValidated: 0, unsent: 0 };
  private readonly drops: ServerDatagramDrops = { malformed: 0, unknownConnId: 0, badCounter: 0, authFailed: 0, replay: 0, stale: 0, rateLimited: 0, unmatchedResponse: 0 };
  /** @internal The shared socket (peers send through it). */
  socket!: UdpSocket;
  private readonly now: () => number;
  private readonly forward: DatagramRelay["forward"] | undefined;
  private readonly relay: ServerDatagramRelayStats | undefined;
  private readonly forwardRate: number;
  private forwardBudget: number;
  private forwardBudgetAt = 0;

  private constructor(private readonly errors: UnexpectedErrors, options: ServerDatagramOptions) {
    this.now = options.now ?? (() => performance.now());
    this.forward = options.relay?.forward;
    this.relay = options.relay ? { forwarded: 0, forwardLimited: 0, fromWorkers: 0, notOwned: 0 } : undefined;
    this.forwardRate = this.forwardBudget = options.forwardsPerSecond ?? DEFAULT_FORWARDS_PER_SECOND;
  }

  /**
   * Binds UDP on host:port. When that fails the error is returned instead of thrown: the listener
   * still serves TCP and DATAGRAM methods fall back to it.
   */
  static async bind(host: string, port: number, options: ServerDatagramOptions = {}): Promise<ServerDatagrams | Error> {
    const self = new ServerDatagrams(new UnexpectedErrors("XTMP server UDP endpoint", options.onUnexpectedError), options);
    try {
      self.socket = await UdpSocket.bind(host, port, (msg, from) => self.onMessage(msg, from), self.errors);
      options.relay?.attach(self);
      return self;
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  }

  /** The bound UDP port. */
  get port(): number {
    return this.socket.port;
  }

  /** Datagrams dropped, all reasons together. */
  get dropped(): number {
    return Object.values(this.drops).reduce((a, b) => a + b, 0);
  }

  /** A snapshot of the counters. */
  get stats(): ServerDatagramStats {
    return { ...this.counts, dropped: { ...this.drops }, errors: this.errors.count, ...(this.relay ? { workers: { ...this.relay } } : {}) };
  }

  /** Registers a session's datagram keys. */
  register(keys: DatagramKeys): DatagramPeer {
    const peer = new DatagramPeer(keys, this, this.now);
    this.peers.set(key(keys.connId), peer);
    return peer;
  }

  /** Forgets a session. */
  unregister(keys: DatagramKeys): void {
    const k = key(keys.connId);
    this.peers.get(k)?.closeSender();
    this.peers.delete(k);
  }

  /** @internal Reports an unexpected exception from this endpoint's work. */
  unexpected(err: unknown): void {
    this.errors.report(err);
  }

  /** @internal */
  countChallenge(): void {
    this.counts.challengesSent++;
  }

  /** @internal */
  countValidated(): void {
    this.counts.pathsValidated++;
  }

  /** @internal */
  countUnsent(): void {
    this.counts.unsent++;
  }

  /** With workers: handles a datagram a sibling worker received for a session it does not have. */
  deliver(msg: Uint8Array, from: UdpPeer): void {
    if (this.relay) this.relay.fromWorkers++;
    this.onMessage(msg, from, false);
  }

  private onMessage(msg: Uint8Array, from: UdpPeer, fromNetwork = true): void {
    if (fromNetwork) this.counts.received++;
    let outcome: Outcome | "forwarded" | "forwardLimited" | "notOwned";
    try {
      outcome = this.handle(msg, from, fromNetwork);
    } catch (err) {
      this.errors.report(err);
      return;
    }
    if (outcome === "accepted") this.counts.accepted++;
    else if (outcome === "forwarded" || outcome === "forwardLimited" || outcome === "notOwned") (this.relay as ServerDatagramRelayStats)[outcome]++;
    else this.drops[outcome]++;
  }

  private handle(msg: Uint8Array, from: UdpPeer, fromNetwork: boolean): Outcome | "forwarded" | "forwardLimited" | "notOwned" {
    const peer = msg.length >= CONN_ID_SIZE ? this.peers.get(key(msg.subarray(0, CONN_ID_SIZE))) : undefined;
    if (!peer && this.forward && msg.length >= DATAGRAM_HEADER + 16 && msg.length <= MAX_DATAGRAM_SIZE && datagramCounter(msg) >= 0) {
      if (!fromNetwork) return "notOwned"; // relayed once only: the owner is another sibling (or none)
      if (!this.takeForward()) return "forwardLimited";
      this.forward(msg, from);
      return "forwarded";
    }
    if (!peer) return msg.length >= CONN_ID_SIZE ? "unknownConnId" : "malformed";
    const opened = peer.keys.open(msg);
    if (!opened.ok) return opened.reason;
    return peer.receive(opened.plaintext, opened.newest, from);
  }

  private takeForward(): boolean {
    const now = this.now();
    this.forwardBudget = Math.min(this.forwardRate, this.forwardBudget + ((now - this.forwardBudgetAt) * this.forwardRate) / 1000);
    this.forwardBudgetAt = now;
    if (this.forwardBudget < 1) return false;
    this.forwardBudget -= 1;
    return true;
  }

  /** Closes the socket. */
  close(): void {
    this.socket.close();
  }
}

/** UDP datagrams dropped by reason, over every UDP endpoint. */
export function sumDrops(endpoints: readonly ServerDatagrams[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const u of endpoints) for (const [reason, n] of Object.entries(u.stats.dropped)) out[reason] = (out[reason] ?? 0) + (n as number);
  return out;
}
