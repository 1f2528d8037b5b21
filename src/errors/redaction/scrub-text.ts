// A string scrubbed: each needle found as it stands and in each decoding (and pair of decodings)
// of the text, by a plain substring search, and each span found replaced by `[redacted]`.
import type { Needle } from "./needles.js";
import { ANY_ESCAPE, decode, DECODINGS } from "./decodings.js";

export const REDACTED = "[redacted]";

/** Scrubs a string of these needles, in each decoding and pair of decodings. */
export function scrubber(needles: readonly Needle[]): (text: string) => string {
  return (text: string): string => {
    const spans: Array<[number, number]> = [];
    findAll(text, needles, (start, end) => spans.push([start, end]));
    // Most strings hold no escape of any kind: one scan spares the decodings.
    if (ANY_ESCAPE.test(text)) {
      for (const decoding of DECODINGS) {
        const once = decode(text, decoding);
        if (!once) continue;
        findAll(once.text, needles, (start, end) => spans.push([once.original(start), once.original(end)]));
        // Two encodings at once (percent-encoded text in a JSON string, as PHP writes `\/`…).
        for (const second of DECODINGS) {
          const twice = second === decoding ? undefined : decode(once.text, second);
          if (twice)
            findAll(twice.text, needles, (start, end) =>
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

function findAll(text: string, needles: readonly Needle[], found: (start: number, end: number) => void): void {
  for (const { text: needle, whole } of needles) {
    const length = needle.length;
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
