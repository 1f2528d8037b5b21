// Where an answer departs from the contract beyond its violations: the members the platform sent
// that the contract does not declare, and the optional members the contract declares that the
// answer left out. Read from the bundled spec's schema for the answer, walked beside the body
// without recursion (a platform's body may be deep). Map keys and array indexes are collapsed to
// `*`, so `/data/tasks/*/metrics/server_id: string` stands for every task.

import { deref, isObject, type Json, type JsonObject } from "../bundled-spec.js";
import { escapePointer } from "../json-pointer.js";

type Schema = { [key: string]: Json };

export interface Drift {
  /** `pointer: JSON type` of each member the contract does not declare. */
  undeclared: string[];
  /** The pointer of each optional member the contract declares that the answer left out. */
  missingOptional: string[];
}

/** The drift of `body` from `schema` (a node of `spec`, `$ref`s resolved against it). */
export function driftOf(spec: object, schema: unknown, body: unknown): Drift {
  const undeclared = new Set<string>();
  const missing = new Set<string>();
  const stack: Array<[schema: unknown, value: unknown, path: string]> = [[schema, body, ""]];
  while (stack.length > 0) {
    const [node, value, path] = stack.pop()!;
    const shape = shapeFor(spec, node, value);
    if (!shape) continue;
    if (Array.isArray(value)) {
      if (shape.items !== undefined) for (const item of value) stack.push([shape.items, item, `${path}/*`]);
      continue;
    }
    if (!isObject(value)) continue;
    const declared = shape.properties;
    for (const key of Object.keys(value)) {
      const member = value[key];
      if (declared[key] !== undefined) stack.push([declared[key], member, `${path}/${escapePointer(key)}`]);
      else if (shape.additional !== undefined) stack.push([shape.additional, member, `${path}/*`]);
      else if (shape.closed) undeclared.add(`${path}/${escapePointer(key)}: ${jsonType(member)}`);
    }
    for (const key of Object.keys(declared)) {
      if (!(key in value) && !shape.required.has(key)) missing.add(`${path}/${escapePointer(key)}`);
    }
  }
  return { undeclared: [...undeclared].sort(), missingOptional: [...missing].sort() };
}

type Shape = {
  properties: Record<string, unknown>;
  required: Set<string>;
  /** The schema of map values (`additionalProperties` as a schema). */
  additional?: unknown;
  /** Whether members beyond `properties` are undeclared (properties listed, no map schema). */
  closed: boolean;
  items?: unknown;
};

/**
 * What the schema says of this value's members: its own properties, merged with those of every
 * `allOf` part and of each `anyOf`/`oneOf` alternative whose type fits the value. Undefined when
 * the schema declares nothing that fits (a violation, which the validators report).
 */
function shapeFor(spec: object, node: unknown, value: unknown): Shape | undefined {
  const shape: Shape = { properties: {}, required: new Set(), closed: false };
  let fits = false;
  let sawProperties = false;
  let sawOpen = false;
  const todo: unknown[] = [node];
  for (let guard = 0; todo.length > 0 && guard < 1000; guard++) {
    const schema = resolve(spec, todo.pop());
    if (!schema) continue;
    for (const part of asArray(schema.allOf)) todo.push(part);
    for (const part of [...asArray(schema.anyOf), ...asArray(schema.oneOf)]) {
      if (typeFits(resolve(spec, part), value, spec)) todo.push(part);
    }
    if (!typeFits(schema, value, spec)) continue;
    fits = true;
    if (isObject(schema.properties)) {
      sawProperties = true;
      Object.assign(shape.properties, schema.properties);
    }
    for (const name of asArray(schema.required)) if (typeof name === "string") shape.required.add(name);
    if (isObject(schema.additionalProperties)) shape.additional = schema.additionalProperties;
    else if (schema.additionalProperties === true) sawOpen = true;
    if (schema.items !== undefined && typeof schema.items === "object") shape.items = schema.items;
  }
  if (!fits) return undefined;
  shape.closed = sawProperties && shape.additional === undefined && !sawOpen;
  return shape;
}

function typeFits(schema: Schema | undefined, value: unknown, spec: object): boolean {
  if (!schema) return false;
  const declared = schema.type;
  if (declared === undefined) {
    // No type: it fits unless its alternatives say otherwise (checked when they are walked).
    const alternatives = [...asArray(schema.anyOf), ...asArray(schema.oneOf)];
    return alternatives.length === 0 || alternatives.some((part) => typeFits(resolve(spec, part), value, spec));
  }
  const types = Array.isArray(declared) ? declared : [declared];
  const actual = jsonType(value);
  return types.some((t) => t === actual || (t === "number" && actual === "integer"));
}

function resolve(spec: object, node: unknown): Schema | undefined {
  const schema = deref(spec as JsonObject, node as Json);
  return isObject(schema) ? (schema as Schema) : undefined;
}

/** The JSON type of a value, as JSON Schema names it (`integer` for whole numbers). */
export function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
