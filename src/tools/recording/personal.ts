// Personal values (and secret-named members) out of recordings: the values of members that name people (an e-mail, a user
// name, a first or last name, and any more a user names) become placeholders that still keep the
// contract (an e-mail stays an e-mail), the same value always the same placeholder so that the
// recording stays coherent. Member names match case-insensitively, at any depth the one value walk
// goes (util/walk.ts: no recursion, cut below 256 levels).
import { copyValue } from "../../util/walk.js";

/** The members whose values name people, by default. */
const PERSONAL_MEMBERS: readonly string[] = ["email", "username", "firstname", "lastname"];
/**
 * Members whose values are secrets whatever they hold (a refresh or id token beside the access
 * token, a token the client could not use and so never knew as a secret): written as `[redacted]`.
 */
const SECRET_MEMBER = /token|secret|password|passwd|credential|authorization|cookie|api[-_]?key/i;

export interface PersonalScrubber {
  /** A copy of `value` with the personal members' string values replaced. */
  <T>(value: T): T;
  /** How many distinct personal values were replaced so far. */
  readonly replaced: number;
  /** The personal values replaced so far (their text), to scrub wherever else they stand. */
  originals(): string[];
  /**
   * A copy of `value` whose string values (never member names or map keys) have each personal value
   * found so far replaced by its placeholder, where it is the whole string or a whole word in it
   * (never inside a longer word: `delay` stays in `delaySeconds`).
   */
  inStrings<T>(value: T): T;
  /** The same replacement in a free text (a line verify prints). */
  inText(text: string): string;
}

/** A scrubber for these member names (and the defaults); one per recording session keeps placeholders stable across files. */
export function personalScrubber(extra: readonly string[] = []): PersonalScrubber {
  const names = new Set([...PERSONAL_MEMBERS, ...extra].map((n) => n.toLowerCase()));
  const placeholders = new Map<string, string>();
  const seen = new Set<string>();
  /** Each personal value's placeholder: the first member it was found under names it. */
  const firstPlaceholder = new Map<string, string>();
  const placeholder = (member: string, original: string): string => {
    const key = `${member}\u0000${original}`;
    let value = placeholders.get(key);
    if (value === undefined) {
      seen.add(original);
      const n = placeholders.size + 1;
      value = member.includes("mail") ? `person-${n}@example.com` : `${member}-${n}`;
      placeholders.set(key, value);
    }
    if (!firstPlaceholder.has(original)) firstPlaceholder.set(original, value);
    return value;
  };
  const scrub = (<T>(value: T): T =>
    copyValue(value, {
      member: (key, v) => {
        if (v === null || v === "" || typeof v === "boolean") return undefined;
        if (SECRET_MEMBER.test(key) && !/^token_?type$/i.test(key)) return { value: "[redacted]" };
        const member = key.toLowerCase();
        if (!names.has(member)) return undefined;
        // Whatever a person's member holds (a string, or a list or object of them) becomes one placeholder.
        const strings = typeof v === "object" ? stringsIn(v) : [];
        // A list or object is known by the strings it holds.
        const replaced = placeholder(member, typeof v === "string" ? v : `\u0000${strings.join("\u0000")}`);
        for (const inner of strings) {
          seen.add(inner);
          if (!firstPlaceholder.has(inner)) firstPlaceholder.set(inner, replaced);
        }
        return { value: replaced };
      },
    }) as T) as PersonalScrubber;
  Object.defineProperty(scrub, "replaced", { get: () => placeholders.size });
  scrub.originals = () => [...seen];
  // Linear in the text whatever the number of values: a hostile answer may name many people.
  const replaceIn = wholeValueReplacer(firstPlaceholder);
  scrub.inText = replaceIn;
  scrub.inStrings = <T>(value: T): T =>
    copyValue(value, { leaf: (leaf) => (typeof leaf === "string" ? replaceIn(leaf) : leaf) }) as T;
  return scrub;
}

/** Every non-empty string value in `value`, in order, at any depth the walk goes. */
function stringsIn(value: unknown): string[] {
  const found: string[] = [];
  copyValue(value, {
    leaf: (leaf) => {
      if (typeof leaf === "string" && leaf !== "") found.push(leaf);
      return leaf;
    },
  });
  return found;
}

/** A word character: a letter, a digit or `_` (a person's value is replaced only where it stands as whole words). */
const WORD_CHAR = /^[\p{L}\p{N}_]$/u;
const WORDS = /[\p{L}\p{N}_]+/gu;
const FIRST_WORD = /^[\p{L}\p{N}_]+/u;

/** The character ending at `end` (a surrogate pair whole), or "" at the start. */
function charBefore(text: string, end: number): string {
  if (end <= 0) return "";
  const low = text.charCodeAt(end - 1);
  return low >= 0xdc00 && low <= 0xdfff && end >= 2 ? text.slice(end - 2, end) : text[end - 1]!;
}

/** The character starting at `start`, or "" at the end. */
function charAt(text: string, start: number): string {
  const code = text.codePointAt(start);
  return code === undefined ? "" : String.fromCodePoint(code);
}

/**
 * Replaces each key of `values` by its value where it stands whole (bounded by anything that is not
 * a word character) in a text, in time linear in the text: candidates are found at word starts by
 * their first word (a map lookup), not by trying every value at every position.
 */
export function wholeValueReplacer(values: ReadonlyMap<string, string>): (text: string) => string {
  let indexedAt = -1;
  let byFirstWord = new Map<string, string[]>();
  let leading: string[] = [];
  const index = () => {
    byFirstWord = new Map();
    leading = [];
    for (const original of values.keys()) {
      const first = FIRST_WORD.exec(original)?.[0];
      if (first === undefined) leading.push(original);
      else byFirstWord.set(first, [...(byFirstWord.get(first) ?? []), original]);
    }
    for (const list of byFirstWord.values()) list.sort((a, b) => b.length - a.length);
    indexedAt = values.size;
  };
  const endsClean = (text: string, end: number) => !WORD_CHAR.test(charAt(text, end));
  const startsClean = (text: string, start: number) => !WORD_CHAR.test(charBefore(text, start));
  return (text: string): string => {
    if (values.size === 0 || text === "") return text;
    const whole = values.get(text);
    if (whole !== undefined) return whole;
    if (indexedAt !== values.size) index();
    const found: Array<[at: number, original: string]> = [];
    for (const m of text.matchAll(WORDS)) {
      const hit = byFirstWord
        .get(m[0])
        ?.find((o) => text.startsWith(o, m.index) && endsClean(text, m.index + o.length));
      if (hit !== undefined) found.push([m.index, hit]);
    }
    for (const o of leading) {
      for (let at = text.indexOf(o); at !== -1; at = text.indexOf(o, at + 1))
        if (startsClean(text, at) && endsClean(text, at + o.length)) found.push([at, o]);
    }
    if (found.length === 0) return text;
    found.sort((a, b) => a[0] - b[0] || b[1].length - a[1].length);
    let out = "";
    let last = 0;
    for (const [at, o] of found) {
      if (at < last) continue;
      out += text.slice(last, at) + values.get(o)!;
      last = at + o.length;
    }
    return out + text.slice(last);
  };
}
