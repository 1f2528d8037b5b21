// The bundled spec for the tests: its navigation and examples come from scripts/lib/spec.cjs, the
// one copy the scripts use too; here only Ajv (JSON Schema 2020-12, as the spec's
// jsonSchemaDialect says), which tests the spec itself, and the tests' own constants.
import { readFileSync } from "node:fs";
import path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import type { ErrorObject, ValidateFunction } from "ajv";
import * as specHelpers from "../../scripts/lib/spec.cjs";
import type { Json, JsonObject } from "../../scripts/lib/spec.cjs";

export type { Json, JsonObject };
export const {
  repoRoot,
  specPath,
  loadSpec,
  deref,
  pointer,
  escapePointer,
  findOperation,
  operations,
  parameterExample,
  responseExamples,
} = specHelpers;

export function readJson<T = Json>(file: string): T {
  return JSON.parse(readFileSync(path.resolve(repoRoot, file), "utf8")) as T;
}

export class SpecValidator {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(readonly spec: JsonObject = loadSpec()) {
    addFormats(this.ajv);
    this.ajv.addSchema(spec, "spec");
  }

  /** Validates `value` against the schema at `ref` (such as `#/components/schemas/Task`). */
  validate(ref: string, value: unknown): { valid: boolean; errors: ErrorObject[] } {
    let fn = this.cache.get(ref);
    if (!fn) {
      fn = this.ajv.compile({ $ref: `spec${ref}` });
      this.cache.set(ref, fn);
    }
    const valid = fn(value);
    return { valid, errors: fn.errors ?? [] };
  }

  /** The pointer of the schema of an operation's response body. */
  responseSchemaRef(operationId: string, status: string, mediaType = "application/json"): string {
    const { path: p, method } = this.operation(operationId);
    const base = `#/paths/${escapePointer(p)}/${method}/responses/${status}`;
    const response = pointer(this.spec, base) as JsonObject | undefined;
    if (!response) throw new Error(`${operationId} declares no ${status}`);
    const resolvedBase = typeof response.$ref === "string" ? response.$ref : base;
    return `${resolvedBase}/content/${escapePointer(mediaType)}/schema`;
  }

  operation(operationId: string): { path: string; method: string; operation: JsonObject } {
    return findOperation(this.spec, operationId);
  }

  operationIds(): string[] {
    return [...operations(this.spec)].map((o) => o.operation.operationId as string);
  }
}

export function describeErrors(errors: ErrorObject[]): string {
  return errors.map((e) => `${e.instancePath || "/"} ${e.message ?? e.keyword}`).join("; ");
}
