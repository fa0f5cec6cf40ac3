// End to end in headless Chromium: a page served on 127.0.0.1 runs the browser bundle against a Node server.
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { buildBrowser } from "../../browser/build.js";
import { TestServiceDefinition } from "../../generated/grpc/testing/test_xtmp.js";
import { testServiceImpl } from "../../services/test-service.js";
import { Code, createServer, generateIdentity } from "../../src/index.js";
import type { PageResult } from "./page.js";

/** The Debian chromium binary (.ci/run installs the package when it is missing). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

describe("browser client in headless Chromium", function () {
  this.timeout(60_000);

  it("unary, server stream, bidi stream and an error status over WebSocket, end-to-end encrypted", async () => {
    const dir = mkdtempSync(join(tmpdir(), "xtmp-browser-"));
    const id = generateIdentity();
    const http = createHttpServer((req, res) => {
      if (req.url === "/") return void res.writeHead(200, { "content-type": "text/html" }).end('<!doctype html><script type="module" src="/page.js"></script>');
      if (req.url === "/page.js") return void res.writeHead(200, { "content-type": "text/javascript" }).end(readFileSync(join(dir, "page.js")));
      res.writeHead(404).end();
    });
    const server = createServer({ identity: id }).add(TestServiceDefinition, testServiceImpl).attach(http, { path: "/xtmp" });
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"],
    });
    try {
      await buildBrowser("test/browser/page.ts", join(dir, "page.js"));
      await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
      const port = (http.address() as AddressInfo).port;
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.waitForFunction(() => (globalThis as unknown as { xtmpReady?: boolean }).xtmpReady === true, undefined, { timeout: 20_000 });
      const result = (await page.evaluate(
        ([url, key]) => (globalThis as unknown as { runXtmp(u: string, k: string): Promise<unknown> }).runXtmp(url as string, key as string),
        [`ws://127.0.0.1:${port}/xtmp`, Buffer.from(id.publicKey).toString("hex")],
      )) as PageResult;
      expect(errors).to.deep.equal([]);
      expect(result).to.deep.equal({ mode: "IK", cipher: "AESGCM", unary: 31415, stream: [9, 2653, 58979], bidi: [1, 22, 333], errorCode: Code.FAILED_PRECONDITION });
    } finally {
      await browser.close();
      server.forceShutdown();
      http.close();
      http.closeAllConnections();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
