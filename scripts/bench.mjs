#!/usr/bin/env node
// `npm run bench`: what the client costs, measured on the built package (dist/esm), side by side.
//   - per call: our client vs raw fetch doing the same request, and vs bare openapi-fetch, on a
//     stub fetch and over a loopback keep-alive HTTP server (ratios: median of interleaved rounds);
//   - gzipped size (esbuild --bundle --minify, ESM, then gzip -9) of our code and of the client;
//   - Prism's time to be ready, and the whole `npm test`.
// A report, not a gate: exit 0 whether targets are met or not, unless --strict.
//
// Options: --quick (fewer iterations, a smoke run), --json (JSON on stdout, the table on stderr),
// --strict (exit 1 when a target is missed), --skip-test-time (no jest run),
// --breakdown (always time the pieces; by default only when a per-call target is missed).
// Writes bench-results.json at the repository root.
import os from "node:os";
import path from "node:path";
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { repoRoot, run } from "./lib/run.mjs";
import { breakdown } from "./bench/breakdown.mjs";
import { httpCalls, stubCalls } from "./bench/calls.mjs";
import { prismReady, testTime } from "./bench/children.mjs";
import { sizes } from "./bench/size.mjs";
import { formatReport } from "./bench/report.mjs";

const KNOWN = new Set(["--quick", "--json", "--strict", "--skip-test-time", "--breakdown", "--help"]);
const args = new Set(process.argv.slice(2));
for (const a of args) {
  if (!KNOWN.has(a)) {
    console.error(`bench: unknown option ${a} (known: ${[...KNOWN].join(", ")})`);
    process.exit(2);
  }
}
if (args.has("--help")) {
  console.log("usage: node scripts/bench.mjs [--quick] [--json] [--strict] [--skip-test-time] [--breakdown]");
  process.exit(0);
}
const quick = args.has("--quick");
const asJson = args.has("--json");
// With --json, stdout carries only the JSON; everything for people goes to stderr.
const say = asJson ? (line) => console.error(line) : (line) => console.log(line);

// Bounded in count and in time, whichever comes first (warm-up aside).
const plan = quick
  ? {
      stub: { batch: 50, warmupBatches: 10, maxRounds: 40, maxMs: 2_000 },
      http: { batch: 10, warmupBatches: 5, maxRounds: 30, maxMs: 2_000 },
      micro: { batchMs: 2, reps: 5 },
      prism: { starts: 1, warm: 1 },
    }
  : {
      stub: { batch: 100, warmupBatches: 30, maxRounds: 400, maxMs: 15_000 },
      http: { batch: 10, warmupBatches: 30, maxRounds: 600, maxMs: 20_000 },
      micro: { batchMs: 5, reps: 25 },
      prism: { starts: 5, warm: 4 },
    };

const TARGETS = { stubVsRaw: 1.15, httpVsRaw: 1.05, oursGzip: 2000, wholeGzip: 5500 };

const cpus = os.cpus();
const machine = {
  node: process.version,
  cpu: cpus[0]?.model?.trim() ?? "unknown",
  cores: cpus.length,
  platform: `${process.platform} ${process.arch}`,
  loadavgAtStart: os.loadavg().map((x) => +x.toFixed(2)),
};
const date = new Date().toISOString();

const step = async (label, fn) => {
  const t0 = Date.now();
  say(`bench: ${label}…`);
  const value = await fn();
  say(`bench: ${label} done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return value;
};

say(`bench: ${machine.node} on ${machine.cpu} (${machine.cores} cores), ${date}${quick ? ", --quick" : ""}`);
const built = await step("building the package (node scripts/build.mjs)", async () => run("node", ["scripts/build.mjs"], { capture: true }));
if (built.status !== 0) {
  console.error(`bench: the build failed:\n${built.stdout}${built.stderr}`);
  process.exit(1);
}

const dist = (file) => pathToFileURL(path.join(repoRoot, "dist/esm/src", file)).href;
const pkg = await import(dist("index.js"));
const openapiFetch = await import("openapi-fetch");
const createClient = openapiFetch.default;

const results = { machine, date, quick, plan, targets: TARGETS };
const errors = [];
const attempt = async (label, fn) => {
  try {
    return await step(label, fn);
  } catch (error) {
    errors.push({ section: label, message: error?.stack ?? String(error) });
    console.error(`bench: ${label} failed: ${error?.stack ?? error}`);
    return undefined;
  }
};

results.size = await attempt("sizes (esbuild --bundle --minify, gzip -9)", () => sizes());
results.stub = await attempt("per-call, stub fetch", () => stubCalls({ pkg, createClient, plan }));
results.http = await attempt("per-call, loopback HTTP", () => httpCalls({ pkg, createClient, plan }));

const callMissed = ["claimTask", "finishManualTask"].some(
  (op) =>
    (results.stub && results.stub[op].oursVsRaw.median > TARGETS.stubVsRaw) ||
    (results.http && results.http[op].oursVsRaw.median > TARGETS.httpVsRaw),
);
if (callMissed || args.has("--breakdown")) {
  results.breakdown = await attempt("where the per-call time goes (stub fetch and loopback HTTP)", async () =>
    breakdown({
      pkg,
      createClient,
      openapiFetch,
      transport: await import(dist("transport.js")),
      params: await import(dist("params.js")),
      plan,
    }),
  );
}
results.prism = await attempt("Prism ready (fresh processes)", () => prismReady(plan.prism));
results.test = args.has("--skip-test-time") ? { skipped: true } : await attempt("the whole npm test (npx jest)", () => testTime());
results.loadavgAtEnd = os.loadavg().map((x) => +x.toFixed(2));
results.errors = errors;

const { table, figures, missed } = formatReport(results);
results.figures = figures;
writeFileSync(path.join(repoRoot, "bench-results.json"), `${JSON.stringify(results, null, 2)}\n`);
say("");
say(table);
say("");
say(`bench: wrote bench-results.json${missed.length ? `; missed: ${missed.join("; ")}` : "; every target met"}`);
if (asJson) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);

process.exitCode = errors.length ? 1 : args.has("--strict") && missed.length ? 1 : 0;
// Servers are closed by now; should anything still hold the event loop, end anyway.
setTimeout(() => {
  console.error("bench: something still held the event loop after the report; exiting");
  process.exit();
}, 5_000).unref();
