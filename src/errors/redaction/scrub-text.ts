// A string scrubbed: each needle found as it stands and in each decoding (and pair of decodings)
// of the text, by a plain substring search, and each span found replaced by `[redacted]`.
import type { Needle } from "./needles.js";
import { ANY_ESCAPE, decode, DECODINGS } from "./decodings.js";

export const REDACTED = "[redacted]";

/** Scrubs a string of these needles, in each decoding and pair of decodings. */
export function scrubber(given: readonly Needle[]): (text: string) => string {
  // Shortest first, each with the classes and groups of characters it holds (see findAmong):
  // prepared when first needed, as most redactors (a client's) never scrub anything.
  let prepared: Prepared[] | undefined;
  const needles = () =>
    (prepared ??= given
      .map((needle): Prepared => ({ ...needle, ...classesOf(needle.text), groups: groupsOf(needle.text) }))
      .sort((a, b) => a.text.length - b.text.length));
  // The needles a short text's classes admit, kept by those classes: texts of one shape (the
  // members of a large answer) share them, and each is read for its classes only.
  const admitted = new Map<number, Prepared[]>();
  const findAll = (text: string, found: (start: number, end: number) => void): void => {
    if (text.length > SCANNED) return findAmong(text, needles(), undefined, found);
    const held = classesOf(text);
    let among = admitted.get(held.classes);
    if (!among) {
      if (admitted.size >= 256) admitted.clear();
      among = needles().filter((needle) => (needle.classes & ~held.classes) === 0);
      admitted.set(held.classes, among);
    }
    findAmong(text, among, held.run, found);
  };
  return (text: string): string => {
    const spans: Array<[number, number]> = [];
    findAll(text, (start, end) => spans.push([start, end]));
    // Most strings hold no escape of any kind: one scan spares the decodings.
    if (ANY_ESCAPE.test(text)) {
      for (const decoding of DECODINGS) {
        const once = decode(text, decoding);
        if (!once) continue;
        findAll(once.text, (start, end) => spans.push([once.original(start), once.original(end)]));
        // Two encodings at once (percent-encoded text in a JSON string, as PHP writes `\/`…).
        for (const second of DECODINGS) {
          const twice = second === decoding ? undefined : decode(once.text, second);
          if (twice)
            findAll(twice.text, (start, end) =>
              spans.push([once.original(twice.original(start)), once.original(twice.original(end))]),
            );
        }
      }
    }
    return spans.length === 0 ? text : replaceSpans(text, spans);
  };
}

/** A letter, digit or underscore of any script: what a short secret may not touch to count as a word. */
const WORD = /[\p{L}\p{N}_]/u;
const isWordAt = (text: string, i: number) => i >= 0 && i < text.length && WORD.test(text[i]!);

/** A needle, with the classes and groups of the characters it holds and its longest run of base64's characters. */
interface Prepared extends Needle {
  classes: number;
  run: number;
  groups: number;
}

/**
 * Each ASCII character's class, 0–31 (a bit in a set): base64's and base64url's characters (hex's
 * among them) in 0–22, in small groups, the rest in 23–28; past ASCII, 29 for U+0080–U+00BF (what
 * mojibake holds and few texts do), 30 for U+00C0–U+00FF and 31 beyond.
 */
const CLASS = new Uint8Array(128).fill(28);
const BASE64_GROUPS = ["01", "23", "45", "67", "89", "abc", "def", "ghij", "klmn", "opq", "rst", "uvw", "xyz"];
for (const [i, group] of [
  ...BASE64_GROUPS,
  "ABC",
  "DEF",
  "GHIJ",
  "KLMN",
  "OPQ",
  "RST",
  "UVW",
  "XYZ",
  "+/",
  "-_",
].entries())
  for (const c of group) CLASS[c.charCodeAt(0)] = i;
for (const [i, group] of ["=%", "&;#", "\\", " \t\r\n", "\"'<>"].entries())
  for (const c of group) CLASS[c.charCodeAt(0)] = 23 + i;
const LAST_BASE64 = 22;

/** The classes of the characters a text holds (a bit set) and its longest run of base64's characters, in one pass. */
function classesOf(text: string): { classes: number; run: number } {
  let classes = 0;
  let run = 0;
  let longest = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const k = c < 128 ? CLASS[c]! : c < 0xc0 ? 29 : c < 0x100 ? 30 : 31;
    classes |= 1 << k;
    if (k <= LAST_BASE64) {
      if (++run > longest) longest = run;
    } else run = 0;
  }
  return { classes, run: longest };
}

/**
 * Groups of characters most texts lack, each a bit: a long text is tested for one (natively,
 * stopping at the first match) only when a needle holds it.
 */
const GROUPS = [
  /[A-Z]/,
  /[+/]/,
  /[-_]/,
  /[=%]/,
  /[&;#]/,
  /\\/,
  /\s/,
  /["'<>]/,
  /[\x80-\xbf]/,
  /[\xc0-\xff]/,
  /[^\x00-\xff]/,
];
const groupsOf = (text: string) => GROUPS.reduce((bits, group, i) => (group.test(text) ? bits | (1 << i) : bits), 0);

/** Up to this length a text is read once for its classes; past it, tested for a needle's groups. */
const SCANNED = 4096;

/**
 * Each needle found in `text`. Most needles are base64 or hex of a form of a secret, hundreds of
 * them: one is searched for only where the text holds every class of character it holds (the
 * needles given) and a run of base64's characters as long as its own (`longest`, a short text's),
 * or every group it holds (a long text, tested as needed): a few passes over the text, not one
 * search per needle, for most texts.
 */
function findAmong(
  text: string,
  needles: readonly Prepared[],
  longest: number | undefined,
  found: (start: number, end: number) => void,
): void {
  let tested = 0;
  let present = 0;
  for (const { text: needle, whole, run, groups } of needles) {
    const length = needle.length;
    if (length > text.length) break;
    if (longest !== undefined) {
      if (run > longest) continue;
    } else {
      for (let untested = groups & ~tested; untested !== 0; untested &= untested - 1) {
        const bit = untested & -untested;
        tested |= bit;
        if (GROUPS[31 - Math.clz32(bit)]!.test(text)) present |= bit;
        else break;
      }
      if ((groups & ~present) !== 0) continue;
    }
    // A short secret counts only as a whole word: not after or before a word character, where its own edge is one.
    const edgeStart = whole && WORD.test(needle[0]!);
    const edgeEnd = whole && WORD.test(needle[length - 1]!);
    for (let at = text.indexOf(needle); at !== -1;) {
      if ((edgeStart && isWordAt(text, at - 1)) || (edgeEnd && isWordAt(text, at + length))) {
        at = text.indexOf(needle, at + 1);
        continue;
      }
      found(at, at + length);
      // Past each match, not one character on: a text of a secret's repeats costs its length, not
      // its length times the secret's (what is left of a secret inside a match is no secret).
      at = text.indexOf(needle, at + length);
    }
  }
}

/** `text` with each span (merged where they overlap) replaced by one `[redacted]`. */
function replaceSpans(text: string, spans: Array<[number, number]>): string {
  spans.sort((a, b) => a[0] - b[0]);
  let out = "";
  let at = 0;
  let i = 0;
  while (i < spans.length) {
    const [start, spanEnd] = spans[i++]!;
    let end = spanEnd;
    while (i < spans.length && spans[i]![0] < end) end = Math.max(end, spans[i++]![1]);
    out += text.slice(at, start) + REDACTED;
    at = end;
  }
  return out + text.slice(at);
}
