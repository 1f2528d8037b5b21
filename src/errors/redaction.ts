// Redaction, in one place: whatever a server or a custom fetch hands back may echo the
// credentials, and nothing the client throws may carry them.
//
// A redactor is made for one set of secrets (a client's fixed credentials plus the tokens one call
// used), so no window of remembered tokens can run out. A string is searched for each secret in
// each form a server may echo it in, two ways:
// - the text decoded, once and twice (any pair), in each way a server may have encoded it: JSON
//   string escapes (`\"`, `\/`, `\uXXXX` for any character, in any mixture with plain ones),
//   percent-encoding (either case), form-encoding (`+` for a space), JSON-pointer escapes (`~0`,
//   `~1`) and HTML/XML character references (named, decimal, hex);
// - the secret encoded, in the ways that cannot be decoded from a text without knowing where
//   they start: its UTF-8 read as Latin-1 or Windows-1252 (mojibake: `é` as `Ã©`), and its
//   base64 and base64url at each of the three byte alignments it may stand at in a longer one
//   (the characters that depend on its bytes only), of the secret and of each escaped form a
//   request carries it in (percent, form, JSON string): a server echoing the body it got, base64'd;
// - line breaks dropped, as one more decoding: MIME base64 breaks its lines inside any form.
// Each decoding is one pass that remembers where each decoded character came from, and the search
// is a plain substring search: linear in the text whatever the secrets hold (a regular expression
// over the forms backtracked exponentially on backslashes, and would not compile for a long token).
//
// A short secret (fewer than SHORT_SECRET characters, a token "a") is scrubbed where it stands as
// a whole word or value, not inside other words: "claimTask" and "/data/name" stay readable while
// "token a expired" does not show it. Its base64 is a few characters that any text holds: not searched.
//
// Values are walked with an explicit stack, so a deep body cannot overflow the call stack; below
// MAX_DEPTH levels it is cut, so that the error stays serialisable.
import { isObjectLiteral } from "../util/values.js";

const REDACTED = "[redacted]";
/** How deep a scrubbed copy goes; deeper containers become a note (JSON.stringify recurses). */
export const MAX_DEPTH = 256;
const TOO_DEEP = `[cut: nested deeper than ${MAX_DEPTH} levels]`;

/** Returns a copy of `value` with every secret replaced by `[redacted]`; strings, numbers, arrays and plain objects are scrubbed (member names too). */
/**
 * Given `until` (a time as Date.now() gives), a large value's walk stops by throwing once past it:
 * an answer's body is scrubbed within its call's deadline, or not at all.
 */
export type Redactor = (<T>(value: T, until?: number) => T) & {
  /** See scrubJoined: a text put together from pieces each scrubbed already. */
  readonly joined?: (text: string) => string;
};

/**
 * A message put together from pieces each scrubbed already, scrubbed again for what the joins
 * may form ("Denied" + ": hunter2"): by the long secrets' forms only. A short secret is a word
 * within a piece, already scrubbed there; rescanning the whole for it would scrub the client's own
 * words instead ("with a body" for the token "a").
 */
export function scrubJoined(redact: Redactor, text: string): string {
  return redact.joined ? redact.joined(text) : redact(text);
}

/** The redactor for no secrets at all: returns its input. */
export const noRedaction: Redactor = (value) => value;

/** A secret shorter than this is scrubbed only where it stands as a whole word (see above). */
export const SHORT_SECRET = 6;

/** One string searched for: a secret or one of its encoded forms; `whole` when it must stand as a word. */
interface Needle {
  text: string;
  whole: boolean;
}

/** A redactor for these secrets, in every form listed above. */
export function createRedactor(secrets: readonly string[]): Redactor {
  const given = [...new Set(secrets)].filter((s) => typeof s === "string" && s.length > 0);
  if (given.length === 0) return noRedaction;
  const needles = needlesOf(given);
  const scrub = scrubber(needles);
  const long = needles.filter((n) => !n.whole);
  // Only a secret made of what a number prints as can hide in one; a long one may come back
  // rounded (JSON.parse keeps 17 digits), so its value is compared too.
  const numeric = given.filter((n) => /^[0-9.eE+\-]+$/.test(n));
  const inNumbers = numeric.length > 0 ? new Set(numeric.map(Number).filter(Number.isFinite)) : undefined;
  const redact = ((value: unknown, until?: number) => walk(value, scrub, inNumbers, until ?? Infinity)) as Redactor;
  return Object.assign(redact, { joined: long.length === needles.length ? scrub : scrubber(long) });
}

