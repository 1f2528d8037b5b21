// The bundled spec this package ships (generated/openapi.json), read by the bin: what verify calls
// and the ids `mock` prints come from it, never from a list written here. The same navigation as
// scripts/lib/spec.cjs, which the repository's scripts and tests use and which does not ship.
import { readFileSync } from "node:fs";
import { unescapePointer } from "./json-pointer.js";
import path from "node:path";
import { packageRoot } from "./package-root.js";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };
export interface FoundOperation {
  path: string;
  method: string;
  operation: JsonObject;
  pathItem: JsonObject;
}

/** Where the package's bundled spec is. */
export const bundledSpecPath = path.join(packageRoot, "generated", "openapi.json");

let loaded: JsonObject | undefined;
/** The bundled spec, read once. */
export function bundledSpec(): JsonObject {
  return (loaded ??= JSON.parse(readFileSync(bundledSpecPath, "utf8")) as JsonObject);
}

/** A JSON object (not an array, not null). */
export const isObject = (node: unknown): node is JsonObject => typeof node === "object" && node !== null && !Array.isArray(node);

/** Follows local `$ref`s (a bundle holds no other) until a node that is not one; undefined for a dangling one. */
export function deref(spec: JsonObject, node: Json | undefined): Json | undefined {
  for (let hops = 0; isObject(node) && typeof node.$ref === "string"; hops++) {
    if (!node.$ref.startsWith("#/") || hops >= 20) return undefined;
    const tokens = node.$ref.slice(2).split("/").map(unescapePointer);
    node = tokens.reduce<Json | undefined>((at, key) => (isObject(at) ? at[key] : undefined), spec);
  }
  return node;
}

/** Every operation with an operationId: its path template, method, operation and path item. */
export function* operations(spec: JsonObject): Generator<FoundOperation> {
  for (const [path, pathItem] of Object.entries(spec.paths as JsonObject)) {
    if (!isObject(pathItem)) continue;
    for (const [method, operation] of Object.entries(pathItem)) {
      if (isObject(operation) && typeof operation.operationId === "string") yield { path, method, operation, pathItem };
    }
  }
}

export function findOperation(spec: JsonObject, operationId: string): FoundOperation {
  for (const found of operations(spec)) if (found.operation.operationId === operationId) return found;
  throw new Error(`the spec has no operation ${operationId}`);
}

/** The `example` of an operation's parameter, by name. */
export function parameterExample(spec: JsonObject, operationId: string, name: string): string {
  const { operation, pathItem } = findOperation(spec, operationId);
  const declared = [...((pathItem.parameters as Json[] | undefined) ?? []), ...((operation.parameters as Json[] | undefined) ?? [])];
  const param = declared.map((p) => deref(spec, p)).find((p): p is JsonObject => isObject(p) && p.name === name);
  if (!param) throw new Error(`${operationId} has no parameter ${name}`);
  return String(param.example);
}

/** An object member of a spec node, or {} (the spec's optional maps: responses, content, headers). */
export function members(node: Json | undefined): JsonObject {
  return isObject(node) ? node : {};
}
