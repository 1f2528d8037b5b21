// Requests generated from the spec (fast-check): values that keep a schema, read from the bundle,
// and values that break it in the ways callers and attackers do (wrong types, unknown members,
// null, strings, deep nesting). The schema keywords followed are the ones the request schemas
// use; a schema with one this does not know yields any JSON value, so nothing is assumed valid
// that was not generated from a rule.
import fc from "fast-check";
import { deref, type Json, type JsonObject } from "./spec";

type Schema = { [key: string]: any };

/** Values that keep the schema at `node` (a schema or a `$ref` to one) in `spec`. */
export function valid(spec: JsonObject, node: Json, depth = 3): fc.Arbitrary<unknown> {
  const schema = deref(spec, node) as Schema | undefined;
  if (!schema || typeof schema !== "object") return fc.jsonValue({ maxDepth: 2 });
  if (Array.isArray(schema.anyOf ?? schema.oneOf))
    return fc.oneof(...(schema.anyOf ?? schema.oneOf).map((s: Json) => valid(spec, s, depth)));
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  switch (schema.type) {
    case "string":
      if (typeof schema.pattern === "string") return fc.stringMatching(new RegExp(schema.pattern));
      return fc.string({
        minLength: schema.minLength ?? 0,
        maxLength: Math.max(schema.minLength ?? 0, 20),
        unit: "grapheme",
      });
    case "boolean":
      return fc.boolean();
    case "integer":
      return fc.integer();
    case "number":
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case "array":
      return fc.array(valid(spec, schema.items ?? {}, depth - 1), { maxLength: 3 });
    case "object": {
      const properties = (schema.properties ?? {}) as Record<string, Json>;
      const required = new Set<string>(schema.required ?? []);
      const known = Object.fromEntries(
        Object.entries(properties).map(([name, s]) => [name, valid(spec, s, depth - 1)]),
      );
      const record = fc.record(known, { requiredKeys: Object.keys(properties).filter((n) => required.has(n)) });
      if (schema.additionalProperties === false || depth <= 0) return record;
      const extra = fc.dictionary(
        fc.string({ minLength: 1, maxLength: 8 }).filter((k) => !(k in properties)),
        schema.additionalProperties && schema.additionalProperties !== true
          ? valid(spec, schema.additionalProperties, depth - 1)
          : fc.jsonValue({ maxDepth: 2 }),
        { maxKeys: 3 },
      );
      return fc.tuple(record, extra).map(([r, e]) => ({ ...e, ...r }));
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** A value nested `depth` levels deep, as `{"a":{"a":…}}` or `[[…]]`. */
export function deep(depth: number, array: boolean): unknown {
  let value: unknown = "bottom";
  for (let i = 0; i < depth; i++) value = array ? [value] : { a: value };
  return value;
}

/** The value with one member, at any depth of its objects, replaced by `replacement`. */
export function mutated(value: unknown, replacement: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  const places: string[][] = [];
  const walk = (v: unknown, at: string[]) => {
    if (v && typeof v === "object" && !Array.isArray(v))
      for (const [k, child] of Object.entries(v)) {
        places.push([...at, k]);
        walk(child, [...at, k]);
      }
  };
  walk(value, []);
  const unknownMember = fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }));
  const replaceOne = places.length
    ? fc.tuple(fc.constantFrom(...places), replacement).map(([place, r]) => setAt(value, place, r))
    : fc.constant(value);
  return fc.oneof(
    replaceOne,
    unknownMember.map(([k, v]) =>
      value && typeof value === "object" && !Array.isArray(value) ? { ...value, [k]: v } : value,
    ),
  );
}

function setAt(value: unknown, place: string[], replacement: unknown): unknown {
  if (place.length === 0) return replacement;
  const copy = { ...(value as Record<string, unknown>) };
  copy[place[0]!] = setAt(copy[place[0]!], place.slice(1), replacement);
  return copy;
}

/** Strings a path parameter should not take: empty, dots, slashes, escapes, controls, any text. */
export const hostileSegments = fc.oneof(
  fc.constantFrom(
    "",
    ".",
    "..",
    "a/b",
    "%",
    "%25",
    " ",
    "\u0000",
    "\u00e9",
    "x".repeat(200),
    "null",
    "undefined",
    "__proto__",
    "7c1e5b2a-94d3-4f6e-8a0b-3d2c1f9e8b4",
    "6745F1C2A9B3D84E2C7F0A15",
  ),
  fc.string({ maxLength: 40, unit: "grapheme" }),
  fc.string({ maxLength: 40 }),
);
