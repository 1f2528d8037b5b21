// Navigating a bundled spec, with no Node built-in (the MSW handlers run in a browser too).
// bundled-spec.ts re-exports these beside the file it reads.
import { unescapePointer } from "../../util/json-pointer.js";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** A JSON object (not an array, not null). */
export const isObject = (node: unknown): node is JsonObject =>
  typeof node === "object" && node !== null && !Array.isArray(node);

/** Follows local `$ref`s (a bundle holds no other) until a node that is not one; undefined for a dangling one. */
export function deref(spec: JsonObject, node: Json | undefined): Json | undefined {
  for (let hops = 0; isObject(node) && typeof node.$ref === "string"; hops++) {
    if (!node.$ref.startsWith("#/") || hops >= 20) return undefined;
    const tokens = node.$ref.slice(2).split("/").map(unescapePointer);
    node = tokens.reduce<Json | undefined>(
      (at, key) => (isObject(at) && Object.hasOwn(at, key) ? at[key] : undefined),
      spec,
    );
  }
  return node;
}

export interface FoundOperation {
  path: string;
  method: string;
  operation: JsonObject;
  pathItem: JsonObject;
}

/**
 * Every operation with an operationId: its path template, method, operation and path item. A list,
 * not a generator: its type reaches the `/mock` entry's declarations, which a consumer without the
 * ES2015 library (a types-only import, the default target) must be able to read.
 */
export function operations(spec: JsonObject): FoundOperation[] {
  const found: FoundOperation[] = [];
  for (const [path, pathItem] of Object.entries(spec.paths as JsonObject)) {
    if (!isObject(pathItem)) continue;
    for (const [method, operation] of Object.entries(pathItem)) {
      if (isObject(operation) && typeof operation.operationId === "string")
        found.push({ path, method, operation, pathItem });
    }
  }
  return found;
}

export function findOperation(spec: JsonObject, operationId: string): FoundOperation {
  for (const found of operations(spec)) if (found.operation.operationId === operationId) return found;
  throw new Error(`the spec has no operation ${operationId}`);
}

/** An object member of a spec node, or {} (the spec's optional maps: responses, content, headers). */
export function members(node: Json | undefined): JsonObject {
  return isObject(node) ? node : {};
}
