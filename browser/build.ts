// Builds a browser bundle with esbuild: Node-only modules are swapped for their browser counterparts.
import { build, type Plugin } from "esbuild";
import { fileURLToPath } from "node:url";
import { dirname, isAbsolute, join, resolve } from "node:path";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

/** Node module (repo-relative, .ts) -> browser module. */
export const BROWSER_SWAPS: Record<string, string> = {
  "src/transport/tcp.ts": "src/transport/tcp-browser.ts",
  "src/transport/unix.ts": "src/transport/unix-browser.ts",
  "src/transport/websocket.ts": "src/transport/websocket-browser.ts",
  "src/client/datagrams.ts": "src/client/datagrams-browser.ts",
  "src/rpc/compression.ts": "src/rpc/compression-browser.ts",
  "src/resolver/dns-lookup.ts": "src/resolver/dns-lookup-browser.ts",
  "src/secure/crypto-node.ts": "src/secure/crypto-node-browser.ts",
};

const swap: Plugin = {
  name: "xtmp-browser-swaps",
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      const target = resolve(args.resolveDir, args.path).replace(/\.js$/, ".ts");
      const rel = target.slice(ROOT.length).split("\\").join("/");
      const to = BROWSER_SWAPS[rel];
      return to ? { path: join(ROOT, to) } : undefined;
    });
  },
};

/** Bundles `entry` (repo-relative) into `outfile` (absolute, or repo-relative) as an ES module for browsers. */
export async function buildBrowser(entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [join(ROOT, entry)],
    outfile: isAbsolute(outfile) ? outfile : join(ROOT, outfile),
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    sourcemap: true,
    logLevel: "warning",
    plugins: [swap],
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  await buildBrowser("src/browser/index.ts", "dist/browser/xtmp.js");
  console.log(`wrote ${join(dirname("dist/browser/xtmp.js"), "xtmp.js")}`);
}
