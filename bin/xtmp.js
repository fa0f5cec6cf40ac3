#!/usr/bin/env node
// `xtmp` binary: runs the compiled CLI (built into dist/ by `npm ci` via the prepare script).
import "../dist/cli/run.js";
