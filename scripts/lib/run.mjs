// Small helpers shared by the scripts: run a local binary, fail with one clear line.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { repoRoot } from "./spec.cjs";

export { repoRoot };

export function relative(file) {
  return path.relative(process.cwd(), path.resolve(file)) || ".";
}

/** Runs node, or a binary from node_modules/.bin; output passed through unless `capture` is set. */
export function run(bin, args, { capture = false, env } = {}) {
  const command = bin === "node" ? process.execPath : path.join(repoRoot, "node_modules", ".bin", bin);
  const result = spawnSync(command, args, {
    cwd: repoRoot,
    stdio: capture ? ["ignore", "pipe", "pipe"] : "inherit",
    encoding: "utf8",
    env: { ...process.env, NO_UPDATE_NOTIFIER: "1", REDOCLY_TELEMETRY: "off", ...env },
  });
  if (result.error) fail(`could not run ${bin}: ${result.error.message}`);
  return result;
}

export function fail(message) {
  console.error(`error: ${message}`);
  process.exit(1);
}
