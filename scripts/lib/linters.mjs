// The spec's two linters, both to pass with 0 errors and 0 warnings: Redocly (recommended-strict
// and this spec's rules, redocly.yaml) on the split spec, and Spectral (spectral:oas,
// .spectral.yaml) on a fresh bundle of it. Spectral is given the bundle because it does not follow
// the split spec's path-item $refs; a fresh one (withFreshBundle), so that a stale
// generated/openapi.json is never what it judges. `npm run lint` and `npm run check` both run them
// from here; check hands over the fresh bundle it compares with generated/, made once.
import path from "node:path";
import { repoRoot, run } from "./run.mjs";

/** Runs both linters (their reports go to the terminal); returns the names of those that found problems. */
export function lintProblems(freshBundle) {
  const problems = [];
  if (run("redocly", ["lint"]).status !== 0) problems.push("Redocly");
  if (!freshBundle) {
    problems.push("Spectral (the spec does not bundle)");
    return problems;
  }
  console.log("Spectral (spectral:oas, .spectral.yaml) on a fresh bundle of openapi/:");
  const ruleset = path.join(repoRoot, ".spectral.yaml");
  const spectral = run("spectral", [
    "lint",
    freshBundle,
    "--ruleset",
    ruleset,
    "--fail-severity",
    "warn",
    "--display-only-failures",
  ]);
  if (spectral.status !== 0) problems.push("Spectral");
  return problems;
}
