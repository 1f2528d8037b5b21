#!/usr/bin/env node
// Lints the spec with Redocly and Spectral, both with 0 errors and 0 warnings (lib/linters.mjs).
import { withFreshBundle } from "./lib/fresh-bundle.mjs";
import { lintProblems } from "./lib/linters.mjs";
import { fail } from "./lib/run.mjs";

const problems = withFreshBundle(lintProblems);
if (problems.length) fail(`lint failed: ${problems.join(" and ")} found problems (see above)`);
console.log("lint passed: Redocly and Spectral find no errors and no warnings");
