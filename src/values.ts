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
  const proto = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/** How to name a value the caller got wrong, without showing it: "null", "an array", "a Date"… */
export function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return value === "" ? "an empty string" : "a string";
  if (typeof value !== "object") return typeof value;
  const name = Object.getPrototypeOf(value)?.constructor?.name;
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
