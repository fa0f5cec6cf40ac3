// The browser WebSocket duplex cuts large writes into messages of at most 256 KiB (receivers accept 1 MiB).
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { MAX_WS_MESSAGE, WsDuplex } from "../../src/transport/websocket-browser.js";

/** The parts of a browser WebSocket the duplex uses; records every message sent. */
class FakeWebSocket {
  binaryType = "blob";
  readyState = 1; // OPEN
  readonly sent: Uint8Array[] = [];
  onmessage: ((ev: MessageEvent) => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  send(data: Uint8Array): void {
    this.sent.push(new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice());
  }
  close(): void {
    this.readyState = 3;
  }
}

const concat = (parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

describe("browser WebSocket duplex", () => {
  it("a 3 MiB flush goes out as messages of at most 256 KiB that join back to the same bytes", () => {
    expect(MAX_WS_MESSAGE).to.equal(256 * 1024);
    const ws = new FakeWebSocket();
    const duplex = new WsDuplex(ws as unknown as WebSocket);
    const data = new Uint8Array(randomBytes(3 * 1024 * 1024 + 123));
    duplex.write(data);
    expect(ws.sent.length).to.equal(Math.ceil(data.length / MAX_WS_MESSAGE));
    for (const m of ws.sent) expect(m.length).to.be.at.most(MAX_WS_MESSAGE);
    expect(Buffer.compare(concat(ws.sent), data)).to.equal(0);
  });

  it("a small write is one message; nothing is sent once the socket is not open", () => {
    const ws = new FakeWebSocket();
    const duplex = new WsDuplex(ws as unknown as WebSocket);
    duplex.write(new Uint8Array(randomBytes(MAX_WS_MESSAGE)));
    expect(ws.sent.map((m) => m.length)).to.deep.equal([MAX_WS_MESSAGE]);
    ws.readyState = 2; // CLOSING
    duplex.write(new Uint8Array(10));
    expect(ws.sent.length).to.equal(1);
  });
});
