// The bundled spec, and Ajv (JSON Schema 2020-12, as the spec's jsonSchemaDialect says)
// validators for any schema in it, addressed by JSON pointer.
import { readFileSync } from "node:fs";
import path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import type { ErrorObject, ValidateFunction } from "ajv";

export const repoRoot = path.resolve(__dirname, "../..");
export const specPath = path.join(repoRoot, "generated/openapi.json");

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function loadSpec(file = specPath): JsonObject {
  return JSON.parse(readFileSync(file, "utf8")) as JsonObject;
}

export function readJson<T = Json>(file: string): T {
  return JSON.parse(readFileSync(path.resolve(repoRoot, file), "utf8")) as T;
}

/** Follows a local `$ref` (or returns the node itself). */
export function deref(spec: JsonObject, node: Json | undefined): Json | undefined {
  let at = node;
  while (at && typeof at === "object" && !Array.isArray(at) && typeof at.$ref === "string") {
    at = pointer(spec, at.$ref);
  }
  return at;
}

export function pointer(spec: JsonObject, ref: string): Json | undefined {
  return ref
    .replace(/^#\//, "")
    .split("/")
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce<Json | undefined>((at, key) => (at && typeof at === "object" && !Array.isArray(at) ? at[key] : undefined), spec);
}

export function escapePointer(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

export class SpecValidator {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(readonly spec: JsonObject = loadSpec()) {
    addFormats(this.ajv);
    this.ajv.addSchema(spec as object, "spec");
  }

  /** Validates `value` against the schema at `ref` (such as `#/components/schemas/Task`). */
  validate(ref: string, value: unknown): { valid: boolean; errors: ErrorObject[] } {
    let fn = this.cache.get(ref);
    if (!fn) {
      fn = this.ajv.compile({ $ref: `spec${ref}` });
      this.cache.set(ref, fn);
    }
    const valid = fn(value) as boolean;
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
    for (const [p, item] of Object.entries(this.spec.paths as JsonObject)) {
      for (const [method, op] of Object.entries(item as JsonObject)) {
        if (op && typeof op === "object" && !Array.isArray(op) && op.operationId === operationId) {
          return { path: p, method, operation: op };
        }
      }
    }
    throw new Error(`no operation ${operationId}`);
  }

  operationIds(): string[] {
    return Object.values(this.spec.paths as JsonObject).flatMap((item) =>
      Object.values(item as JsonObject)
        .filter((op): op is JsonObject => !!op && typeof op === "object" && !Array.isArray(op) && typeof op.operationId === "string")
        .map((op) => op.operationId as string),
    );
  }
}

export function describeErrors(errors: ErrorObject[]): string {
  return errors.map((e) => `${e.instancePath || "/"} ${e.message ?? e.keyword}`).join("; ");
}
