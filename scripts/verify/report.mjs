// What verify prints: a line per operation (its violations and hint beneath it) and a summary, or
// with --json one document. The platform's own words are echoed in places; its echo of our
// credentials must not be, so everything goes through the package's redactor.
const LABELS = { pass: "PASS", fail: "FAIL", "not-checked": "NOT CHECKED" };

/** Prints the report; true when every operation passed. */
export function report(results, opts) {
  const lines = [];
  for (const r of results) {
    const status = r.status === null ? "" : ` → ${r.status}`;
    const why = r.error ?? r.reason;
    lines.push(`${LABELS[r.result] ?? "ERROR"} ${r.operationId} ${r.method} ${r.path}${status}${why ? `: ${why}` : ""}`);
    for (const v of r.violations) lines.push(`  ${v.in}${v.path ? ` ${v.path}` : ""}: ${v.message} [${v.source}]`);
    if (r.hint) lines.push(`  hint: ${r.hint}`);
  }
  const count = (what) => results.filter((r) => r.result === what).length;
  const ok = count("pass") === results.length;
  const errors = count("error");
  const summary = `${count("pass")} passed, ${count("fail")} failed, ${count("not-checked")} not checked, ${errors} ${errors === 1 ? "error" : "errors"}`;
  console.log(opts.redact(opts.json ? JSON.stringify({ upstream: opts.upstream, ok, operations: results }, null, 2) : [...lines, summary].join("\n")));
  return ok;
}
