// The bundled spec this package ships (generated/openapi.json), read by the bin: what verify calls
// and the ids `mock` prints come from it, never from a list written here. The same navigation as
// scripts/lib/spec.cjs, which the repository's scripts and tests use and which does not ship.
import { readFileSync } from "node:fs";
import path from "node:path";
import { packageRoot } from "./package-root.js";

export {
  deref,
  findOperation,
  isObject,
  members,
  operations,
  type FoundOperation,
  type Json,
  type JsonObject,
} from "./spec-nav.js";
import { deref, findOperation, isObject, type Json, type JsonObject } from "./spec-nav.js";

/** Where the package's bundled spec is. */
export const bundledSpecPath = path.join(packageRoot, "generated", "openapi.json");

let loaded: JsonObject | undefined;
/** The bundled spec, read once. */
export function bundledSpec(): JsonObject {
  return (loaded ??= JSON.parse(readFileSync(bundledSpecPath, "utf8")) as JsonObject);
}

/** The `example` of an operation's parameter, by name. */
export function parameterExample(spec: JsonObject, operationId: string, name: string): string {
  const { operation, pathItem } = findOperation(spec, operationId);
  const declared = [
    ...((pathItem.parameters as Json[] | undefined) ?? []),
    ...((operation.parameters as Json[] | undefined) ?? []),
  ];
  const param = declared.map((p) => deref(spec, p)).find((p): p is JsonObject => isObject(p) && p.name === name);
  if (!param) throw new Error(`${operationId} has no parameter ${name}`);
  if (param.example === undefined) throw new Error(`${operationId}'s parameter ${name} has no example`);
  return typeof param.example === "string" ? param.example : JSON.stringify(param.example);
}
