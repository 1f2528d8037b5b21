#!/usr/bin/env node
// The package's bin (src/cli.ts) run from a clone: `npm start` is `cli.mjs mock`, `npm run verify`
// is `cli.mjs verify`. dist/ is built first when stale (lib/ensure-built.mjs), so a clone serves
// and verifies what its sources say, exactly as the installed package does from dist/.
import { loadBuilt } from "./lib/ensure-built.mjs";

await loadBuilt("src/cli.js");
