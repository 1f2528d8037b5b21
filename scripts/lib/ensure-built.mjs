// Builds dist/ when it is stale (the rule: build-stamp.cjs): `npm start`, verify, bench and the
// jest setup all go through it, so none of them tests or serves a stale build, and none rebuilds
// one that is current.
import path from "node:path";
import { pathToFileURL } from "node:url";
import { isStale } from "./build-stamp.cjs";
import { fail, repoRoot, run } from "./run.mjs";

/** Builds dist/ when it is stale; says so on stderr, and exits with the build's report if it fails. */
export function ensureBuilt() {
  if (!isStale()) return;
  console.error("dist/ is missing or older than src/ or generated/: building it (npm run build)…");
  const built = run("node", ["scripts/build.mjs"], { capture: true });
  if (built.status !== 0) fail(`building dist/ failed:\n${built.stdout}${built.stderr}`);
}

/** A module of dist/esm (such as "src/auth/authenticator.js"), built first when stale. */
export async function loadBuilt(file) {
  ensureBuilt();
  return import(pathToFileURL(path.join(repoRoot, "dist/esm", file)).href);
}