/** Scrubs a string of these needles, in each decoding and pair of decodings. */
function scrubber(needles: readonly Needle[]): (text: string) => string {
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

/** Each secret, and the forms of it that are searched for as they are (mojibake, base64). */
function needlesOf(secrets: readonly string[]): Needle[] {
  const out = new Map<string, Needle>();
  const add = (text: string, whole: boolean) => {
    if (text.length === 0) return;
    // A form that is also a longer secret's is searched everywhere.
    const known = out.get(text);
    out.set(text, { text, whole: known ? known.whole && whole : whole });
  };
  for (const secret of secrets) {
    const short = secret.length < SHORT_SECRET;
    add(secret, short);
    const bytes = new TextEncoder().encode(secret);
    if (bytes.length !== secret.length) {
      // UTF-8 read as Latin-1, and as Windows-1252 (its 0x80–0x9F differ).
      let latin1 = "";
      for (const b of bytes) latin1 += String.fromCharCode(b);
      add(latin1, short);
      add(
        latin1.replace(/[\x80-\x9f]/g, (c) => WINDOWS_1252[c.charCodeAt(0) - 0x80]!),
        short,
      );
    }
    if (short) continue;
    // Its base64 as sent, and as each escaped form a request carried it in (a server echoing the
    // body it got, base64-encoded): computed once here, so the search stays one pass per needle.
    for (const escaped of escapedForms(secret)) {
      for (const form of base64Forms(new TextEncoder().encode(escaped))) add(form, false);
    }
    // Its UTF-8 bytes in hex, as a server logging or echoing bytes writes them (either case).
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    add(hex, false);
    add(hex.toUpperCase(), false);
  }
  return [...out.values()];
}

/**
 * The secret and the escaped forms a request carries it in: percent-encoded (encodeURIComponent,
 * and with lower-case hex), form-encoded (URLSearchParams: `+` for a space, `*-._` kept) and as a
 * JSON string's contents.
 */
function escapedForms(secret: string): Set<string> {
  const forms = new Set<string>([secret]);
  try {
    const percent = encodeURIComponent(secret);
    forms.add(percent);
    forms.add(percent.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()));
    forms.add(new URLSearchParams({ s: secret }).toString().slice(2));
  } catch {
    // A lone surrogate cannot be percent-encoded: such a secret is sent only as JSON.
  }
  forms.add(JSON.stringify(secret).slice(1, -1));
  return forms;
}

/**
 * The base64 and base64url of `bytes` wherever they stand in a longer base64 text: at each of the
 * three alignments, the characters that encode only their bits (without `=` padding).
 */
function base64Forms(bytes: Uint8Array): string[] {
  const forms: string[] = [];
  for (let k = 0; k < 3; k++) {
    const padded = new Uint8Array(k + bytes.length);
    padded.set(bytes, k);
    let binary = "";
    for (const b of padded) binary += String.fromCharCode(b);
    const encoded = btoa(binary);
    const slice = encoded.slice(Math.ceil((8 * k) / 6), Math.floor((8 * (k + bytes.length)) / 6));
    forms.push(slice, slice.replace(/\+/g, "-").replace(/\//g, "_"));
  }
  return forms;
}

/** Windows-1252's characters for the bytes 0x80–0x9F (the five it leaves undefined stay as they are). */
const WINDOWS_1252 = [
  ..."\u20ac\x81\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\x8d\u017d\x8f\x90\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\x9d\u017e\u0178",
];

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
    let [start, end] = spans[i++]!;
    while (i < spans.length && spans[i]![0] < end) end = Math.max(end, spans[i++]![1]);
    out += text.slice(at, start) + REDACTED;
    at = end;
  }
  return out + text.slice(at);
}

