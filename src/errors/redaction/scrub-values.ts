// A value scrubbed: walked with an explicit stack, so a deep body cannot overflow the call stack;
// below MAX_DEPTH levels it is cut, so that the error stays serialisable.
import { isObjectLiteral } from "../../util/values.js";
import { REDACTED } from "./scrub-text.js";

/** How deep a scrubbed copy goes; deeper containers become a note (JSON.stringify recurses). */
export const MAX_DEPTH = 256;
const TOO_DEEP = `[cut: nested deeper than ${MAX_DEPTH} levels]`;

/**
 * A scrubbed copy of `value`: strings scrubbed, arrays and plain objects (any realm's, and those
 * with no prototype) copied with their member names scrubbed, anything else kept as it is. No
 * recursion: the depth of a body is not bounded by the stack.
 */
export function walk(
  value: unknown,
  scrub: (text: string) => string,
  inNumbers: ReadonlySet<number> | undefined,
  until: number,
): unknown {
  if (!isContainer(value)) return scrubLeaf(value, scrub, inNumbers);
  // A body repeats its member names: each is scrubbed once.
  const names = new Map<string, string>();
  const root = copyShell(value);
  const stack: Array<[source: object, target: Record<string, unknown> | unknown[], depth: number]> = [[value, root, 1]];
  // Members walked: every 1,024th looks at the clock.
  let walked = 0;
  while (stack.length > 0) {
    const [source, target, depth] = stack.pop()!;
    if (Array.isArray(source)) {
      const list = target as unknown[];
      for (let i = 0; i < source.length; i++) {
        if ((++walked & 1023) === 0) checkClock(until);
        list[i] = step(source[i], depth, stack, scrub, inNumbers);
      }
    } else {
      const record = target as Record<string, unknown>;
      for (const key of Object.keys(source)) {
        if ((++walked & 1023) === 0) checkClock(until);
        let name = names.get(key);
        if (name === undefined) names.set(key, (name = scrub(key)));
        const member = step((source as Record<string, unknown>)[key], depth, stack, scrub, inNumbers);
        // A parsed body may have an own "__proto__" member: kept as a member, never a prototype.
        if (name === "__proto__")
          Object.defineProperty(record, name, { value: member, enumerable: true, writable: true, configurable: true });
        else record[name] = member;
      }
    }
  }
  return root;
}

/** Throws once Date.now() is past `until`: the walk's caller has run out of time. */
function checkClock(until: number): void {
  if (until !== Infinity && Date.now() > until) throw new Error("scrubbing stopped: past the call's deadline");
}

/** One member: a leaf scrubbed, a container copied (and queued), or cut below MAX_DEPTH. */
function step(
  member: unknown,
  depth: number,
  stack: Array<[object, Record<string, unknown> | unknown[], number]>,
  scrub: (text: string) => string,
  inNumbers: ReadonlySet<number> | undefined,
): unknown {
  if (!isContainer(member)) return scrubLeaf(member, scrub, inNumbers);
  if (depth >= MAX_DEPTH) return TOO_DEEP;
  const copy = copyShell(member);
  stack.push([member, copy, depth + 1]);
  return copy;
}

/** A string scrubbed; a number whose digits hold a secret (a numeric password echoed as a JSON number) becomes `[redacted]`. */
function scrubLeaf(
  value: unknown,
  scrub: (text: string) => string,
  inNumbers: ReadonlySet<number> | undefined,
): unknown {
  if (typeof value === "string") return scrub(value);
  if (inNumbers && (typeof value === "number" || typeof value === "bigint")) {
    const text = String(value);
    return scrub(text) === text && !inNumbers.has(Number(value)) ? value : REDACTED;
  }
  return value;
}

/** What is walked into: arrays and object literals (a parsed body's kinds); anything else is kept as it is. */
function isContainer(value: unknown): value is object {
  return Array.isArray(value) || (value !== null && typeof value === "object" && isObjectLiteral(value));
}

function copyShell(value: object): Record<string, unknown> | unknown[] {
  return Array.isArray(value)
    ? new Array<unknown>(value.length)
    : (Object.create(Object.prototype) as Record<string, unknown>);
}
