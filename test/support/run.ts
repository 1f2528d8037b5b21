// Runs a command to completion and keeps what it printed: how the tests run scripts as users do.
import { execFile } from "node:child_process";

export type Run = { code: number | null; stdout: string; stderr: string };

export type RunOptions = {
  cwd: string;
  /** Added to this process's environment; a variable set to undefined is removed. */
  env?: Record<string, string | undefined>;
  timeout?: number;
};

/** Never rejects: `code` is the exit status, or null when the child was killed (a timeout, a signal). */
export function run(file: string, args: string[], { cwd, env = {}, timeout = 120_000 }: RunOptions): Promise<Run> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", ...env };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete childEnv[name];
  return new Promise((resolve) => {
    execFile(file, args, { cwd, env: childEnv, timeout }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout, stderr });
    });
  });
}
