// What verify prints: a line per operation (its violations and hint beneath it), printed as each
// call ends, and a summary; with --record or --from, the drift report beneath it; or with --json
// one document. The platform's own words are echoed in places; its echo of our credentials must
// not be, so every text goes through the package's redactor before it is printed.
import { MAX_LISTED_PER_ANSWER, type DriftReport } from "../recording/drift.js";
import type { VerifyResult } from "./classify.js";

const LABELS: Record<VerifyResult["result"], string> = {
  pass: "PASS",
  fail: "FAIL",
  "not-checked": "NOT CHECKED",
  error: "ERROR",
};

/** How many items of a list are printed unless --verbose (a hostile answer may break the contract 40,000 times). */
export const PRINTED_PER_LIST = 20;

/** The first PRINTED_PER_LIST of `items` as lines (all when `all`), then a line counting the rest. */
function bounded<T>(
  items: readonly T[],
  line: (item: T) => string,
  all: boolean,
  where = "--verbose lists them",
): string[] {
  const shown = all ? items : items.slice(0, PRINTED_PER_LIST);
  const lines = shown.map(line);
  if (shown.length < items.length) lines.push(`  … and ${items.length - shown.length} more (${where})`);
  return lines;
}

/** One operation's lines: its verdict, then its violations (the first 20 unless `all`) and the hint beneath them. */
export function resultLines(r: VerifyResult, all = false): string[] {
  const status = r.status === null ? "" : ` → ${r.status}`;
  const why = r.error ?? r.reason;
  const lines = [`${LABELS[r.result]} ${r.operationId} ${r.method} ${r.path}${status}${why ? `: ${why}` : ""}`];
  lines.push(
    ...bounded(r.violations, (v) => `  ${v.in}${v.path ? ` ${v.path}` : ""}: ${v.message} [${v.source}]`, all),
  );
  if (r.hint) lines.push(`  hint: ${r.hint}`);
  return lines;
}

/**
 * The verdict line alone, for a line printed as its call ends while recording: it carries nothing
 * the answer said (its message, the violations, Prism's or the platform's words), which could name
 * a person learnt only from a later answer. What it leaves out, `resultLines` prints at the end.
 */
export function verdictLine(r: VerifyResult): string {
  const status = r.status === null ? "" : ` → ${r.status}`;
  const more = r.error !== undefined || r.reason !== undefined || r.violations.length > 0 || r.hint !== undefined;
  return `${LABELS[r.result]} ${r.operationId} ${r.method} ${r.path}${status}${more ? " (details below)" : ""}`;
}

/** Whether every operation passed (none ran: not). */
export function allPassed(results: readonly VerifyResult[]): boolean {
  return results.length > 0 && results.every((r) => r.result === "pass");
}

/** The counts line. */
export function summaryLine(results: readonly VerifyResult[]): string {
  const count = (what: VerifyResult["result"]) => results.filter((r) => r.result === what).length;
  const errors = count("error");
  return `${count("pass")} passed, ${count("fail")} failed, ${count("not-checked")} not checked, ${errors} ${errors === 1 ? "error" : "errors"}`;
}

/** The report's text, unredacted, and whether every operation passed. */
export function report(
  results: readonly VerifyResult[],
  { json, upstream }: { json: boolean; upstream: string },
): { text: string; ok: boolean } {
  const ok = allPassed(results);
  if (json) return { text: JSON.stringify({ upstream, ok, operations: results }, null, 2), ok };
  return { text: [...results.flatMap((r) => resultLines(r)), summaryLine(results)].join("\n"), ok };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The drift report as lines: whether anything needs action, then the three sections (the first 20 of each unless `verbose`); optional members only counted unless `verbose`. */
export function driftReportLines(drift: DriftReport, verbose: boolean): string[] {
  const { violations, undeclared, optionalLeftOut } = drift;
  const todo = [
    ...(violations.length
      ? [`${plural(violations.length, "violation")} to fix (the platform breaks the contract)`]
      : []),
    ...(undeclared.length
      ? [
          `${plural(undeclared.length, "undeclared member")} to review (the platform sends more than the contract declares)`,
        ]
      : []),
  ];
  const lines = [
    todo.length
      ? `drift: action needed: ${todo.join("; ")}`
      : "drift: no action needed: no violation, no undeclared member",
  ];
  if (drift.complete === false)
    lines.push(
      `  (an answer holds more than its first ${MAX_LISTED_PER_ANSWER} of a kind, listed here and in report.json: its counts there say how many)`,
    );
  lines.push(`violations (${violations.length})${violations.length ? ":" : ""}`);
  lines.push(...bounded(violations, (v) => `  ${v.operationId} ${v.status} ${v.violation}`, verbose));
  lines.push(`undeclared members (${undeclared.length})${undeclared.length ? ":" : ""}`);
  lines.push(...bounded(undeclared, (u) => `  ${u.operationId} ${u.status} ${u.member}`, verbose));
  if (verbose) {
    lines.push(
      `optional members left out (${optionalLeftOut.length}, which the contract allows)${optionalLeftOut.length ? ":" : ""}`,
    );
    for (const m of optionalLeftOut) lines.push(`  ${m.operationId} ${m.status} ${m.member}`);
  } else {
    lines.push(
      `optional members left out (${optionalLeftOut.length}, which the contract allows${optionalLeftOut.length ? "; --verbose lists them" : ""})`,
    );
  }
  return lines;
}
