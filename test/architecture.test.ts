// Enforces the layering of src/ (who may import whom), file size and header comments.
import { expect } from "chai";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, posix, relative } from "node:path";
import { ROOT } from "../codegen/test/build-request.js";

/** Layer -> layers it may import (itself always allowed). */
const ALLOWED: Record<string, string[]> = {
  status: [],
  wire: ["status"],
  secure: ["wire", "status"],
  mux: ["wire", "status"],
  transport: ["status"],
  rpc: ["mux", "wire", "status"],
  retry: ["status"],
  resolver: ["retry", "status"],
  balancer: ["status"],
  metrics: ["status"],
  tracing: ["status"],
  prometheus: ["status"],
  client: ["transport", "secure", "mux", "rpc", "wire", "status", "retry", "resolver", "balancer", "metrics", "tracing"],
  reflection: ["rpc", "status"],
  server: ["transport", "secure", "mux", "rpc", "wire", "status", "reflection", "metrics", "tracing"],
  ".": ["*"],
  browser: ["*"],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

const SRC = join(ROOT, "src");
const srcFiles = files(SRC).map((f) => relative(SRC, f).split("\\").join("/"));

/** Directories whose files may import only the public entry of src. */
const PUBLIC_API_ONLY = ["demo", "cli", "services", "examples"];
/** Directories whose files need a header comment and a bounded length. */
const HEADER_CHECKED = ["src", "codegen", "cli", "demo", "services", "examples", "browser", "bench", "attack"];

function layerOf(file: string): string {
  const parts = file.split("/");
  return parts.length === 1 ? "." : (parts[0] as string);
}

describe("architecture", () => {
  it("every src file belongs to a known layer", () => {
    for (const f of srcFiles) expect(ALLOWED, f).to.have.property(layerOf(f));
  });

  it("layers import only what they may", () => {
    const violations: string[] = [];
    for (const f of srcFiles) {
      const layer = layerOf(f);
      const allowed = ALLOWED[layer] ?? [];
      const text = readFileSync(join(SRC, f), "utf8");
      for (const m of text.matchAll(/^\s*(?:import|export)[^'"]*from\s+["']([^"']+)["']/gm)) {
        const spec = m[1] as string;
        if (!spec.startsWith(".")) continue; // packages and node: built-ins
        const target = posix.normalize(posix.join(posix.dirname(f), spec));
        if (target.startsWith("..")) {
          violations.push(`${f} imports outside src: ${spec}`);
          continue;
        }
        const tl = layerOf(target);
        if (tl === layer || allowed.includes("*") || allowed.includes(tl)) continue;
        violations.push(`${f} (${layer}) imports ${target} (${tl})`);
      }
    }
    expect(violations).to.deep.equal([]);
  });

  it("every directory these checks cover exists (a renamed one must not be skipped silently)", () => {
    const missing = [...new Set([...PUBLIC_API_ONLY, ...HEADER_CHECKED])].filter((d) => !existsSync(join(ROOT, d)) || !statSync(join(ROOT, d)).isDirectory());
    expect(missing).to.deep.equal([]);
  });

  it("demo and cli use only src/index.ts (the public entry); bench may measure internals", () => {
    const outside = PUBLIC_API_ONLY.flatMap((d) => files(join(ROOT, d)));
    expect(outside.length, "files checked").to.be.greaterThan(0);
    const bad = outside.filter((f) => /from\s+["'][./]+src\/(?!(?:prometheus\/)?index\.js)/.test(readFileSync(f, "utf8")));
    expect(bad.map((f) => relative(ROOT, f))).to.deep.equal([]);
  });

  it("files start with a one-line header comment and stay under ~400 lines", () => {
    for (const d of HEADER_CHECKED) {
      // generated code (golden files, bench/gen, src/status/gen) is exempt
      const list = files(join(ROOT, d)).filter((f) => !f.includes(join("codegen", "test", "golden")) && !f.includes(join("bench", "gen")) && !f.includes(join("src", "status", "gen")));
      expect(list.length, `${d} has no .ts files to check`).to.be.greaterThan(0);
      for (const f of list) {
        const text = readFileSync(f, "utf8");
        expect(text.startsWith("// "), `${relative(ROOT, f)} needs a header comment`).to.equal(true);
        expect(text.split("\n").length, `${relative(ROOT, f)} is too long`).to.be.at.most(420);
      }
    }
  });
});
