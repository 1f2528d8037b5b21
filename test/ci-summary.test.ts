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

/** Writes a jest --json result (only the fields the summary reads) and returns its path. */
function jestResult(name: string, counts: { passed: number; failed: number; runtimeErrors?: number }) {
  const file = path.join(dir, `${name}.json`);
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

const summary = (...args: string[]) =>
  run(process.execPath, [path.join(repoRoot, ".ci/summary.mjs"), ...args], { cwd: dir });
const lastLine = (stdout: string) => stdout.trimEnd().split("\n").at(-1);

describe(".ci/summary.mjs", () => {
  it("adds up the passed tests of every version into the last line, and exits 0 when all passed", async () => {
    const result = await summary(
      "Node 20.20.2",
      "0",
      jestResult("ok20", { passed: 251, failed: 0 }),
      "Node 22.23.5",
      "0",
      jestResult("ok22", { passed: 250, failed: 0 }),
      "Node 24.22.3",
      "0",
      jestResult("ok24", { passed: 252, failed: 0 }),
    );
    expect(result.stdout.split("\n")).toEqual(expect.arrayContaining(["Node 22.23.5: 250 passed, 0 failed"]));
    expect(result.stdout).not.toMatch(/FAILED|CI failed/);
    expect(lastLine(result.stdout)).toBe("753 passed, 0 failed");
    expect(result.code).toBe(0);
  });

  it("names the version whose tests failed, counts its failures in the total, and exits 1", async () => {
    const result = await summary(
      "Node 20.20.2",
      "1",
      jestResult("fail20", { passed: 249, failed: 2 }),
      "Node 24.22.3",
      "0",
      jestResult("ok24b", { passed: 251, failed: 0 }),
    );
    expect(result.stdout).toMatch(/^Node 20\.20\.2: 249 passed, 2 failed \(FAILED: exit status 1\)$/m);
    expect(result.stdout).toMatch(/^Node 24\.22\.3: 251 passed, 0 failed$/m);
    expect(result.stdout).toMatch(/^CI failed on Node 20\.20\.2$/m);
    expect(lastLine(result.stdout)).toBe("500 passed, 2 failed");
    expect(result.code).toBe(1);
  });

  it("fails a version that left no result (npm ci failed) as one failure, naming why", async () => {
    const result = await summary(
      "Node 20.20.2",
      "0",
      jestResult("ok20c", { passed: 251, failed: 0 }),
      "Node 22",
      "1",
      path.join(dir, "never-written.json"),
    );
    expect(result.stdout).toMatch(/^Node 22: 0 passed, 1 failed \(FAILED: no jest result, exit status 1\)$/m);
    expect(result.stdout).toMatch(/^CI failed on Node 22$/m);
    expect(lastLine(result.stdout)).toBe("251 passed, 1 failed");
    expect(result.code).toBe(1);
  });

  it("never reads 0 failed when a run failed outside any test: a test file that did not load, or a failing exit status", async () => {
    const result = await summary(
      "Node 22.23.5",
      "1",
      jestResult("loadError", { passed: 240, failed: 0, runtimeErrors: 1 }),
      "Node 24.22.3",
      "1",
      jestResult("badExit", { passed: 251, failed: 0 }),
    );
    expect(result.stdout).toMatch(/^CI failed on Node 22\.23\.5, Node 24\.22\.3$/m);
    expect(lastLine(result.stdout)).toBe("491 passed, 2 failed");
    expect(result.code).toBe(1);
  });

  it('counts a step with no tests ("-": the gates) by its exit status alone, a failed one as one failure', async () => {
    const passed = await summary(
      "gates",
      "0",
      "-",
      "Node 20.20.2",
      "0",
      jestResult("ok20d", { passed: 10, failed: 0 }),
    );
    expect(passed.stdout).toMatch(/^gates: 0 passed, 0 failed$/m);
    expect([lastLine(passed.stdout), passed.code]).toEqual(["10 passed, 0 failed", 0]);
    const failed = await summary("gates", "1", "-");
    expect(failed.stdout).toMatch(/^gates: 0 passed, 1 failed \(FAILED: exit status 1\)$/m);
    expect([lastLine(failed.stdout), failed.code]).toEqual(["0 passed, 1 failed", 1]);
  });

  it("refuses arguments that are not LABEL STATUS FILE triples", async () => {
    const result = await summary("Node 20", "0");
    expect(result.stderr).toMatch(/^usage: /);
    expect(result.code).toBe(2);
  });
});
