#!/usr/bin/env node
// The spec lints clean (Redocly and Spectral), and everything in generated/ is what the spec produces today (drift).
import { readFileSync } from "node:fs";
import path from "node:path";
import { withFreshBundle } from "./lib/fresh-bundle.mjs";
import { lintProblems } from "./lib/linters.mjs";
import { run, fail, repoRoot } from "./lib/run.mjs";

const problems = [];

// One fresh bundle of openapi/ for both: Spectral lints it, and generated/openapi.json must equal it.
withFreshBundle((fresh) => {
  // The same two linters as `npm run lint`, from their one home.
  const lint = lintProblems(fresh);
  if (lint.length) problems.push(`the spec does not lint clean: ${lint.join(" and ")} found problems (see above)`);
  if (!fresh) problems.push("the spec does not bundle");
  else if (readFileSync(fresh, "utf8") !== readFileSync(path.join(repoRoot, "generated/openapi.json"), "utf8")) {
    problems.push(
      "generated/openapi.json differs from a fresh bundle of openapi/: run `npm run bundle` and commit it (never edit generated/ by hand)",
    );
  }
});

// Types and path checks come from a spec that bundles; when it does not, saying they are stale
// would only hide the real problem.
if (!problems.includes("the spec does not bundle")) {
  const generated = run("node", [path.join(repoRoot, "scripts/generate.mjs"), "--check"], { capture: true });
  if (generated.status !== 0) problems.push(generated.stderr.trim().replace(/^error: /, ""));
}

if (problems.length) fail(`check failed:\n  - ${problems.join("\n  - ")}`);
console.log("check passed: the spec lints clean and generated/ matches it");
