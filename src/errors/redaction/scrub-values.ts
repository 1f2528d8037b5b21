// A value scrubbed: copied by the one bounded value walk (util/walk.ts: no recursion, cut below
// MAX_DEPTH levels so that the error stays serialisable, stopped at a deadline), with every string
// and member name scrubbed and every number that prints a secret redacted.
import { copyValue } from "../../util/walk.js";
import { REDACTED } from "./scrub-text.js";

/**
 * A scrubbed copy of `value`: strings scrubbed, arrays and plain objects (any realm's, and those
 * with no prototype) copied with their member names scrubbed, anything else kept as it is.
 */
export function scrubValue(
  value: unknown,
  scrub: (text: string) => string,
  inNumbers: ReadonlySet<number> | undefined,
  until: number,
): unknown {
  return copyValue(value, { leaf: (leaf) => scrubLeaf(leaf, scrub, inNumbers), name: scrub, until });
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
