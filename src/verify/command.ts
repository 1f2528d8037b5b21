// `operations-manager-tasks-contract verify --upstream <url>`: provider verification. Prism runs as
// a validating proxy in front of a real Itential platform; each operation is called once through
// it and the platform's real answer is reported as keeping the contract or not. The parts:
// options (argv and environment), auth (the environment as the client's auth options), run (Prism
// and the calls), classify (the verdict on each answer), report (lines or --json), operations
// (what is called, from the spec).
import type { Output } from "../cli/usage.js";
import { createRedactor } from "../redaction.js";
import { report } from "./report.js";
import { startProxy, verifyAll } from "./run.js";
import { VERIFY_USAGE, verifyOptions } from "./options.js";

/** Runs verify; resolves to its exit status (0 every operation passed, 1 otherwise). Bad usage throws a UsageError (2). */
export async function verifyCommand(args: string[], env: NodeJS.ProcessEnv, output: Output): Promise<number> {
  const opts = verifyOptions(args, env);
  if (opts === "help") {
    output.out(VERIFY_USAGE);
    return 0;
  }
  const statuses: number[] = [];
  let server;
  try {
    server = await startProxy(opts, statuses);
  } catch (error) {
    // The credentials are not in Prism's hands yet; its message (Prism missing, a port) has none.
    output.err(`error: Prism could not start: ${(error as Error)?.message ?? String(error)}`);
    return 1;
  }
  let verification;
  try {
    verification = await verifyAll(opts, server, statuses);
  } finally {
    // A platform that never answers would hold close() open; the verdict is known by now.
    await Promise.race([server.close().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
  }
  const { text, ok } = report(verification.results, opts);
  output.out(createRedactor(verification.secrets)(text));
  return ok ? 0 : 1;
}
