#!/usr/bin/env node
// Two independent linters, both with 0 errors and 0 warnings: Redocly (recommended-strict and this
// spec's rules, redocly.yaml) on the split spec, and Spectral (spectral:oas, .spectral.yaml) on a
// fresh bundle of it. Spectral is given the bundle because it does not follow the split spec's
// path-item $refs; a fresh one, so that a stale generated/openapi.json is never what it judges.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { run, fail, repoRoot } from "./lib/run.mjs";

const problems = [];
if (run("redocly", ["lint"]).status !== 0) problems.push("Redocly");

const dir = mkdtempSync(path.join(tmpdir(), "om-contract-lint-"));
try {
  const bundle = path.join(dir, "openapi.json");
  const bundled = run("node", [path.join(repoRoot, "scripts/bundle.mjs"), "--out", bundle], { capture: true });
  if (bundled.status !== 0) {
    process.stderr.write(bundled.stdout + bundled.stderr);
    problems.push("Spectral (the spec does not bundle)");
  } else {
    console.log("Spectral (spectral:oas, .spectral.yaml) on a fresh bundle of openapi/:");
    const ruleset = path.join(repoRoot, ".spectral.yaml");
    const spectral = run("spectral", ["lint", bundle, "--ruleset", ruleset, "--fail-severity", "warn", "--display-only-failures"]);
    if (spectral.status !== 0) problems.push("Spectral");
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

if (problems.length) fail(`lint failed: ${problems.join(" and ")} found problems (see above)`);
console.log("lint passed: Redocly and Spectral find no errors and no warnings");
