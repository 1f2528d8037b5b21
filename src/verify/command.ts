// `operations-manager-tasks-contract verify --upstream <url>`: provider verification. Prism runs as
// a validating proxy in front of a real Itential platform; each operation is called once through
// it and the platform's real answer is reported as keeping the contract or not. With --record,
// a tap between Prism and the platform keeps each answer as the platform gave it, and the answers
// are written as recordings with a drift report; --from judges recordings again. The parts:
// options (argv and environment), auth (the environment as the client's auth options), run (Prism
// and the calls), classify (the verdict on each answer), report (lines or --json), operations
// (what is called, from the spec), from (recordings judged again); ../recording/ writes them.
import type { Output } from "../cli/usage.js";
import { createRedactor } from "../redaction.js";
import { personalScrubber } from "../recording/personal.js";
import { driftLines, operationFor, toRecording, writeRecordings, type RecordedAnswer } from "../recording/record.js";
import { startTap, type Tapped } from "../recording/tap.js";
import { judgeRecordings } from "./from.js";
import { report } from "./report.js";
import { startProxy, verifyAll } from "./run.js";
import { VERIFY_USAGE, verifyOptions, type VerifyOptions } from "./options.js";

/** Runs verify; resolves to its exit status (0 every operation passed, 1 otherwise). Bad usage throws a UsageError (2). */
export async function verifyCommand(args: string[], env: NodeJS.ProcessEnv, output: Output): Promise<number> {
  const opts = verifyOptions(args, env);
  if (opts === "help") {
    output.out(VERIFY_USAGE);
    return 0;
  }
  if ("from" in opts) {
    const { text, ok } = report(judgeRecordings(opts.from), { json: opts.json, upstream: `recordings in ${opts.from}` });
    output.out(text);
    return ok ? 0 : 1;
  }
  // Always between Prism and the platform: it keeps each answer for --record, and it answers a
  // redirect instead of letting Prism follow it (Prism would re-send the POST to wherever it points
  // and report that host's answer as the platform's).
  const tapped: Tapped[] = [];
  const tap = await startTap(
    opts.upstream,
    (answer) => {
      if (opts.record) tapped.push(answer);
    },
    opts.timeout * 1000,
  );
  const statuses: number[] = [];
  let server;
  try {
    server = await startProxy(opts, statuses, tap.url);
  } catch (error) {
    await tap.close();
    // The credentials are not in Prism's hands yet; its message (Prism missing, a port) has none.
    output.err(`error: Prism could not start: ${(error as Error)?.message ?? String(error)}`);
    return 1;
  }
  let verification;
  try {
    verification = await verifyAll(opts, server, statuses);
  } finally {
    // A platform that never answers would hold close() open; the verdict is known by now.
    await Promise.race([Promise.all([server.close(), tap.close()]).catch(() => {}), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
  }
  const redact = createRedactor(verification.secrets);
  const { text, ok } = report(verification.results, opts);
  if (!opts.record) {
    output.out(redact(text));
    return ok ? 0 : 1;
  }
  // Recording promises no personal value either: what names a person in one answer is scrubbed
  // from every answer written and from what is printed (a message that names the user, say).
  const { lines, people } = record(opts.record, tapped, verification, opts);
  output.out(people(redact(text)));
  output.out(people(redact(lines.join("\n"))));
  return ok ? 0 : 1;
}

/**
 * Writes what the tap kept as recordings, each with the verdict on its operation; returns the drift
 * report's lines, and a redactor of the personal values found.
 */
function record(where: NonNullable<VerifyOptions["record"]>, tapped: readonly Tapped[], verification: Awaited<ReturnType<typeof verifyAll>>, opts: VerifyOptions) {
  const personal = personalScrubber(where.redact);
  const found = tapped.flatMap((answer) => {
    const operationId = operationFor(answer.method, answer.path);
    if (!operationId) return [];
    const verdict = verification.results.find((r) => r.operationId === operationId) ?? { result: "error", violations: [] };
    const recorded: RecordedAnswer = { ...answer, operationId };
    return [toRecording(recorded, verdict, where.label, verification.secrets, personal)];
  });
  // The people's values found anywhere are scrubbed everywhere: a user name under `owner`, in a message.
  const operator = opts.auth.options && "username" in opts.auth.options ? [opts.auth.options.username] : [];
  const people = createRedactor([...personal.originals(), ...operator]);
  const recordings = found.map((r) => ({ ...r, path: people(r.path), body: people(r.body), violations: people(r.violations) }));
  const entries = writeRecordings(where.dir, recordings);
  const lines = [`recorded ${recordings.length} answer(s) of ${opts.upstream} in ${where.dir} as ${where.label}; drift report: ${where.dir}/report.json`, ...driftLines(entries)];
  return { lines, people };
}
