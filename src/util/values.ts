// What a value is, said safely: callers may pass Proxies, getters and objects of another realm
// (jest hands tests `response.json()` objects of its own), and none of that may throw past us.

/**
 * An object literal's kind: what JSON.stringify sends as it is (no class instance, no toJSON).
 * Realm-independent, and also true of an object with no prototype.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (Object.prototype.toString.call(value) !== "[object Object]") return false;
  return isObjectLiteral(value as object) && typeof (value as { toJSON?: unknown }).toJSON !== "function";
}

/** An object made by a literal or JSON.parse, of any realm, or with no prototype: not a class instance. */
export function isObjectLiteral(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/** How to name a value the caller got wrong, without showing it: "null", "an array", "a Date"… */
export function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return value === "" ? "an empty string" : "a string";
  if (typeof value !== "object") return typeof value;
  const name = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)?.constructor?.name;
  return typeof name === "string" && name !== "Object" ? `a ${name}` : "an object with toJSON";
}

/** The JSON a text holds, or undefined when it holds none: an answer's text may be anything. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** How deep and wide a shape goes: enough to see where a token stands, never the whole of a body. */
/**
 * A set of names, as the declarations need it: only `has`, so a consumer's TypeScript needs no
 * ES2015 library for `ReadonlySet` (the package's declarations type-check with the default target).
 */
export interface NameSet {
  has(name: string): boolean;
}

const SHAPE_DEPTH = 4;
const SHAPE_MEMBERS = 20;
/**
 * A JSON value's shape, never its values: the member names in `declared` (what the contract names
 * for this answer: a name the server chose may be anything, a token too) with their shapes, the
 * others only counted, and JSON types, `depth` levels deep and SHAPE_MEMBERS wide:
 * `{access_token: string, data: {… 2 undeclared members}, scopes: [string, … 3 items]}`.
 */
export function shapeOf(value: unknown, declared: NameSet, depth = SHAPE_DEPTH): string {
  if (value === null) return "null";
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    if (depth <= 1) return `[… ${value.length} items]`;
    return `[${shapeOf(value[0], declared, depth - 1)}${value.length > 1 ? `, … ${value.length} items` : ""}]`;
  }
  if (typeof value !== "object") return typeof value === "bigint" ? "number" : typeof value;
  const names = Object.keys(value);
  if (names.length === 0) return "{}";
  if (depth <= 1) return `{… ${names.length} members}`;
  const known = names.filter((name) => declared.has(name));
  const shown = known
    .slice(0, SHAPE_MEMBERS)
    .map((name) => `${name}: ${shapeOf((value as Record<string, unknown>)[name], declared, depth - 1)}`);
  if (known.length > SHAPE_MEMBERS) shown.push(`… ${known.length - SHAPE_MEMBERS} more`);
  const others = names.length - known.length;
  if (others > 0) shown.push(`${known.length > 0 ? "… " : ""}${others} undeclared member${others === 1 ? "" : "s"}`);
  return `{${shown.join(", ")}}`;
}