/** One way a server encodes text: where an escape may start, and what the escape at `i` decodes to. */
interface Decoding {
  /** Global (`g`): where an escape may start. */
  trigger: RegExp;
  at(text: string, i: number): { units: string; end: number } | undefined;
}

/**
 * The text decoded, or undefined when it holds no escape of this kind. `original(d)` is where the
 * decoded text's unit `d` began in the original (a unit inside one escape's output maps to the
 * escape's start; one past the end maps past the end): found from the escapes' marks by binary
 * search, so the cost is the escapes', not the text's.
 */
function decode(text: string, decoding: Decoding): { text: string; original(d: number): number } | undefined {
  // Global and shared: reset here, and nothing else runs between.
  const trigger = decoding.trigger;
  trigger.lastIndex = 0;
  let out = "";
  let run = 0;
  // For each escape: where it starts in the decoded and the original text, and its two lengths.
  const decodedAt: number[] = [];
  const originalAt: number[] = [];
  const decodedLength: number[] = [];
  const originalLength: number[] = [];
  for (let m = trigger.exec(text); m !== null; m = trigger.exec(text)) {
    const escape = decoding.at(text, m.index);
    if (!escape) continue;
    out += text.slice(run, m.index);
    decodedAt.push(out.length);
    originalAt.push(m.index);
    decodedLength.push(escape.units.length);
    originalLength.push(escape.end - m.index);
    out += escape.units;
    run = escape.end;
    trigger.lastIndex = escape.end;
  }
  if (decodedAt.length === 0) return undefined;
  out += text.slice(run);
  const original = (d: number): number => {
    let lo = 0;
    let hi = decodedAt.length - 1;
    let k = -1; // the last escape that starts at or before d
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (decodedAt[mid]! <= d) {
        k = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (k < 0) return d;
    const past = d - decodedAt[k]!;
    if (past < decodedLength[k]!) return originalAt[k]!;
    return originalAt[k]! + originalLength[k]! + (past - decodedLength[k]!);
  };
  return { text: out, original };
}

const JSON_SHORT: Record<string, string> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};
const isHex = (text: string) => /^[0-9a-fA-F]+$/.test(text);
const utf8 = new TextDecoder();

/** Any character that begins an escape of one of the decodings below. */
const ANY_ESCAPE = /[\\%+~&\n]/;

const DECODINGS: Decoding[] = [
  // JSON string escapes.
  {
    trigger: /\\/g,
    at(text, i) {
      const next = text[i + 1];
      if (next === "u") {
        const hex = text.slice(i + 2, i + 6);
        return hex.length === 4 && isHex(hex)
          ? { units: String.fromCharCode(parseInt(hex, 16)), end: i + 6 }
          : undefined;
      }
      return next !== undefined && JSON_SHORT[next] !== undefined
        ? { units: JSON_SHORT[next]!, end: i + 2 }
        : undefined;
    },
  },
  // Percent-encoding (UTF-8, either case).
  { trigger: /%/g, at: percentAt },
  // Form-encoding: percent-encoding, and `+` for a space.
  { trigger: /[%+]/g, at: (text, i) => (text[i] === "+" ? { units: " ", end: i + 1 } : percentAt(text, i)) },
  // JSON-pointer escapes, as member names stand in violation paths.
  {
    trigger: /~/g,
    at: (text, i) =>
      text[i + 1] === "0" ? { units: "~", end: i + 2 } : text[i + 1] === "1" ? { units: "/", end: i + 2 } : undefined,
  },
  // HTML/XML character references: `&amp;`, `&eacute;`, `&#38;`, `&#x26;` (a numeric one's `;` may be missing).
  { trigger: /&/g, at: referenceAt },
  // Line breaks dropped: MIME base64 breaks its text into 76-character lines, anywhere in a secret's form.
  { trigger: /\r?\n/g, at: (text, i) => ({ units: "", end: text[i] === "\r" ? i + 2 : i + 1 }) },
];

