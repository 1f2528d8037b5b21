#!/usr/bin/env node
// Breaking-change gate: compares the spec as it was at a git ref (default: the newest v* tag, or
// the first commit while there is none) with the spec today, using `redocly diff` with its own
// config (scripts/redocly-diff.yaml). Exits 1 and lists every breaking change, or prints one line.
// Usage: node scripts/breaking.mjs [REF]
//        node scripts/breaking.mjs --base FILE [--head FILE]   (a bundled .json, or any spec root)
import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { run, fail, relative, repoRoot } from "./lib/run.mjs";
import { defaultRef, resolveCommit, extractSpec } from "./lib/git-spec.mjs";
import { breakingChanges, formatChange } from "./lib/diff-report.mjs";

let values, positionals;
try {
  ({ values, positionals } = parseArgs({
    options: { base: { type: "string" }, head: { type: "string" } },
    allowPositionals: true,
  }));
} catch (error) {
  fail(`${error.message}\nusage: npm run breaking -- [REF] | --base FILE [--head FILE]`);
}
if (positionals.length > 1 || (positionals.length && values.base)) {
  fail("give one git ref, or --base FILE (with an optional --head FILE), not both");
}

// fail() exits at once, so the temp dir goes on "exit" rather than in a finally block; a signal
// would skip "exit", so turn the usual ones into an exit.
const dir = mkdtempSync(path.join(tmpdir(), "om-contract-breaking-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]]) process.on(signal, () => process.exit(code));

let baseRoot, since;
if (values.base) {
  baseRoot = path.resolve(values.base);
  since = relative(baseRoot);
} else {
  const ref = positionals[0] ?? defaultRef();
  const commit = resolveCommit(ref);
  baseRoot = extractSpec(commit, ref, dir);
  // A sha (the default's first commit) reads best short; a name keeps its sha alongside.
  since = commit.startsWith(ref) ? commit.slice(0, 7) : `${ref} (${commit.slice(0, 7)})`;
}
const headRoot = path.resolve(values.head ?? path.join(repoRoot, "openapi/openapi.yaml"));
for (const file of [baseRoot, headRoot]) if (!existsSync(file)) fail(`no such file: ${relative(file)}`);

// Both sides go through the same bundler (today's scripts/bundle.mjs and redocly.yaml), so the
// diff sees spec changes only, never a change in how the spec is bundled. A JSON file given with
// --base/--head is taken as it is (a bundle already, or a fixture): bundling costs a Redocly start.
function bundle(root, name, label) {
  if (root.endsWith(".json")) return root;
  const out = path.join(dir, name);
  const result = run("node", [path.join(repoRoot, "scripts/bundle.mjs"), "--root", root, "--out", out], { capture: true });
  if (result.status !== 0) {
    process.stderr.write(result.stdout + result.stderr);
    fail(`could not bundle ${label} (see Redocly's report above)`);
  }
  return out;
}
const base = bundle(baseRoot, "base.json", `the spec at ${since}`);
const head = bundle(headRoot, "head.json", values.head ? relative(headRoot) : "today's spec");

const reportFile = path.join(dir, "diff.json");
const diff = run(
  "redocly",
  ["diff", base, head, "--config", path.join(repoRoot, "scripts/redocly-diff.yaml"), "--lint-config", "error",
    "--fail-on", "major", "--format", "json", "--output", reportFile],
  { capture: true },
);
if (!existsSync(reportFile)) {
  process.stderr.write(diff.stdout + diff.stderr);
  fail("redocly diff produced no report (see its output above)");
}

const report = JSON.parse(readFileSync(reportFile, "utf8"));
const specs = { base: JSON.parse(readFileSync(base, "utf8")), head: JSON.parse(readFileSync(head, "utf8")) };
const breaking = breakingChanges(report, specs);

if (breaking.length) {
  console.log(`${breaking.length} breaking change${breaking.length === 1 ? "" : "s"} since ${since}:`);
  for (const change of breaking) console.log(`  - ${formatChange(change)}`);
  process.exit(1);
}
// redocly can fail without a major change (e.g. the revision does not resolve): never pass that.
if (diff.status !== 0) {
  process.stderr.write(diff.stdout + diff.stderr);
  fail("redocly diff failed without naming a breaking change (see its output above)");
}
const others = report.changes.length;
console.log(`no breaking changes since ${since}${others ? ` (${others} non-breaking change${others === 1 ? "" : "s"})` : ""}`);
