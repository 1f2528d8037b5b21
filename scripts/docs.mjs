#!/usr/bin/env node
// Builds a self-contained HTML reference of the spec (works offline) into docs-build/.
import { run, fail } from "./lib/run.mjs";

const out = "docs-build/index.html";
// --inlineBundle embeds Redoc itself; without it the page loads Redoc from a CDN and is blank offline.
const result = run("redocly", [
  "build-docs", "generated/openapi.json", "--output", out, "--inlineBundle", "--title", "Operations Manager tasks contract",
]);
if (result.status !== 0) fail("redocly build-docs failed (see above)");
console.log(`docs written to ${out}`);
