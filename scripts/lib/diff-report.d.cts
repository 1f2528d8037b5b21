// Types of diff-report.cjs, for the tests (TypeScript) and editors.
import type { JsonObject } from "./spec.cjs";

/** The part of one change in a `redocly diff --format json` report that the gate reads. */
export type DiffChange = {
  path: string;
  kind: string;
  impact: string;
  property?: string;
  verdicts: Array<{ ruleId: string; impact: string; message: string }>;
};
export type DiffReport = { changes: DiffChange[] };
/** One breaking change, in words: `${where}: ${message} (${ruleId})`. */
export type BreakingChange = { where: string; message: string; ruleId: string };
export type AcceptedEntry = { rule: string; location: string; change: string; reason: string };

export declare function breakingChanges(
  report: DiffReport,
  specs: { base: JsonObject; head: JsonObject },
): BreakingChange[];
export declare function describeLocation(
  change: Pick<DiffChange, "path" | "kind" | "property">,
  spec: JsonObject,
): string;
export declare function parseAccepted(text: string, label: string): { base: string; entries: AcceptedEntry[] };
export declare function gateVerdict(options: {
  changes: BreakingChange[];
  entries: AcceptedEntry[];
  since: string;
  listFile?: string;
  others?: number;
}): { lines: string[]; failed: boolean };
