#!/usr/bin/env node
// Adds up CI's test runs, one per Node version, into the one line CI ends with.
//
//   node .ci/summary.mjs LABEL STATUS RESULT.json [LABEL STATUS RESULT.json]...
//
// LABEL names the run ("Node 22.23.5"), STATUS is its exit status (npm ci, then npm test) and
// RESULT.json is jest's --json result, or "-" for a step that runs no tests (the gates: npm ci,
// check, build), which only its status passes or fails. Prints one line per run, a line naming each failed run,
// and last the plain "N passed, N failed" summed over all runs. Exits 1 when any run failed.
//
// A run fails when its status is not 0, its result is missing or unreadable, or jest reports a
// failure. A run that failed outside any test (npm ci, jest's global setup, a test file that did
// not compile) counts as one failed test, so the total never reads "0 failed" when CI fails.
import { readFileSync } from "node:fs";

const args = process.argv.slice(2);
if (args.length === 0 || args.length % 3 !== 0) {
  console.error("usage: node .ci/summary.mjs LABEL STATUS RESULT.json [LABEL STATUS RESULT.json]...");
  process.exit(2);
}

/** Jest's counts, or why there are none. */
function readResult(file) {
  let result;
  try {
    result = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    return {
      problem:
        error.code === "ENOENT" ? "no jest result" : `unreadable jest result (${String(error.message).split("\n")[0]})`,
    };
  }
  if (!Number.isInteger(result?.numPassedTests) || !Number.isInteger(result?.numFailedTests)) {
    return { problem: "no test counts in the jest result" };
  }
  return {
    passed: result.numPassedTests,
    // A test file that fails to load (a compile error) has no failed test of its own.
    failed: result.numFailedTests + (result.numRuntimeErrorTestSuites ?? 0),
    success: result.success === true,
  };
}

let passed = 0;
let failed = 0;
const failedRuns = [];
for (let i = 0; i < args.length; i += 3) {
  const [label, status, file] = args.slice(i, i + 3);
  const result = file === "-" ? { passed: 0, failed: 0, success: true } : readResult(file);
  const ok = status === "0" && !result.problem && result.success && result.failed === 0;
  const runPassed = result.passed ?? 0;
  const runFailed = ok ? 0 : Math.max(result.failed ?? 0, 1);
  passed += runPassed;
  failed += runFailed;
  const why = [result.problem, status === "0" ? "" : `exit status ${status}`].filter(Boolean).join(", ");
  console.log(`${label}: ${runPassed} passed, ${runFailed} failed${ok ? "" : ` (FAILED${why ? `: ${why}` : ""})`}`);
  if (!ok) failedRuns.push(label);
}
if (failedRuns.length > 0) console.log(`CI failed on ${failedRuns.join(", ")}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failedRuns.length > 0 ? 1 : 0);
