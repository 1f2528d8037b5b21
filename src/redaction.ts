// Redaction, in one place: whatever a server or a custom fetch hands back may echo the
// credentials, and nothing the client throws may carry them.
//
// A redactor is made for one set of secrets (a client's fixed credentials plus the token one call
// used), so no window of remembered tokens can run out. It is one regular expression built once
// per set, matching every form in which a server echoes a secret, and run once over each string:
// the cost is linear in the text, whatever its size. Values are walked with an explicit stack, so
// a body nested thousands of levels deep cannot overflow the call stack.

import { isObjectLiteral } from "./values.js";

const REDACTED = "[redacted]";

/** Returns a copy of `value` with every secret replaced by `[redacted]`; strings, arrays and plain objects are scrubbed (member names too). */
export type Redactor = <T>(value: T) => T;

/** The redactor for no secrets at all: returns its input. */
export const noRedaction: Redactor = (value) => value;

/**
 * A redactor for these secrets. Each is matched raw and in every form a server may echo it in,
 * character by character and in any mixture: percent-encoded UTF-8 in either case, form-encoded
 * (`+` for a space), JSON-escaped (`\"`, `\\`, `\/`, `\n`…, and `\uXXXX` for any character),
 * and JSON-pointer-escaped (`~0`, `~1`), as member names in violation paths are.
 * (An array, not an Iterable: the declarations must need no ES2015 lib, for a consumer on
 * TypeScript's default target.)
 */
export function createRedactor(secrets: readonly string[]): Redactor {
  const unique = [...new Set(secrets)].filter((s) => typeof s === "string" && s.length > 0);
  if (unique.length === 0) return noRedaction;
  // Longest first, so a secret that contains another is replaced whole.
  const source = unique
    .sort((a, b) => b.length - a.length)
    .map(secretPattern)
    .join("|");
  const matcher = new RegExp(source, "g");
  const scrub = (text: string): string => {
    matcher.lastIndex = 0;
    return matcher.test(text) ? text.replace(matcher, REDACTED) : text;
  };
  return ((value: unknown) => walk(value, scrub)) as Redactor;
}

function secretPattern(secret: string): string {
  let out = "";
  for (const char of secret) out += `(?:${charForms(char).join("|")})`;
  return out;
}

const JSON_SHORT: Record<string, string> = { '"': '\\"', "\\": "\\\\", "/": "\\/", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t" };
const POINTER: Record<string, string> = { "~": "~0", "/": "~1" };

/** The regular-expression alternatives for one character (a code point) of a secret. */
function charForms(char: string): string[] {
  const forms = [escapeRegExp(char)];
  if (JSON_SHORT[char]) forms.push(escapeRegExp(JSON_SHORT[char]));
  if (POINTER[char]) forms.push(escapeRegExp(POINTER[char]));
  if (char === " ") forms.push("\\+");
  // \uXXXX for each UTF-16 unit (a surrogate pair for characters beyond the BMP).
  let unicode = "";
  for (let i = 0; i < char.length; i++) unicode += `\\\\u${anyCaseHex(char.charCodeAt(i).toString(16).padStart(4, "0"))}`;
  forms.push(unicode);
  // %XX for each UTF-8 byte, in either case.
  let percent = "";
  for (const byte of new TextEncoder().encode(char)) percent += `%${anyCaseHex(byte.toString(16).padStart(2, "0"))}`;
  forms.push(percent);
  return forms;
}

function anyCaseHex(hex: string): string {
  return hex.replace(/[a-f]/g, (d) => `[${d}${d.toUpperCase()}]`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&");
}

/**
 * A scrubbed copy of `value`: strings scrubbed, arrays and plain objects (any realm's, and those
 * with no prototype) copied with their member names scrubbed, anything else kept as it is. No
 * recursion: the depth of a body is not bounded by the stack.
 */
function walk(value: unknown, scrub: (text: string) => string): unknown {
  if (typeof value === "string") return scrub(value);
  if (!isContainer(value)) return value;
  const root = copyShell(value);
  const stack: Array<[source: object, target: Record<string, unknown> | unknown[]]> = [[value, root]];
  while (stack.length > 0) {
    const [source, target] = stack.pop()!;
    if (Array.isArray(source)) {
      const list = target as unknown[];
      for (let i = 0; i < source.length; i++) list[i] = step(source[i], scrub, stack);
    } else {
      const record = target as Record<string, unknown>;
      for (const key of Object.keys(source)) {
        const name = scrub(key);
        const member = step((source as Record<string, unknown>)[key], scrub, stack);
        // A parsed body may have an own "__proto__" member: kept as a member, never a prototype.
        if (name === "__proto__") Object.defineProperty(record, name, { value: member, enumerable: true, writable: true, configurable: true });
        else record[name] = member;
      }
    }
  }
  return root;
}

function step(value: unknown, scrub: (text: string) => string, stack: Array<[object, Record<string, unknown> | unknown[]]>): unknown {
  if (typeof value === "string") return scrub(value);
  if (!isContainer(value)) return value;
  const copy = copyShell(value);
  stack.push([value, copy]);
  return copy;
}

/** What is walked into: arrays and object literals (a parsed body's kinds); anything else is kept as it is. */
function isContainer(value: unknown): value is object {
  return Array.isArray(value) || (value !== null && typeof value === "object" && isObjectLiteral(value));
}

function copyShell(value: object): Record<string, unknown> | unknown[] {
  return Array.isArray(value) ? new Array<unknown>(value.length) : (Object.create(Object.prototype) as Record<string, unknown>);
}

/**
 * What an error may keep as its cause: a fresh Error carrying only the scrubbed name, message,
 * stack and code of the original (and of its causes, in the message). The original is never kept:
 * whatever it holds besides (a request's headers, a config object, a cause that is no Error)
 * would show in util.inspect.
 */
export function safeCause(cause: unknown, redact: Redactor): unknown {
  if (!(cause instanceof Error)) return redact(typeof cause === "string" ? cause : safeString(cause));
  const copy = new Error(describeCause(cause, redact));
  copy.name = redact(safeString(cause.name));
  copy.stack = redact(typeof cause.stack === "string" ? cause.stack : "");
  const code = (cause as NodeJS.ErrnoException).code;
  if (typeof code === "string") Object.assign(copy, { code: redact(code) });
  return copy;
}

/** An error in a line: its message and, for fetch's "fetch failed", the code of what lay beneath. */
export function describeCause(cause: unknown, redact: Redactor): string {
  if (!(cause instanceof Error)) return redact(safeString(cause));
  const inner = cause.cause instanceof Error ? `: ${safeString((cause.cause as NodeJS.ErrnoException).code ?? cause.cause.message)}` : "";
  return redact(`${safeString(cause.message)}${inner}`);
}

/** String(value), for a value that may be a Proxy or have a throwing toString. */
function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return "(a value that cannot be shown)";
  }
}
