// Where an answer departs from the contract beyond its violations: the members the platform sent
// that the contract does not declare, and the optional members the contract declares that the
// answer left out. Not a second reading of the schema: Ajv's own evaluation says it, through the
// generated strict validators (generated/drift-validators.ts, made by scripts/lib/validators.mjs),
// so the answer cannot differ from what the contract's validators evaluate. Paths are collapsed:
// map keys (the keys of a map's `additionalProperties`, reserved keys included) and array indexes
// are `*`, so `/data/tasks/*/metrics/server_id: string` stands for every task, once. The drift of
// one recording (a line of DIR/report.json) and the report over many are made here too.
import { driftValidators, type Validate } from "../../../generated/drift-validators.js";
import { validatorErrors } from "../../contract/validation.js";
import { escapePointer, unescapePointer } from "../../util/json-pointer.js";
import { parseMediaType } from "../../util/media-type.js";
import type { Recording } from "./format.js";

interface Drift {
  /** `pointer: JSON type` of each member the contract does not declare (`type|type` when it varies), sorted. */
  undeclared: string[];
  /** The pointer of each optional member the contract declares that the answer left out, sorted. */
  missingOptional: string[];
  /** Set when the answer held so much drift that the check stopped: the lists hold what it had found. */
  stopped?: true;
}

/** The drift of an answer's `body` from what `operationId` declares for `status` in `mediaType`; none when nothing is declared there. */
export function driftOf(operationId: string, status: number | string, mediaType: string, body: unknown): Drift {
  const byStatus = own(driftValidators, operationId) as Record<string, Record<string, unknown>> | undefined;
  const validate = own(own(byStatus, String(status)) as Record<string, unknown> | undefined, mediaType) as
    Validate | undefined;
  if (typeof validate !== "function") return { undeclared: [], missingOptional: [] };
  const found = validatorErrors(validate, body);
  const errors = found?.errors ?? [];
  // The objects that are maps: their keys are collapsed.
  const maps = new Set(errors.filter((e) => e.keyword === "propertyNames").map((e) => e.instancePath));
  const undeclared = new Map<string, Set<string>>();
  const missing = new Set<string>();
  for (const e of errors) {
    if (e.keyword === "unevaluatedProperties" && typeof e.params.unevaluatedProperty === "string") {
      const { path, value } = collapse(body, maps, `${e.instancePath}/${escapePointer(e.params.unevaluatedProperty)}`);
      let types = undeclared.get(path);
      if (!types) undeclared.set(path, (types = new Set()));
      types.add(jsonType(value));
    } else if (
      e.keyword === "required" &&
      /\/then\/required$/.test(e.schemaPath) &&
      typeof e.params.missingProperty === "string"
    ) {
      // The member is one the schema lists: named as it is, under its collapsed parent.
      missing.add(`${collapse(body, maps, e.instancePath).path}/${escapePointer(e.params.missingProperty)}`);
    }
  }
  return {
    undeclared: [...undeclared].map(([path, types]) => `${path}: ${[...types].sort().join("|")}`).sort(),
    missingOptional: [...missing].sort(),
    ...(found?.stopped ? { stopped: true as const } : {}),
  };
}

/** A pointer into `body` with each array index and map key as `*`, and the value it names. */
function collapse(body: unknown, maps: ReadonlySet<string>, pointer: string): { path: string; value: unknown } {
  let at: unknown = body;
  let raw = "";
  let path = "";
  for (const segment of pointer.split("/").slice(1)) {
    const key = unescapePointer(segment);
    path += Array.isArray(at) || maps.has(raw) ? "/*" : `/${segment}`;
    at = Array.isArray(at) ? at[Number(key)] : own(at as Record<string, unknown>, key);
    raw += `/${segment}`;
  }
  return { path, value: at };
}

/** An own member only: a body's `__proto__` or `constructor` is a member like any other. */
function own(node: Record<string, unknown> | undefined, key: string): unknown {
  return node !== null && typeof node === "object" && Object.hasOwn(node, key) ? node[key] : undefined;
}

/** The JSON type of a value, as JSON Schema names it (`integer` for whole numbers). */
function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