/** The character a character reference at `i` stands for, or undefined. */
function referenceAt(text: string, i: number): { units: string; end: number } | undefined {
  const numeric = /^&#(?:[xX]([0-9a-fA-F]{1,6})|([0-9]{1,7}));?/.exec(text.slice(i, i + 12));
  if (numeric) {
    const code = numeric[1] !== undefined ? parseInt(numeric[1], 16) : parseInt(numeric[2]!, 10);
    return code <= 0x10ffff ? { units: String.fromCodePoint(code), end: i + numeric[0].length } : undefined;
  }
  const named = /^&([A-Za-z][A-Za-z0-9]{1,7});/.exec(text.slice(i, i + 10));
  const units = named ? NAMED_REFERENCES.get(named[1]!) : undefined;
  return units === undefined ? undefined : { units, end: i + named![0].length };
}

/**
 * The named references a server writes for text: XML's five, and HTML's for every character of
 * Latin-1 (what PHP's htmlentities writes), U+00A0 to U+00FF in order.
 */
const NAMED_REFERENCES = new Map<string, string>([
  ["amp", "&"],
  ["lt", "<"],
  ["gt", ">"],
  ["quot", '"'],
  ["apos", "'"],
  ...(
    "nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute micro para middot " +
    "cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml " +
    "Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig " +
    "agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute " +
    "ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml"
  )
    .split(" ")
    .map((name, i): [string, string] => [name, String.fromCharCode(0xa0 + i)]),
]);

/** The character that the %XX escapes at `i` encode in UTF-8 (one to four bytes), or undefined. */
function percentAt(text: string, i: number): { units: string; end: number } | undefined {
  const byteAt = (at: number) => {
    const hex = text.slice(at + 1, at + 3);
    return text[at] === "%" && hex.length === 2 && isHex(hex) ? parseInt(hex, 16) : -1;
  };
  const lead = byteAt(i);
  if (lead < 0) return undefined;
  if (lead < 0x80) return { units: String.fromCharCode(lead), end: i + 3 };
  const length = lead >= 0xf0 && lead < 0xf8 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  const bytes = [lead];
  for (let k = 1; k < length; k++) {
    const next = byteAt(i + 3 * k);
    if (next < 0x80 || next > 0xbf) return undefined;
    bytes.push(next);
  }
  return { units: utf8.decode(new Uint8Array(bytes)), end: i + 3 * length };
}

/**
 * A scrubbed copy of `value`: strings scrubbed, arrays and plain objects (any realm's, and those
 * with no prototype) copied with their member names scrubbed, anything else kept as it is. No
 * recursion: the depth of a body is not bounded by the stack.
 */
function walk(
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

/**
 * What an error may keep as its cause: a fresh Error carrying only the scrubbed name, message,
 * stack and code of the original (and of its causes, in the message). The original is never kept:
 * whatever it holds besides (a request's headers, a config object, a cause that is no Error)
 * would show in util.inspect.
 */
export function safeCause(cause: unknown, redact: Redactor): unknown {
  // Any getter or Proxy trap of a hostile error may throw: what cannot be read is not shown.
  try {
    if (!(cause instanceof Error)) return redact(typeof cause === "string" ? cause : safeString(cause));
    const copy = new Error(describeCause(cause, redact));
    copy.name = redact(safeString(cause.name));
    copy.stack = redact(typeof cause.stack === "string" ? cause.stack : "");
    const code = (cause as NodeJS.ErrnoException).code;
    if (typeof code === "string") Object.assign(copy, { code: redact(code) });
    return copy;
  } catch {
    return new Error(UNSHOWABLE);
  }
}

/** An error in a line: its message and, for fetch's "fetch failed", the code of what lay beneath. */
export function describeCause(cause: unknown, redact: Redactor): string {
  try {
    if (!(cause instanceof Error)) return redact(safeString(cause));
    const inner =
      cause.cause instanceof Error
        ? `: ${safeString((cause.cause as NodeJS.ErrnoException).code ?? cause.cause.message)}`
        : "";
    return redact(`${safeString(cause.message)}${inner}`);
  } catch {
    return UNSHOWABLE;
  }
}

const UNSHOWABLE = "(an error that cannot be shown)";

/** String(value), for a value that may be a Proxy or have a throwing toString. */
function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return "(a value that cannot be shown)";
  }
}
