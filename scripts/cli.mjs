#!/usr/bin/env node
// The package's bin (src/cli.ts) run from a clone: `npm start` is `cli.mjs mock`, `npm run verify`
// is `cli.mjs verify`. dist/ is built first when stale (lib/ensure-built.mjs), so a clone serves
// and verifies what its sources say, exactly as the installed package does from dist/.
import { loadBuilt } from "./lib/ensure-built.mjs";

// The parent npm started us under, read before a build can take seconds: the bin stops when it is
// gone (src/tools/cli/npm-parent.ts says why), and must not take a parent that died meanwhile for its own.
globalThis[Symbol.for("operations-manager-tasks-contract.parent-pid")] = process.ppid;
await loadBuilt("src/cli.js");
