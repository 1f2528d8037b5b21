// A bundle of openapi/ as it is now, in a temporary folder that is removed afterwards: what lint
// gives Spectral and what check compares generated/openapi.json with.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { repoRoot, run } from "./run.mjs";

/** Calls `use` with the fresh bundle's path, or with undefined (Redocly's report already printed) when the spec does not bundle. */
export function withFreshBundle(use) {
  const dir = mkdtempSync(path.join(tmpdir(), "om-contract-bundle-"));
  try {
    const file = path.join(dir, "openapi.json");
    const bundled = run("node", [path.join(repoRoot, "scripts/bundle.mjs"), "--out", file], { capture: true });
    if (bundled.status !== 0) process.stderr.write(bundled.stdout + bundled.stderr);
    return use(bundled.status === 0 ? file : undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
