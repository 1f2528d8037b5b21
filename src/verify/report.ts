// What verify prints: a line per operation (its violations and hint beneath it) and a summary, or
// with --json one document. The platform's own words are echoed in places; its echo of our
// credentials must not be, so the whole text goes through the package's redactor.
import type { VerifyResult } from "./classify.js";

const LABELS: Record<VerifyResult["result"], string> = { pass: "PASS", fail: "FAIL", "not-checked": "NOT CHECKED", error: "ERROR" };

/** The report's text, unredacted, and whether every operation passed. */
export function report(results: readonly VerifyResult[], { json, upstream }: { json: boolean; upstream: string }): { text: string; ok: boolean } {
  const count = (what: VerifyResult["result"]) => results.filter((r) => r.result === what).length;
  const ok = results.length > 0 && count("pass") === results.length;
  if (json) return { text: JSON.stringify({ upstream, ok, operations: results }, null, 2), ok };
  const lines: string[] = [];
  for (const r of results) {
    const status = r.status === null ? "" : ` → ${r.status}`;
    const why = r.error ?? r.reason;
    lines.push(`${LABELS[r.result]} ${r.operationId} ${r.method} ${r.path}${status}${why ? `: ${why}` : ""}`);
    for (const v of r.violations) lines.push(`  ${v.in}${v.path ? ` ${v.path}` : ""}: ${v.message} [${v.source}]`);
    if (r.hint) lines.push(`  hint: ${r.hint}`);
  }
  const errors = count("error");
  lines.push(`${count("pass")} passed, ${count("fail")} failed, ${count("not-checked")} not checked, ${errors} ${errors === 1 ? "error" : "errors"}`);
  return { text: lines.join("\n"), ok };
}
