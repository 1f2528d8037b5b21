// Where an answer departs from the contract beyond its violations: the members the platform sent
// that the contract does not declare, and the optional members the contract declares that the
// answer left out. Not a second reading of the schema: Ajv's own evaluation says it, through the
// generated strict validators (generated/drift-validators.ts, made by scripts/lib/validators.mjs),
// so the answer cannot differ from what the contract's validators evaluate. Paths are collapsed:
// map keys (the keys of a map's `additionalProperties`, reserved keys included) and array indexes
// are `*`, so `/data/tasks/*/metrics/server_id: string` stands for every task, once.
import { driftValidators } from "../../../generated/drift-validators.js";
import { escapePointer, unescapePointer } from "../../util/json-pointer.js";

export interface Drift {
  /** `pointer: JSON type` of each member the contract does not declare (`type|type` when it varies), sorted. */
  undeclared: string[];
  /** The pointer of each optional member the contract declares that the answer left out, sorted. */
  missingOptional: string[];
}

type Found = { instancePath: string; schemaPath: string; keyword: string; params: Record<string, unknown> };

/** The drift of an answer's `body` from what `operationId` declares for `status` in `mediaType`; none when nothing is declared there. */
export function driftOf(operationId: string, status: number | string, mediaType: string, body: unknown): Drift {
  const byStatus = own(driftValidators as Record<string, unknown>, operationId) as
    Record<string, Record<string, unknown>> | undefined;
  const validate = own(own(byStatus, String(status)) as Record<string, unknown> | undefined, mediaType) as ((
    value: unknown,
  ) => boolean) & { errors?: Found[] | null };
  if (typeof validate !== "function") return { undeclared: [], missingOptional: [] };
  validate(body);
  const errors = validate.errors ?? [];
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
