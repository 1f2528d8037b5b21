// A throw-away copy of the repository's spec tooling, so that tests can break files freely.
import { cpSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { run, type Run } from "./children";
import { repoRoot } from "./spec";

export type { Run };

const COPIED = ["openapi", "generated", "scripts", "redocly.yaml", ".spectral.yaml", "package.json"];

export function makeSandbox(extra: string[] = []): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), "om-contract-sandbox-"));
  for (const entry of [...COPIED, ...extra])
    cpSync(path.join(repoRoot, entry), path.join(dir, entry), { recursive: true });
  symlinkSync(path.join(repoRoot, "node_modules"), path.join(dir, "node_modules"), "dir");
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs a node script of the sandbox (or the repository) as `npm run` would. */
export function runNode(cwd: string, script: string, args: string[] = [], timeout = 120_000): Promise<Run> {
  return run(process.execPath, [script, ...args], { cwd, timeout });
}
