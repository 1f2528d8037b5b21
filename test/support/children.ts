// Every child process a test starts is started here, and nowhere else: each is the leader of a
// process group of its own (detached), registered with the test environment (environment.cjs),
// which ends the whole group (kill -pgid, by pid) after the test that started it, or after the
// file when it was started outside a test (beforeAll). A group still running then fails that test
// (or the file) naming each process left; the global teardown fails the run on any process that
// carries this run's marker in its environment, even one that left its group.
import { spawn, type ChildProcess } from "node:child_process";
import { groupGone } from "./process-groups.cjs";

export type Run = { code: number | null; stdout: string; stderr: string };

export type StartOptions = {
  cwd: string;
  /** Added to this process's environment; a variable set to undefined is removed. */
  env?: Record<string, string | undefined>;
};

export type RunOptions = StartOptions & { timeout?: number };

/** What the environment reads: each child's group, what it is, and the test that started it. */
export type Registered = { pgid: number; what: string; test: number | undefined };
const scope = globalThis as unknown as {
  __omChildren?: Registered[];
  __omCurrentTest?: number;
  __omNoChildren?: boolean;
};

/** The environment a child gets: this one's (with the run's marker) plus `env`, undefined removing. */
function childEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const merged: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", ...env };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete merged[name];
  // The global teardown finds a leftover by it, so no test may drop it.
  if (process.env.OM_TEST_RUN) merged.OM_TEST_RUN = process.env.OM_TEST_RUN;
  return merged;
}

/** Starts `file args` as the leader of a new process group, stdout and stderr piped, no stdin. */
export function start(file: string, args: string[], { cwd, env = {} }: StartOptions): ChildProcess & { pid: number } {
  if (scope.__omNoChildren)
    throw new Error(`a unit test starts no child process (${file}): list the file in another tier (jest.config.js)`);
  const child = spawn(file, args, { cwd, env: childEnv(env), stdio: ["ignore", "pipe", "pipe"], detached: true });
  if (child.pid === undefined) throw new Error(`could not start ${file}`);
  (scope.__omChildren ??= []).push({
    pgid: child.pid,
    what: [file, ...args].join(" ").slice(0, 200),
    test: scope.__omCurrentTest,
  });
  return child as ChildProcess & { pid: number };
}

/** What is still running in `child`'s process group after up to `ms` ("pid command" each). */
export function leftInGroup(child: ChildProcess & { pid: number }, ms: number): Promise<string[]> {
  return groupGone(child.pid, ms);
}

/**
 * How `child` exited (at once if it has already), or "still running" when it has not within `ms`.
 * Only the child itself: `leftInGroup` says whether its group went too.
 */
export function exitWithin(
  child: ChildProcess,
  ms: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null } | "still running"> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve("still running"), ms).unref();
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

/** Sends `signal` to `child`'s whole group and waits up to `ms` for it to end; resolves what is left. */
export function stopGroup(
  child: ChildProcess & { pid: number },
  signal: NodeJS.Signals = "SIGTERM",
  ms = 10_000,
): Promise<string[]> {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: already gone.
  }
  return groupGone(child.pid, ms);
}

/**
 * Runs a command to completion and keeps what it printed: how the tests run scripts as users do.
 * Never rejects: `code` is the exit status, or null when the child was killed (a timeout, a
 * signal). A timeout ends the child's whole group.
 */
export function run(file: string, args: string[], { cwd, env = {}, timeout = 120_000 }: RunOptions): Promise<Run> {
  const child = start(file, args, { cwd, env });
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => {
    let code: number | null = null;
    const done = () => {
      clearTimeout(timer);
      clearTimeout(closing);
      resolve({ code, stdout, stderr });
    };
    const timer = setTimeout(() => void stopGroup(child, "SIGKILL", 5000), timeout);
    let closing: NodeJS.Timeout | undefined;
    child.once("error", (error) => {
      stderr += String(error);
      done();
    });
    child.once("exit", (exitCode) => {
      code = exitCode;
      // The pipes close once every process holding them has gone; one left behind must not hang
      // the test (the environment names it after the test).
      closing = setTimeout(done, 2000);
    });
    child.once("close", done);
  });
}
