// A throw-away copy of the repository's spec tooling, so that tests can break files freely.
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { repoRoot } from "./spec";

const COPIED = ["openapi", "generated", "scripts", "redocly.yaml", "package.json"];

export function makeSandbox(): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), "om-contract-sandbox-"));
  for (const entry of COPIED) cpSync(path.join(repoRoot, entry), path.join(dir, entry), { recursive: true });
  symlinkSync(path.join(repoRoot, "node_modules"), path.join(dir, "node_modules"), "dir");
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export type Run = { code: number; stdout: string; stderr: string };

export function runNode(cwd: string, script: string, args: string[] = [], timeout = 120_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script, ...args], { cwd, timeout, env: { ...process.env, NO_COLOR: "1" } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}
