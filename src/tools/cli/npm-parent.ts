// Run by npm (`npm start`, `npx`, a package.json script), the bin is npm's grandchild, not its
// child: npm runs a script through `sh -c`, and dash (Debian's and Ubuntu's sh) does not exec the
// command. npm forwards a SIGTERM to that shell, which dies without passing it on; this process is
// re-parented and would go on serving, holding its port and the pipes of whoever started npm. So,
// run by npm, the bin takes its parent's death for the SIGTERM it never got.
//
// The parent must be read before it can die: at this module's evaluation (src/cli.ts imports it
// first, before any slow import), or earlier by scripts/cli.mjs (which may build dist/ first) and
// handed over through PARENT_KEY. Read any later, after a SIGTERM has already killed the shell, it
// would be the new parent and the watch would never fire: npm's mock was left running when a SIGTERM
// came while Prism was loading, or on a loaded machine between its banner and that read. A parent
// that died even earlier, during Node's own start-up, leaves init (pid 1) as the first parent read:
// on Linux that is taken as an orphan unless pid 1 is npm itself (a container's `npm start` or
// `npx`, with a shell that execs). Elsewhere, or under a subreaper, that first window stays open.
import { readFileSync } from "node:fs";

const PARENT_KEY = Symbol.for("operations-manager-tasks-contract.parent-pid");

const handedOver = (globalThis as Record<symbol, unknown>)[PARENT_KEY];
const parentAtStart = typeof handedOver === "number" ? handedOver : process.ppid;

/** Whether init adopted this process before its parent was read: pid 1 is not npm (or its node). */
const adoptedByInit = ((): boolean => {
  if (parentAtStart !== 1 || process.platform !== "linux") return false;
  try {
    return !/\b(node|npm|npx)\b/.test(readFileSync("/proc/1/cmdline", "latin1"));
  } catch {
    return false;
  }
})();

/**
 * When run by npm (`npm_lifecycle_event` is set), sends this process a SIGTERM as soon as the parent
 * it started with is gone: the mock's handler then closes it, and a command with no handler ends
 * (Node's default). The poll is unref'd: it never keeps the process up.
 */
export function stopWhenNpmParentDies(env: NodeJS.ProcessEnv, everyMs = 200): void {
  if (!env.npm_lifecycle_event) return;
  const orphaned = () => process.ppid !== parentAtStart || adoptedByInit;
  if (orphaned()) {
    process.kill(process.pid, "SIGTERM");
    return;
  }
  const watch = setInterval(() => {
    if (!orphaned()) return;
    clearInterval(watch);
    process.kill(process.pid, "SIGTERM");
  }, everyMs);
  watch.unref();
}
