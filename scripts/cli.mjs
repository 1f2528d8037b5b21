#!/usr/bin/env node
// The package's bin (src/cli.ts) run from a clone: `npm start` is `cli.mjs mock`, `npm run verify`
// is `cli.mjs verify`. dist/ is built first when stale (lib/ensure-built.mjs), so a clone serves
// and verifies what its sources say, exactly as the installed package does from dist/.
import { loadBuilt } from "./lib/ensure-built.mjs";

// npm runs a script through `sh -c`, which (dash) does not exec it: a SIGTERM to npm reaches the
// shell, which dies and leaves this process running, the mock still serving. Run by npm, this
// process therefore stops as on SIGTERM once its parent is gone (it is then re-parented).
if (process.env.npm_lifecycle_event) {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.kill(process.pid, "SIGTERM");
  }, 250).unref();
}

await loadBuilt("src/cli.js");
