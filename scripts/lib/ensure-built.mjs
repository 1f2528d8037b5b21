// The one place that decides whether dist/ must be built again: `npm start`, verify, bench and the
// jest setup all go through it, so none of them tests or serves a stale build, and none rebuilds
// one that is current.
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { fail, repoRoot, run } from "./run.mjs";

/** What dist/ is made from: a change to any of these makes it stale. */
const INPUTS = ["src", "generated", "tsconfig.build.json", "package.json", "scripts/build.mjs"];
/** Written by scripts/build.mjs when a build is complete. */
export const STAMP = "dist/.built";

/** Whether dist/ is missing, or older than anything it is made from. */
export function isStale() {
  let built;
  try {
    built = statSync(path.join(repoRoot, STAMP)).mtimeMs;
  } catch {
    return true;
  }
  const stack = INPUTS.map((f) => path.join(repoRoot, f));
  while (stack.length > 0) {
    const entry = stack.pop();
    const stats = statSync(entry, { throwIfNoEntry: false });
    if (!stats) continue;
    if (stats.isDirectory()) stack.push(...readdirSync(entry).map((name) => path.join(entry, name)));
    else if (stats.mtimeMs > built) return true;
  }
  return false;
}

/** Builds dist/ when it is stale; says so on stderr, and exits with the build's report if it fails. */
export function ensureBuilt() {
  if (!isStale()) return;
  console.error("dist/ is missing or older than src/ or generated/: building it (npm run build)…");
  const built = run("node", ["scripts/build.mjs"], { capture: true });
  if (built.status !== 0) fail(`building dist/ failed:\n${built.stdout}${built.stderr}`);
}

/** A module of dist/esm (such as "src/auth.js"), built first when stale. */
export async function loadBuilt(file) {
  ensureBuilt();
  return import(pathToFileURL(path.join(repoRoot, "dist/esm", file)).href);
}
