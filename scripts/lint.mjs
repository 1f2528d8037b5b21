#!/usr/bin/env node
// Two independent linters, both with 0 errors and 0 warnings: Redocly (recommended-strict and this
// spec's rules, redocly.yaml) on the split spec, and Spectral (spectral:oas, .spectral.yaml) on a
// fresh bundle of it. Spectral is given the bundle because it does not follow the split spec's
// path-item $refs; a fresh one, so that a stale generated/openapi.json is never what it judges.
import path from "node:path";
import { withFreshBundle } from "./lib/fresh-bundle.mjs";
import { run, fail, repoRoot } from "./lib/run.mjs";

const problems = [];
if (run("redocly", ["lint"]).status !== 0) problems.push("Redocly");

withFreshBundle((bundle) => {
  if (!bundle) return problems.push("Spectral (the spec does not bundle)");
  console.log("Spectral (spectral:oas, .spectral.yaml) on a fresh bundle of openapi/:");
  const ruleset = path.join(repoRoot, ".spectral.yaml");
  const spectral = run("spectral", ["lint", bundle, "--ruleset", ruleset, "--fail-severity", "warn", "--display-only-failures"]);
  if (spectral.status !== 0) problems.push("Spectral");
});

if (problems.length) fail(`lint failed: ${problems.join(" and ")} found problems (see above)`);
console.log("lint passed: Redocly and Spectral find no errors and no warnings");
