// The spec as it was at a git ref: which ref to compare with, and its openapi/ written to a directory.
import { spawnSync } from "node:child_process";
import { fail, repoRoot } from "./run.mjs";

const SPEC_ROOT = "openapi/openapi.yaml";

function git(args, { input, encoding = "utf8" } = {}) {
  const result = spawnSync("git", args, { cwd: repoRoot, input, encoding, maxBuffer: 256 * 1024 * 1024 });
  if (result.error) fail(`could not run git: ${result.error.message}`);
  return result;
}

/** The newest release tag (v*), or the first commit while there is none. */
export function defaultRef() {
  const tag = git(["describe", "--tags", "--abbrev=0", "--match", "v*"]);
  if (tag.status === 0) return tag.stdout.trim();
  // In a shallow clone the oldest commit present has no parents either, so this still answers;
  // with several roots (merged histories) rev-list lists the oldest last.
  const roots = git(["rev-list", "--max-parents=0", "HEAD"]);
  const oldest = roots.status === 0 ? roots.stdout.trim().split("\n").at(-1) : "";
  if (!oldest) fail(`no release tag and no commit to compare with (${repoRoot} is not a git repository with commits)`);
  if (git(["rev-parse", "--is-shallow-repository"]).stdout.trim() === "true") {
    console.error(
      `note: shallow clone without v* tags: comparing with the oldest commit present, ${oldest.slice(0, 7)}`,
    );
  }
  return oldest;
}

/** The commit a ref names; fails with one clear line when it names none. */
export function resolveCommit(ref) {
  return commitOf(ref) ?? fail(`unknown git ref ${ref}`);
}

/** The commit a ref names, or undefined when it names none here (say, a sha from another clone). */
export function commitOf(ref) {
  // A ref starting with "-" would be read as an option by git.
  if (ref.startsWith("-")) return undefined;
  const result = git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** Writes openapi/ as it was at `commit` under `dir`; returns the path of its root file there. */
export function extractSpec(commit, ref, dir) {
  if (git(["cat-file", "-e", `${commit}:${SPEC_ROOT}`]).status !== 0) {
    fail(`openapi/ does not exist at ${ref} (no ${SPEC_ROOT} there), so there is no spec to compare with`);
  }
  const archive = git(["archive", "--format=tar", commit, "openapi"], { encoding: "buffer" });
  if (archive.status !== 0) fail(`git archive ${ref} failed: ${archive.stderr.toString().trim()}`);
  const untar = spawnSync("tar", ["-x", "-C", dir], { input: archive.stdout, encoding: "utf8" });
  if (untar.error || untar.status !== 0)
    fail(`could not unpack openapi/ of ${ref}: ${untar.error?.message ?? untar.stderr.trim()}`);
  return `${dir}/${SPEC_ROOT}`;
}
