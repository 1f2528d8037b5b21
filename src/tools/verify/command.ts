// `operations-manager-tasks-contract verify --upstream <url>`: provider verification. Prism runs as
// a validating proxy in front of a real Itential platform; each operation is called once through
// it and the platform's real answer is reported as keeping the contract or not, each line as its
// call ends. With --record, a tap between Prism and the platform keeps each answer as the platform
// gave it, and the answers are written as recordings with a drift report; --from judges recordings
// again, with the same report. The parts: options (argv and environment), auth (the environment
// as the client's auth options), run (Prism and the calls), classify (the verdict on each answer),
// report (lines or --json), operations (what is called, from the spec), from (recordings judged
// again); ../recording/ writes them.
import type { Output } from "../usage.js";
import { UsageError } from "../usage.js";
import { closeWithin } from "../close-within.js";
import { createRedactor } from "../../errors/redaction/redactor.js";
import { personalScrubber, type PersonalScrubber } from "../recording/personal.js";
import { driftReport, type DriftEntry } from "../recording/drift.js";
import { openRecordDir, type RecordDir } from "../recording/record-dir.js";
import type { RecordedAnswer } from "../recording/format.js";
import { toRecording } from "../recording/to-recording.js";
import { writeRecordings } from "../recording/write-recordings.js";
import { startTap, type NotTaken, type Tapped } from "../recording/tap.js";
import { parseJson } from "../../util/values.js";
import { platformWords, type VerifyResult } from "./classify.js";
import { judgeRecordings } from "./from.js";
import { operationFor } from "./operations.js";
import { allPassed, driftReportLines, resultLines, summaryLine, verdictLine } from "./report.js";
import { startProxy, verifyAll, type Upstream, type Verification } from "./run.js";
import { VERIFY_USAGE, verifyOptions, type FromOptions, type VerifyOptions } from "./arguments.js";

/** Runs verify; resolves to its exit status (0 every operation passed, 1 otherwise). Bad usage throws a UsageError (2). */
export async function verifyCommand(args: string[], env: NodeJS.ProcessEnv, output: Output): Promise<number> {
  const opts = verifyOptions(args, env);
  if (opts === "help") {
    output.out(VERIFY_USAGE);
    return 0;
  }
  if ("from" in opts) return fromCommand(opts, output);
  // The calls are real and cannot be repeated: where the recordings go is checked first, and held
  // open, so that the files go into the folder checked whatever its name points to later.
  let folder: RecordDir | undefined;
  if (opts.record) {
    const opened = openRecordDir(opts.record.dir);
    if (typeof opened === "string") throw new UsageError(`--record: ${opened}`, "verify");
    folder = opened;
  }
  try {
    return await verifyRun(opts, output, folder);
  } finally {
    folder?.close();
  }
}

async function verifyRun(opts: VerifyOptions, output: Output, folder: RecordDir | undefined): Promise<number> {
  // Recording promises no personal value either: what names a person in one answer is scrubbed
  // from every answer written and from what is printed (a message that names the user, say). The
  // values are learnt from each answer as the tap hands it over; a later answer may name a person
  // an earlier one quoted, so the lines printed as calls end carry none of the answers' words.
  const personal = opts.record ? personalScrubber(opts.record.redact) : undefined;
  const operator = opts.auth.options && "username" in opts.auth.options ? opts.auth.options.username : undefined;
  if (personal && operator) personal({ username: operator });
  // Always between Prism and the platform: it keeps each answer for --record, it answers a
  // redirect instead of letting Prism follow it (Prism would re-send the POST to wherever it points
  // and report that host's answer as the platform's), and it says when the platform gave no answer.
  const tapped: Tapped[] = [];
  const upstream: Upstream = { statuses: [], noAnswers: [], tooLarge: [], answers: [] };
  // Answers our own processing failed on: received, relayed and judged, but not recorded whole.
  const unprocessed: NotTaken[] = [];
  const tap = await startTap(
    opts.upstream,
    (answer, headers) => {
      // Kept for the verdict: were Prism to fail on this answer, the answer itself is judged.
      upstream.answers!.push({ status: answer.status, headers: headersOf(headers), text: answer.text });
      if (!opts.record) return;
      tapped.push(answer);
      const parsed = parseJson(answer.text);
      if (parsed !== null && typeof parsed === "object") personal?.(parsed);
    },
    opts.timeout * 1000,
    {
      onNoAnswer: (failure) => upstream.noAnswers.push(failure.reason),
      onNotTaken: (answer) => {
        if (answer.tooLarge !== undefined)
          upstream.tooLarge!.push({ status: answer.status, maxBytes: answer.tooLarge });
        else unprocessed.push(answer);
      },
    },
  );
  let server;
  try {
    server = await startProxy(opts, upstream.statuses, tap.url);
  } catch (error) {
    await tap.close();
    // The credentials are not in Prism's hands yet; its message (Prism missing, a port) has none.
    output.err(`error: Prism could not start: ${(error as Error)?.message ?? String(error)}`);
    return 1;
  }
  const clean = (result: VerifyResult) => cleanResult(result, personal);
  let verification: Verification;
  try {
    verification = await verifyAll(opts, server, upstream, {
      onResult: (result, secrets) => {
        if (!opts.json)
          output.out(
            createRedactor([...secrets])(
              opts.record ? verdictLine(clean(result)) : resultLines(result, opts.verbose).join("\n"),
            ),
          );
      },
      ...(opts.verbose ? { step: (text: string) => output.err(`verify: ${text}`) } : {}),
    });
  } finally {
    // A platform that never answers would hold close() open; the verdict is known by now.
    await closeWithin(2000, server.close(), tap.close());
  }
  const redact = createRedactor(verification.secrets);
  const results = verification.results.map(clean);
  let ok = allPassed(results);
  const written = opts.record ? record(opts.record, folder!, tapped, verification, personal!) : undefined;
  if (written) {
    // The platform answered these; verify failed on them (our failure, named as such).
    // What failed may quote the answer: scrubbed, then cut.
    const words = platformWords(verification.secrets);
    const fails = unprocessed.map(
      (a) =>
        `verify could not process the platform's ${a.status} answer to ${a.method} ${a.path} (${words(a.failed, 200)}); it was judged, its recording may be missing`,
    );
    written.failures.unshift(...fails);
    if (written.failures.length) ok = false;
  }
  if (opts.json) {
    const drift = written && {
      dir: opts.record!.dir,
      label: opts.record!.label,
      notWritten: written.failures,
      ...driftReport(written.entries),
    };
    output.out(
      redact(
        JSON.stringify(
          { upstream: opts.upstream, ok, operations: results, ...(drift ? { recorded: drift } : {}) },
          null,
          2,
        ),
      ),
    );
    return ok ? 0 : 1;
  }
  // While recording, what each answer said comes now, scrubbed of every person any answer named.
  const details = opts.record ? results.filter((r) => verdictLine(r).endsWith("(details below)")) : [];
  if (details.length)
    output.out(
      redact(personal!.inText(["details:", ...details.flatMap((r) => resultLines(r, opts.verbose))].join("\n"))),
    );
  output.out(summaryLine(results));
  if (written && opts.record) {
    const lines = [
      `recorded ${written.written} answer(s) of ${opts.upstream} in ${opts.record.dir} as ${opts.record.label}; drift report: ${opts.record.dir}/report.json`,
      ...written.failures.map((f) => `ERROR ${f}`),
      ...driftReportLines(driftReport(written.entries), opts.verbose),
    ];
    output.out(redact(personal!.inText(lines.join("\n"))));
  }
  return ok ? 0 : 1;
}

