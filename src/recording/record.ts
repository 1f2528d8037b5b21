// `verify --record DIR`: each answer the platform gave is written as a recording
// (DIR/<operationId>.<status>.json) with verify's verdict, and DIR/report.json says where each
// departs from the contract. Nothing secret is written: credentials and tokens are scrubbed in
// every form (the package's redactor), values that name people are replaced by placeholders, and
// no request header is kept.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseMediaType } from "../answers.js";
import { bundledSpec, deref, findOperation, members, operations } from "../bundled-spec.js";
import { createRedactor } from "../redaction.js";
import { driftOf } from "./drift.js";
import { recordingFile, type Recording } from "./format.js";
import { personalScrubber } from "./personal.js";
import { parseJson } from "../values.js";

export interface RecordedAnswer {
  operationId: string;
  method: string;
  path: string;
  status: number;
  contentType: string | null;
  text: string;
}

export interface Verdict {
  result: string;
  violations: Recording["violations"];
}

/** One line of DIR/report.json. */
export interface DriftEntry {
  file: string;
  operationId: string;
  status: number;
  verdict: string;
  /** The contract's violations, as JSON pointers (or what broke, for a status or media type). */
  violations: string[];
  /** `pointer: JSON type` of each member the contract does not declare. */
  undeclared: string[];
  /** Each optional member the contract declares that the answer left out. */
  missingOptional: string[];
}

/** The recording of an answer, scrubbed: secrets in every form, then people's values. */
export function toRecording(answer: RecordedAnswer, verdict: Verdict, label: string, secrets: readonly string[], personal: ReturnType<typeof personalScrubber>, recordedAt = new Date()): Recording {
  const redact = createRedactor([...secrets]);
  const text = answer.contentType !== null && answer.contentType.toLowerCase().startsWith("text/");
  const parsed = parseJson(answer.text);
  let body: unknown;
  if (isTokenStep(answer.operationId) && (parsed === null || typeof parsed !== "object")) {
    // A token step's answer that is not a JSON object (text, a JSON string, a form) is or holds
    // the token itself, usable or not. The placeholder is one the contract's token patterns take,
    // so --from still judges it a token.
    body = "REDACTED";
  } else if (parsed !== undefined && typeof parsed === "object") {
    // JSON, whatever its media type says: its members are scrubbed; kept as text if it came as text.
    const scrubbed = personal(redact(parsed));
    body = text ? JSON.stringify(scrubbed) : scrubbed;
  } else {
    body = text || parsed === undefined ? redact(answer.text) : redact(parsed);
  }
  return {
    operationId: answer.operationId,
    method: answer.method,
    path: redact(answer.path),
    status: answer.status,
    contentType: answer.contentType === null ? null : redact(answer.contentType).toLowerCase(),
    recordedAt: recordedAt.toISOString(),
    label,
    body,
    verdict: verdict.result,
    violations: redact(verdict.violations),
  };
}

/** The operations that get a token (the spec's Authentication tag). */
function isTokenStep(operationId: string): boolean {
  try {
    return ((findOperation(bundledSpec(), operationId).operation.tags as string[] | undefined) ?? []).includes("Authentication");
  } catch {
    return false;
  }
}

/** Where a recording departs from the contract: its violations, undeclared members, optional members left out. */
export function driftEntry(file: string, recording: Recording): DriftEntry {
  const spec = bundledSpec();
  const violations = recording.violations.map((v) => (v.path ? v.path : `${v.in}: ${v.message}`));
  let drift = { undeclared: [] as string[], missingOptional: [] as string[] };
  try {
    const { operation } = findOperation(spec, recording.operationId);
    const response = members(deref(spec, members(operation.responses)[String(recording.status)]));
    const content = members(response.content) as Record<string, { schema?: unknown }>;
    const media = content[parseMediaType(recording.contentType) ?? "application/json"] ?? content["application/json"];
    if (media?.schema !== undefined) drift = driftOf(spec, media.schema, recording.body);
  } catch {
    // An operation the contract does not have: its violations say so.
  }
  return { file, operationId: recording.operationId, status: recording.status, verdict: recording.verdict, violations, ...drift };
}

/** Writes the recordings and DIR/report.json; returns the report's entries. */
export function writeRecordings(dir: string, recordings: readonly Recording[]): DriftEntry[] {
  mkdirSync(dir, { recursive: true });
  const entries: DriftEntry[] = [];
  for (const recording of recordings) {
    const file = recordingFile(recording.operationId, recording.status);
    writeFileSync(path.join(dir, file), `${JSON.stringify(recording, null, 2)}\n`);
    entries.push(driftEntry(file, recording));
  }
  writeFileSync(path.join(dir, "report.json"), `${JSON.stringify({ recordedAt: recordings[0]?.recordedAt ?? null, label: recordings[0]?.label ?? null, answers: entries }, null, 2)}\n`);
  return entries;
}

/** The report as lines: per answer, its violations (!), undeclared members (+) and optional members left out (-). */
export function driftLines(entries: readonly DriftEntry[]): string[] {
  const lines: string[] = [];
  for (const e of entries) {
    lines.push(`drift ${e.operationId} ${e.status} (${e.file}): ${e.violations.length} violation(s), ${e.undeclared.length} undeclared, ${e.missingOptional.length} optional left out`);
    for (const v of e.violations) lines.push(`  ! ${v}`);
    for (const u of e.undeclared) lines.push(`  + ${u}`);
    for (const m of e.missingOptional) lines.push(`  - ${m}`);
  }
  return lines;
}

/** The operation a request was for, by its method and path against the spec's path templates. */
export function operationFor(method: string, requestPath: string): string | undefined {
  for (const { path: template, method: m, operation } of operations(bundledSpec())) {
    if (m.toUpperCase() !== method.toUpperCase()) continue;
    const pattern = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\?\{[^}]+\\?\}/g, "[^/]+")}$`);
    if (pattern.test(requestPath)) return operation.operationId as string;
  }
  return undefined;
}
