#!/usr/bin/env node
// Breaking-change gate: compares the spec as it was at a git ref (default: the newest v* tag, or
// the first commit while there is none) with the spec today, using `redocly diff` with its own
// config (scripts/redocly-diff.yaml). Exits 1 and lists every breaking change, or prints one line.
// Breaking changes listed in scripts/breaking-accepted.jsonc (reviewed, each with a reason, against
// one base commit) are printed as "accepted: …" and do not fail; an entry there that matches no
// change fails the gate as stale. The list applies only when comparing with its base commit.
// Usage: node scripts/breaking.mjs [REF] [--accepted FILE]
//        node scripts/breaking.mjs --base FILE [--head FILE]   (a bundled .json, or any spec root)
import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { run, fail, relative, repoRoot } from "./lib/run.mjs";
import { commitOf, defaultRef, resolveCommit, extractSpec } from "./lib/git-spec.mjs";
import { breakingChanges, gateVerdict, parseAccepted } from "./lib/diff-report.cjs";

const ACCEPTED_FILE = path.join(repoRoot, "scripts/breaking-accepted.jsonc");
const USAGE = "usage: npm run breaking -- [REF] [--accepted FILE] | --base FILE [--head FILE]";

let values, positionals;
try {
  ({ values, positionals } = parseArgs({
    options: { base: { type: "string" }, head: { type: "string" }, accepted: { type: "string" } },
    allowPositionals: true,
  }));
} catch (error) {
  fail(`${error.message}\n${USAGE}`);
}
if (positionals.length > 1 || (positionals.length && values.base)) {
  fail("give one git ref, or --base FILE (with an optional --head FILE), not both");
}
// The list is accepted against a commit; a base file is no commit, so it cannot apply there.
if (values.accepted && values.base) fail(`--accepted applies to a git ref, not to --base FILE\n${USAGE}`);

/** The allow-list, read (and checked) before anything slow; an absent default file is an empty list. */
function readAcceptedList() {
  const file = path.resolve(values.accepted ?? ACCEPTED_FILE);
  if (!existsSync(file)) {
    if (values.accepted) fail(`no such file: ${relative(file)}`);
    return { file, base: undefined, entries: [] };
  }
  try {
    return { file, ...parseAccepted(readFileSync(file, "utf8"), relative(file)) };
  } catch (error) {
    return fail(error.message);
  }
}
const acceptedList = values.base ? { entries: [] } : readAcceptedList();

// fail() exits at once, so the temp dir goes on "exit" rather than in a finally block; a signal
// would skip "exit", so turn the usual ones into an exit.
const dir = mkdtempSync(path.join(tmpdir(), "om-contract-breaking-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
for (const [signal, code] of [
  ["SIGINT", 130],
  ["SIGTERM", 143],
])
  process.on(signal, () => process.exit(code));

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
  // Changes accepted against another base (an earlier release, or a commit this clone lacks) say
  // nothing about this comparison: they are not used, and not stale either; say so once.
  if (acceptedList.entries.length && commitOf(acceptedList.base) !== commit) {
    const n = acceptedList.entries.length;
    const base = /^[0-9a-f]{8,40}$/.test(acceptedList.base) ? acceptedList.base.slice(0, 7) : acceptedList.base;
    console.error(
      `note: the ${n} change${n === 1 ? "" : "s"} accepted in ${relative(acceptedList.file)} ${n === 1 ? "is" : "are"} against ${base}, not ${since}: not used here`,
    );
    acceptedList.entries = [];
  }
}
const headRoot = path.resolve(values.head ?? path.join(repoRoot, "openapi/openapi.yaml"));
for (const file of [baseRoot, headRoot]) if (!existsSync(file)) fail(`no such file: ${relative(file)}`);

// Both sides go through the same bundler (today's scripts/bundle.mjs and redocly.yaml), so the
// diff sees spec changes only, never a change in how the spec is bundled. A JSON file given with
// --base/--head is taken as it is (a bundle already, or a fixture): bundling costs a Redocly start.
function bundle(root, name, label) {
  if (root.endsWith(".json")) return root;
  const out = path.join(dir, name);
  const result = run("node", [path.join(repoRoot, "scripts/bundle.mjs"), "--root", root, "--out", out], {
    capture: true,
  });
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
  [
    "diff",
    base,
    head,
    "--config",
    path.join(repoRoot, "scripts/redocly-diff.yaml"),
    "--lint-config",
    "error",
    "--fail-on",
    "major",
    "--format",
    "json",
    "--output",
    reportFile,
  ],
  { capture: true },
);
if (!existsSync(reportFile)) {
  process.stderr.write(diff.stdout + diff.stderr);
  fail("redocly diff produced no report (see its output above)");
}

const report = JSON.parse(readFileSync(reportFile, "utf8"));
const specs = { base: JSON.parse(readFileSync(base, "utf8")), head: JSON.parse(readFileSync(head, "utf8")) };
const verdict = gateVerdict({
  changes: breakingChanges(report, specs),
  entries: acceptedList.entries,
  since,
  listFile: acceptedList.file && relative(acceptedList.file),
  others: report.changes.filter((change) => change.impact !== "major").length,
});
// redocly can fail without a major change (e.g. the revision does not resolve): never pass that.
// With --fail-on major it also exits non-zero for accepted changes, which is expected.
if (!verdict.failed && diff.status !== 0 && !report.changes.some((change) => change.impact === "major")) {
  process.stderr.write(diff.stdout + diff.stderr);
  fail("redocly diff failed without naming a breaking change (see its output above)");
}
for (const line of verdict.lines) console.log(line);
process.exitCode = verdict.failed ? 1 : 0;
