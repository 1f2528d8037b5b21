// The one rule for whether dist/ must be built again: it is stale when its stamp is missing, or
// older than anything it is made from. scripts/build.mjs writes the stamp, and ensure-built.mjs
// (npm start, verify, bench, the jest setup) asks here before building. CommonJS, so that the tests
// call it in-process (ts-jest compiles them to CommonJS, which cannot load ESM); types in build-stamp.d.cts.
"use strict";
const { readdirSync, statSync } = require("node:fs");
const path = require("node:path");

/** What dist/ is made from, relative to the repository: a change to any of these makes it stale. */
const INPUTS = ["src", "generated", "tsconfig.build.json", "package.json", "scripts/build.mjs"];
/** Written by scripts/build.mjs when a build is complete. */
const STAMP = "dist/.built";

/** Whether dist/ under `root` (default: this repository) is missing, or older than anything it is made from. */
function isStale(root = path.resolve(__dirname, "../..")) {
  let built;
  try {
    built = statSync(path.join(root, STAMP)).mtimeMs;
  } catch {
    return true;
  }
  const stack = INPUTS.map((f) => path.join(root, f));
  while (stack.length > 0) {
    const entry = stack.pop();
    const stats = statSync(entry, { throwIfNoEntry: false });
    if (!stats) continue;
    if (stats.isDirectory()) stack.push(...readdirSync(entry).map((name) => path.join(entry, name)));
    else if (stats.mtimeMs > built) return true;
  }
  return false;
}

module.exports = { STAMP, isStale };
