// Turns the measurements into figures (one per row: value, target, met?) and a plain-text table.

const times = (x) => `${x.toFixed(3)}×`;
const us = (x) => `${x.toFixed(1)} µs`;
const kB = (bytes) => `${(bytes / 1000).toFixed(2)} kB`;
const s = (x) => `${x.toFixed(2)} s`;

export function formatReport(r) {
  const figures = [];
  const add = (figure) => figures.push(figure);
  const ratioRow = (id, figure, m, target) =>
    add({
      id,
      figure,
      value: +m.median.toFixed(3),
      unit: "ratio",
      shown: times(m.median),
      detail: `${us(m.usA)} vs ${us(m.usB)} per call; IQR ${m.p25.toFixed(3)}–${m.p75.toFixed(3)}`,
      target: target ?? null,
      met: target === undefined ? null : m.median <= target,
    });

  for (const op of ["claimTask", "finishManualTask"]) {
    if (r.stub) {
      const x = r.stub[op];
      ratioRow(`stub.${op}.vsRaw`, `${op}: client / raw fetch (stub fetch)`, x.oursVsRaw, r.targets.stubVsRaw);
      if (!x.sameRequest) figures.at(-1).detail += " — NOT THE SAME REQUEST";
    }
  }
  for (const op of ["claimTask", "finishManualTask"]) {
    if (r.http) {
      const x = r.http[op];
      ratioRow(`http.${op}.vsRaw`, `${op}: client / raw fetch (loopback HTTP)`, x.oursVsRaw, r.targets.httpVsRaw);
      if (!x.sameRequest) figures.at(-1).detail += " — NOT THE SAME REQUEST";
    }
  }
  for (const op of ["claimTask", "finishManualTask"]) {
    if (r.stub) ratioRow(`stub.${op}.vsBare`, `${op}: client / bare openapi-fetch (stub)`, r.stub[op].oursVsBare);
  }
  for (const op of ["claimTask", "finishManualTask"]) {
    if (r.http) ratioRow(`http.${op}.vsBare`, `${op}: client / bare openapi-fetch (HTTP)`, r.http[op].oursVsBare);
  }
  if (r.size) {
    const n = r.size.neutral;
    const sizeRow = (id, figure, b, target) =>
      add({
        id,
        figure,
        value: b.gzip,
        unit: "bytes (gzip -9)",
        shown: kB(b.gzip),
        detail: `${b.gzip} B gzip, ${b.minified} B minified`,
        target: target ?? null,
        met: target === undefined ? null : b.gzip <= target,
      });
    sizeRow("size.ours", "gzip size: our runtime code (openapi-fetch external)", n.ours, r.targets.oursGzip);
    sizeRow("size.whole", "gzip size: whole client (openapi-fetch bundled)", n.whole, r.targets.wholeGzip);
    sizeRow("size.openapiFetch", "gzip size: openapi-fetch alone (reference)", n.openapiFetch);
  }
  if (r.prism) {
    add({
      id: "prism.cold",
      figure: "Prism ready: startMockServer → first 200 (fresh process)",
      value: +r.prism.coldSeconds.toFixed(3),
      unit: "s",
      shown: s(r.prism.coldSeconds),
      detail: `median of ${r.prism.starts}; listening after ${s(r.prism.coldListenSeconds)}; node process start to exit ${s(r.prism.processSeconds)}`,
      target: null,
      met: null,
    });
    if (r.prism.warmSeconds !== null) {
      add({
        id: "prism.warm",
        figure: "Prism ready again in the same process (modules loaded)",
        value: +r.prism.warmSeconds.toFixed(3),
        unit: "s",
        shown: s(r.prism.warmSeconds),
        detail: `median of ${r.prism.warmStarts}`,
        target: null,
        met: null,
      });
    }
  }
  if (r.test && !r.test.skipped) {
    const c = r.test.counts;
    add({
      id: "test.seconds",
      figure: "whole npm test (npx jest, wall clock)",
      value: +r.test.seconds.toFixed(2),
      unit: "s",
      shown: s(r.test.seconds),
      detail:
        `${c ? `${c.passed} passed, ${c.failed} failed` : "no result file"}; exit ${r.test.status}` +
        `; other jest processes before/after: ${r.test.before.otherJestProcesses}/${r.test.after.otherJestProcesses}` +
        `; load ${r.test.before.loadavg[0].toFixed(2)}→${r.test.after.loadavg[0].toFixed(2)}`,
      target: null,
      met: null,
    });
  }

  const header = ["figure", "value", "target", "met?", "detail"];
  const rows = figures.map((f) => [
    f.figure,
    f.shown,
    f.target === null ? "—" : f.unit === "ratio" ? `≤ ${f.target.toFixed(2)}×` : `≤ ${kB(f.target)}`,
    f.met === null ? "" : f.met ? "yes" : "NO",
    f.detail,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  const out = [
    `machine: node ${r.machine.node}, ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.platform}; load at start ${r.machine.loadavgAtStart.join(" ")}; ${r.date}${r.quick ? " (--quick)" : ""}`,
    line(header),
    line(widths.map((w) => "-".repeat(w))),
    ...rows.map(line),
  ];
  if (r.breakdown) out.push("", ...formatBreakdown(r.breakdown));
  if (r.size?.neutral?.oursModules) {
    out.push("", "our runtime code, minified bytes per module (esbuild metafile):");
    for (const [file, bytes] of r.size.neutral.oursModules) out.push(`  ${String(bytes).padStart(6)}  ${file}`);
  }
  const missed = figures.filter((f) => f.met === false).map((f) => `${f.figure} ${f.shown} (target ${f.unit === "ratio" ? `≤ ${f.target}×` : `≤ ${kB(f.target)}`})`);
  return { table: out.join("\n"), figures, missed };
}

function formatBreakdown(b) {
  const out = ["where the per-call time goes (from the openapi-fetch row on, each step adds one piece; all rows interleaved; µs per call, over raw, ratio to raw):"];
  const steps = [
    ...Object.entries(b.steps).map(([op, x]) => [`${op}, stub fetch`, x]),
    ...Object.entries(b.httpSteps ?? {}).map(([op, x]) => [`${op}, loopback HTTP`, x]),
  ];
  for (const [op, x] of steps) {
    out.push(`  ${op} (${x.rounds} rounds):`);
    for (const st of x.steps) {
      out.push(`    ${us(st.us).padStart(9)}  ${(st.overRawUs >= 0 ? "+" : "") + st.overRawUs.toFixed(2)} µs  ${times(st.vsRaw).padStart(7)}  ${st.name}`);
    }
  }
  out.push("  pieces on their own (median ns per operation):");
  for (const m of b.micro) out.push(`    ${String(m.ns).padStart(7)} ns  ${m.name}`);
  return out;
}