/** `verify --from DIR`: the recordings judged again, with the report --record prints. */
function fromCommand(opts: FromOptions, output: Output): number {
  const { results, entries } = judgeRecordings(opts.from);
  const ok = allPassed(results);
  const drift = driftReport(entries);
  if (opts.json) {
    output.out(
      JSON.stringify(
        {
          upstream: `recordings in ${opts.from}`,
          ok,
          operations: results,
          recorded: { dir: opts.from, ...drift, answers: entries },
        },
        null,
        2,
      ),
    );
    return ok ? 0 : 1;
  }
  output.out(
    [
      ...results.flatMap((r) => resultLines(r, opts.verbose)),
      summaryLine(results),
      ...driftReportLines(drift, opts.verbose),
    ].join("\n"),
  );
  return ok ? 0 : 1;
}

/** A verdict with the people's values found so far replaced in its words (never in its paths): printed as clean as written. */
function cleanResult(result: VerifyResult, personal: PersonalScrubber | undefined): VerifyResult {
  if (!personal) return result;
  return {
    ...result,
    path: personal.inText(result.path),
    ...(result.error === undefined ? {} : { error: personal.inText(result.error) }),
    ...(result.reason === undefined ? {} : { reason: personal.inText(result.reason) }),
    violations: result.violations.map((v) => ({ ...v, message: personal.inText(v.message) })),
  };
}

/** Writes what the tap kept as recordings, each with the verdict on its operation; returns the drift entries and the files not written. */
function record(
  where: NonNullable<VerifyOptions["record"]>,
  folder: RecordDir,
  tapped: readonly Tapped[],
  verification: Verification,
  personal: PersonalScrubber,
): { entries: DriftEntry[]; failures: string[]; written: number } {
  const failures: string[] = [];
  // One file per operation and status: were a call answered twice (a retried token request), the
  // last answer is the one judged, and the one written (files are never written over).
  const last = new Map<string, Tapped>();
  for (const answer of tapped) last.set(`${operationFor(answer.method, answer.path)} ${answer.status}`, answer);
  const found = [...last.values()].flatMap((answer) => {
    const operationId = operationFor(answer.method, answer.path);
    if (!operationId) return [];
    const verdict = verification.results.find((r) => r.operationId === operationId) ?? {
      result: "error",
      violations: [],
    };
    const recorded: RecordedAnswer = { ...answer, operationId };
    try {
      return [toRecording(recorded, verdict, where.label, verification.secrets, personal)];
    } catch (error) {
      // Our own processing failed (an answer too odd to scrub): nothing unscrubbed is written.
      failures.push(
        `the ${operationId} ${answer.status} answer was not written (verify could not scrub it: ${platformWords(verification.secrets)(String((error as Error)?.message ?? error), 200)})`,
      );
      return [];
    }
  });
  // The people's values found in any answer are replaced in every answer, where they stand whole
  // in a string value (a user name under `owner`, in a message); never in member names or keys.
  const recordings = found.map((r) => ({
    ...r,
    path: personal.inText(r.path),
    body: personal.inStrings(r.body),
    violations: r.violations.map((v) => ({ ...v, message: personal.inText(v.message) })),
  }));
  const written = writeRecordings(folder, recordings);
  return { ...written, failures: [...failures, ...written.failures] };
}

/** The tapped answer's headers (names and values in turn) as Headers; one Headers refuses is left out. */
function headersOf(pairs: readonly string[]): Headers {
  const headers = new Headers();
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    try {
      headers.append(pairs[i]!, pairs[i + 1]!);
    } catch {
      // A name or value the platform could send but Headers will not hold: no declared header is one.
    }
  }
  return headers;
}