/** One line of DIR/report.json. */
export interface DriftEntry {
  file: string;
  operationId: string;
  status: number;
  verdict: string;
  /** The contract's violations: what broke (`body /data/name`, `status`…) and how. */
  violations: string[];
  /** `pointer: JSON type` of each member the contract does not declare. */
  undeclared: string[];
  /** Each optional member the contract declares that the answer left out. */
  missingOptional: string[];
  /** How many of each there are: each list above holds the first MAX_LISTED_PER_ANSWER only. */
  counts: { violations: number; undeclared: number; missingOptional: number };
  /** Set when the answer held so much drift that its check stopped: the counts are of what it had found. */
  stopped?: true;
}

/** How many items of each list an answer's drift entry holds (report.json stays bounded whatever an answer holds). */
export const MAX_LISTED_PER_ANSWER = 200;

/** Where a recording departs from the contract: its violations, undeclared members, optional members left out. */
export function driftEntry(file: string, recording: Recording): DriftEntry {
  const violations = recording.violations.map((v) => `${v.in}${v.path ? ` ${v.path}` : ""}: ${v.message}`);
  const mediaType =
    parseMediaType(recording.contentType) ?? (typeof recording.body === "string" ? "text/plain" : "application/json");
  const drift = driftOf(recording.operationId, recording.status, mediaType, recording.body);
  const first = (items: string[]) => items.slice(0, MAX_LISTED_PER_ANSWER);
  return {
    file,
    operationId: recording.operationId,
    status: recording.status,
    verdict: recording.verdict,
    violations: first(violations),
    undeclared: first(drift.undeclared),
    missingOptional: first(drift.missingOptional),
    counts: {
      violations: violations.length,
      undeclared: drift.undeclared.length,
      missingOptional: drift.missingOptional.length,
    },
    ...(drift.stopped ? { stopped: true as const } : {}),
  };
}

/** The drift of a set of answers, in three sections, each sorted, deduplicated and counted. */
export interface DriftReport {
  /** Whether anything needs action: a violation (the contract is broken) or an undeclared member (the contract may need it). */
  needsAction: boolean;
  /** What breaks the contract. */
  violations: Array<{ operationId: string; status: number; violation: string }>;
  /** The members the platform sends that the contract does not declare: paths collapsed (`*`), with their JSON types. */
  undeclared: Array<{ operationId: string; status: number; member: string }>;
  /** The optional members the contract declares that the answers left out. */
  optionalLeftOut: Array<{ operationId: string; status: number; member: string }>;
  /** False when an answer held more than its entry lists (MAX_LISTED_PER_ANSWER; its `counts` say how many). */
  complete: boolean;
}

const byPlace =
  <T extends { operationId: string; status: number }>(key: (t: T) => string) =>
  (a: T, b: T) =>
    a.operationId.localeCompare(b.operationId) || a.status - b.status || key(a).localeCompare(key(b));

function unique<T>(items: T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => (seen.has(key(item)) ? false : (seen.add(key(item)), true)));
}

/** The three sections from the drift of each answer. */
export function driftReport(entries: readonly DriftEntry[]): DriftReport {
  const place = (e: DriftEntry) => ({ operationId: e.operationId, status: e.status });
  const violations = unique(
    entries.flatMap((e) => e.violations.map((violation) => ({ ...place(e), violation }))),
    (v) => `${v.operationId} ${v.status} ${v.violation}`,
  ).sort(byPlace((v) => v.violation));
  const undeclared = unique(
    entries.flatMap((e) => e.undeclared.map((member) => ({ ...place(e), member }))),
    (v) => `${v.operationId} ${v.status} ${v.member}`,
  ).sort(byPlace((v) => v.member));
  const optionalLeftOut = unique(
    entries.flatMap((e) => e.missingOptional.map((member) => ({ ...place(e), member }))),
    (v) => `${v.operationId} ${v.status} ${v.member}`,
  ).sort(byPlace((v) => v.member));
  const complete = entries.every(
    (e) =>
      !e.stopped &&
      (!e.counts ||
        (e.counts.violations <= e.violations.length &&
          e.counts.undeclared <= e.undeclared.length &&
          e.counts.missingOptional <= e.missingOptional.length)),
  );
  return {
    needsAction: violations.length > 0 || undeclared.length > 0,
    violations,
    undeclared,
    optionalLeftOut,
    complete,
  };
}
