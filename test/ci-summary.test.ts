// .ci/summary.mjs, which adds up CI's jest runs (one per Node version) into its last line, fed
// fake jest result files as CI would hand it the real ones.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { run } from "./support/children";
import { repoRoot } from "./support/spec";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "om-contract-ci-summary-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Counts = { passed: number; failed: number; runtimeErrors?: number };
let results = 0;
/** Writes a jest --json result (only the fields the summary reads) and returns its path. */
function jestResult(counts: Counts) {
  const file = path.join(dir, `result-${++results}.json`);
  const success = counts.failed === 0 && !counts.runtimeErrors;
  writeFileSync(
    file,
    JSON.stringify({
      numPassedTests: counts.passed,
      numFailedTests: counts.failed,
      numRuntimeErrorTestSuites: counts.runtimeErrors ?? 0,
      success,
      testResults: [],
    }),
  );
  return file;
}

/**
 * One step of CI as the summary is handed it: its label, its exit status, and its jest result
 * written with these counts, or none written ("no result"), or "-" (a step with no tests).
 */
type Step = [label: string, status: number, result: Counts | "no result" | "-"];
const summary = (...args: string[]) =>
  run(process.execPath, [path.join(repoRoot, ".ci/summary.mjs"), ...args], { cwd: dir });
/** A step's LABEL STATUS FILE triple, its jest result written first. */
const triple = ([label, status, result]: Step) => [
  label,
  String(status),
  result === "-" ? "-" : result === "no result" ? path.join(dir, "never-written.json") : jestResult(result),
];
const lastLine = (stdout: string) => stdout.trimEnd().split("\n").at(-1);

describe(".ci/summary.mjs", () => {
  it.each<[string, Step[], { shown: RegExp[]; absent?: RegExp; last: string; code: number }]>([
    [
      "adds up the passed tests of every version into the last line, and exits 0 when all passed",
      [
        ["Node 20.20.2", 0, { passed: 251, failed: 0 }],
        ["Node 22.23.5", 0, { passed: 250, failed: 0 }],
        ["Node 24.22.3", 0, { passed: 252, failed: 0 }],
      ],
      {
        shown: [/^Node 22\.23\.5: 250 passed, 0 failed$/m],
        absent: /FAILED|CI failed/,
        last: "753 passed, 0 failed",
        code: 0,
      },
    ],
    [
      "names the version whose tests failed, counts its failures in the total, and exits 1",
      [
        ["Node 20.20.2", 1, { passed: 249, failed: 2 }],
        ["Node 24.22.3", 0, { passed: 251, failed: 0 }],
      ],
      {
        shown: [
          /^Node 20\.20\.2: 249 passed, 2 failed \(FAILED: exit status 1\)$/m,
          /^Node 24\.22\.3: 251 passed, 0 failed$/m,
          /^CI failed on Node 20\.20\.2$/m,
        ],
        last: "500 passed, 2 failed",
        code: 1,
      },
    ],
    [
      "fails a version that left no result (npm ci failed) as one failure, naming why",
      [
        ["Node 20.20.2", 0, { passed: 251, failed: 0 }],
        ["Node 22", 1, "no result"],
      ],
      {
        shown: [/^Node 22: 0 passed, 1 failed \(FAILED: no jest result, exit status 1\)$/m, /^CI failed on Node 22$/m],
        last: "251 passed, 1 failed",
        code: 1,
      },
    ],
    [
      "never reads 0 failed when a run failed outside any test: a test file that did not load, or a failing exit status",
      [
        ["Node 22.23.5", 1, { passed: 240, failed: 0, runtimeErrors: 1 }],
        ["Node 24.22.3", 1, { passed: 251, failed: 0 }],
      ],
      { shown: [/^CI failed on Node 22\.23\.5, Node 24\.22\.3$/m], last: "491 passed, 2 failed", code: 1 },
    ],
    [
      'counts a step with no tests ("-": the gates) by its exit status alone: one that passed',
      [
        ["gates", 0, "-"],
        ["Node 20.20.2", 0, { passed: 10, failed: 0 }],
      ],
      { shown: [/^gates: 0 passed, 0 failed$/m], last: "10 passed, 0 failed", code: 0 },
    ],
    [
      'counts a step with no tests ("-": the gates) by its exit status alone: a failed one as one failure',
      [["gates", 1, "-"]],
      { shown: [/^gates: 0 passed, 1 failed \(FAILED: exit status 1\)$/m], last: "0 passed, 1 failed", code: 1 },
    ],
  ])("%s", async (_what, steps, expected) => {
    const result = await summary(...steps.flatMap(triple));
    for (const line of expected.shown) expect(result.stdout).toMatch(line);
    if (expected.absent) expect(result.stdout).not.toMatch(expected.absent);
    expect(lastLine(result.stdout)).toBe(expected.last);
    expect(result.code).toBe(expected.code);
  });

  it("refuses arguments that are not LABEL STATUS FILE triples", async () => {
    const result = await summary("Node 20", "0");
    expect(result.stderr).toMatch(/^usage: /);
    expect(result.code).toBe(2);
  });
});
