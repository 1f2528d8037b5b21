// The two figures measured in child processes: Prism's time to be ready, and the whole test run.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { repoRoot } from "../lib/run.mjs";
import { median } from "./measure.mjs";

/** Runs a command with a hard time limit; resolves with its output, status and wall time. */
function runChild(command, args, { timeoutMs, env }) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(command, args, { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("close", (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, timedOut, stdout, stderr, wallMs: performance.now() - t0 });
    });
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ status: null, error: error.message, timedOut, stdout, stderr, wallMs: performance.now() - t0 });
    });
  });
}

/** Prism from the built mock entry to its first 200: `starts` fresh processes (cold), plus warm restarts. */
export async function prismReady({ starts, warm }) {
  const mock = path.join(repoRoot, "dist/esm/src/mock.js");
  const child = path.join(repoRoot, "scripts/bench/prism-child.mjs");
  const runs = [];
  for (let i = 0; i < starts; i++) {
    const r = await runChild(process.execPath, [child, mock, String(i === 0 ? warm : 0)], { timeoutMs: 60_000 });
    const line = r.stdout.trim().split("\n").pop();
    let parsed;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new Error(`bench: the Prism child failed (status ${r.status}${r.timedOut ? ", timed out" : ""}):\n${r.stderr.slice(-2000)}`);
    }
    if (parsed.cold.status !== 200) throw new Error(`bench: Prism never answered 200 (last ${parsed.cold.status})`);
    runs.push({ ...parsed, processMs: r.wallMs });
  }
  const warmRuns = runs.flatMap((r) => r.warm);
  return {
    coldSeconds: median(runs.map((r) => r.cold.readyMs)) / 1000,
    coldListenSeconds: median(runs.map((r) => r.cold.startMs)) / 1000,
    processSeconds: median(runs.map((r) => r.processMs)) / 1000,
    warmSeconds: warmRuns.length ? median(warmRuns.map((r) => r.readyMs)) / 1000 : null,
    starts: runs.length,
    warmStarts: warmRuns.length,
    runs,
  };
}

/** How many other jest processes run on the machine right now (the tree and the box are shared). */
function otherJests() {
  let count = 0;
  let entries;
  try {
    entries = readdirSync("/proc");
  } catch {
    return null;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, "utf8").replace(/\0/g, " ");
      if (/[/ ]jest(\.js)? |jest-worker|processChild\.js/.test(`${cmd} `)) count++;
    } catch {}
  }
  return count;
}

/** The whole `npm test`: `npx --no -- jest` once, wall time, with its pass/fail counts. */
export async function testTime() {
  const tmp = mkdtempSync(path.join(os.tmpdir(), "om-bench-"));
  const out = path.join(tmp, "jest.json");
  const before = { loadavg: os.loadavg(), otherJestProcesses: otherJests() };
  const r = await runChild("npx", ["--no", "--", "jest", "--json", `--outputFile=${out}`], { timeoutMs: 15 * 60_000, env: { CI: "true" } });
  const after = { loadavg: os.loadavg(), otherJestProcesses: otherJests() };
  let counts = null;
  try {
    const j = JSON.parse(readFileSync(out, "utf8"));
    counts = { passed: j.numPassedTests, failed: j.numFailedTests, suites: j.numTotalTestSuites };
  } catch {}
  rmSync(tmp, { recursive: true, force: true });
  return {
    seconds: r.wallMs / 1000,
    status: r.status,
    timedOut: r.timedOut,
    counts,
    before,
    after,
    ...(r.status === 0 ? {} : { tail: r.stderr.slice(-1500) }),
  };
}
