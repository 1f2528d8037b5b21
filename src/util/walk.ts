// Copying a JSON-like value, bounded, with its leaves and member names mapped: the one value walk
// the redactor (secrets scrubbed) and recordings (people's values replaced) both use. It knows
// nothing of what the mapping does. A value may come from anywhere (an answer nested 200,000
// deep, a caller's Proxy), so:
// - it is walked with an explicit stack, never recursion: its depth is not bounded by the stack;
// - containers nested deeper than MAX_DEPTH levels become a note, so the copy stays serialisable
//   (JSON.stringify recurses) and a cycle ends;
// - given a deadline, it stops by throwing once past it;
// - only arrays and object literals (any realm's, and those with no prototype: what JSON.parse
//   makes) are walked into; anything else is a leaf. Each member is read once, by its own
//   enumerable name (Object.keys), so a getter or Proxy trap runs once and what it throws
//   propagates to the caller;
// - a member named "__proto__" stays a member of the copy, never its prototype.
// Each container's members are visited in order, then the containers they hold, last first (a
// mapping that numbers what it finds, as recordings' placeholders do, numbers in that order).
import { isObjectLiteral } from "./values.js";

/** How deep a copy goes; deeper containers become TOO_DEEP (JSON.stringify recurses). */
export const MAX_DEPTH = 256;
const TOO_DEEP = `[cut: nested deeper than ${MAX_DEPTH} levels]`;

/** What a copy changes. */
export interface CopyMapping {
  /** What a leaf (anything not walked into: a string, a number, null, a Date…) becomes; kept when absent. */
  leaf?: (value: unknown) => unknown;
  /** What a member name becomes (called once per distinct name in a walk: a body repeats its names); kept when absent. */
  name?: (name: string) => string;
  /**
   * A member decided by its (original) name and value before the walk goes into it: `{ value }`
   * is what the copy holds there, as it is (not walked, its name still mapped); undefined lets
   * the walk go on.
   */
  member?: (name: string, value: unknown) => { value: unknown } | undefined;
  /** A time as Date.now() gives: once past it, the walk throws (checked every 1,024 members). */
  until?: number;
}

type Shell = Record<string, unknown> | unknown[];

/** A copy of `value` with its leaves and member names mapped; see the top of this module. */
export function copyValue(value: unknown, mapping: CopyMapping): unknown {
  const leaf = mapping.leaf ?? ((v: unknown) => v);
  if (!isContainer(value)) return leaf(value);
  const until = mapping.until ?? Infinity;
  const names = new Map<string, string>();
  const nameOf = (key: string): string => {
    if (!mapping.name) return key;
    let name = names.get(key);
    if (name === undefined) names.set(key, (name = mapping.name(key)));
    return name;
  };
  const root = copyShell(value);
  const stack: Array<[source: object, target: Shell, depth: number]> = [[value, root, 1]];
  /** One member: decided by the mapping, a leaf mapped, a container copied (and queued), or cut below MAX_DEPTH. */
  const step = (member: unknown, depth: number): unknown => {
    if (!isContainer(member)) return leaf(member);
    if (depth >= MAX_DEPTH) return TOO_DEEP;
    const copy = copyShell(member);
    stack.push([member, copy, depth + 1]);
    return copy;
  };
  // Members walked: every 1,024th looks at the clock.
  let walked = 0;
  while (stack.length > 0) {
    const [source, target, depth] = stack.pop()!;
    if (Array.isArray(source)) {
      const list = target as unknown[];
      for (let i = 0; i < source.length; i++) {
        if ((++walked & 1023) === 0) checkClock(until);
        list[i] = step(source[i], depth);
      }
    } else {
      const record = target as Record<string, unknown>;
      for (const key of Object.keys(source)) {
        if ((++walked & 1023) === 0) checkClock(until);
        const name = nameOf(key);
        const original = (source as Record<string, unknown>)[key];
        const decided = mapping.member?.(key, original);
        const member = decided ? decided.value : step(original, depth);
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
  if (until !== Infinity && Date.now() > until) throw new Error("copying stopped: past the call's deadline");
}

/** What is walked into: arrays and object literals (a parsed body's kinds); anything else is kept as it is. */
function isContainer(value: unknown): value is object {
  return Array.isArray(value) || (value !== null && typeof value === "object" && isObjectLiteral(value));
}

function copyShell(value: object): Shell {
  return Array.isArray(value)
    ? new Array<unknown>(value.length)
    : (Object.create(Object.prototype) as Record<string, unknown>);
}
