// Redaction, in one place: whatever a server or a custom fetch hands back may echo the
// credentials, and nothing the client throws may carry them.
//
// A redactor is made for one set of secrets (a client's fixed credentials plus the tokens one call
// used), so no window of remembered tokens can run out. A string is searched for each secret as it
// is, and as it reads once decoded in each way a server may have encoded it: JSON string escapes
// (`\"`, `\/`, `\uXXXX` for any character, in any mixture with plain ones), percent-encoding
// (either case), form-encoding (`+` for a space) and JSON-pointer escapes (`~0`, `~1`). Each
// decoding is one pass that remembers where each decoded character came from, and the search is a
// plain substring search: linear in the text whatever the secrets hold (a regular expression over
// the forms backtracked exponentially on backslashes, and would not compile for a long token).
// Values are walked with an explicit stack, so a deep body cannot overflow the call stack; below
// MAX_DEPTH levels it is cut, so that the error stays serialisable.
import { isObjectLiteral } from "./values.js";

const REDACTED = "[redacted]";
/** How deep a scrubbed copy goes; deeper containers become a note (JSON.stringify recurses). */
export const MAX_DEPTH = 256;
const TOO_DEEP = `[cut: nested deeper than ${MAX_DEPTH} levels]`;

/** Returns a copy of `value` with every secret replaced by `[redacted]`; strings, numbers, arrays and plain objects are scrubbed (member names too). */
export type Redactor = <T>(value: T) => T;

/** The redactor for no secrets at all: returns its input. */
export const noRedaction: Redactor = (value) => value;

/** A redactor for these secrets, in every form listed above. */
export function createRedactor(secrets: readonly string[]): Redactor {
  const needles = [...new Set(secrets)].filter((s) => typeof s === "string" && s.length > 0);
  if (needles.length === 0) return noRedaction;
  const scrub = (text: string): string => {
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
          if (twice) findAll(twice.text, needles, (start, end) => spans.push([once.original(twice.original(start)), once.original(twice.original(end))]));
        }
      }
    }
    return spans.length === 0 ? text : replaceSpans(text, spans);
  };
  // Only a secret made of what a number prints as can hide in one; a long one may come back
  // rounded (JSON.parse keeps 17 digits), so its value is compared too.
  const numeric = needles.filter((n) => /^[0-9.eE+\-]+$/.test(n));
  const inNumbers = numeric.length > 0 ? new Set(numeric.map(Number).filter(Number.isFinite)) : undefined;
  return ((value: unknown) => walk(value, scrub, inNumbers)) as Redactor;
}

function findAll(text: string, needles: readonly string[], found: (start: number, end: number) => void): void {
  for (const needle of needles) {
    // Past each match, not one character on: a text of a secret's repeats costs its length, not
    // its length times the secret's (what is left of a secret inside a match is no secret).
    for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) found(at, at + needle.length);
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

const JSON_SHORT: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
const isHex = (text: string) => /^[0-9a-fA-F]+$/.test(text);
const utf8 = new TextDecoder();

/** Any character that begins an escape of one of the decodings below. */
const ANY_ESCAPE = /[\\%+~]/;

const DECODINGS: Decoding[] = [
  // JSON string escapes.
  {
    trigger: /\\/g,
    at(text, i) {
      const next = text[i + 1];
      if (next === "u") {
        const hex = text.slice(i + 2, i + 6);
        return hex.length === 4 && isHex(hex) ? { units: String.fromCharCode(parseInt(hex, 16)), end: i + 6 } : undefined;
      }
      return next !== undefined && JSON_SHORT[next] !== undefined ? { units: JSON_SHORT[next]!, end: i + 2 } : undefined;
    },
  },
  // Percent-encoding (UTF-8, either case).
  { trigger: /%/g, at: percentAt },
  // Form-encoding: percent-encoding, and `+` for a space.
  { trigger: /[%+]/g, at: (text, i) => (text[i] === "+" ? { units: " ", end: i + 1 } : percentAt(text, i)) },
  // JSON-pointer escapes, as member names stand in violation paths.
  {
    trigger: /~/g,
    at: (text, i) => (text[i + 1] === "0" ? { units: "~", end: i + 2 } : text[i + 1] === "1" ? { units: "/", end: i + 2 } : undefined),
  },
];

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
function walk(value: unknown, scrub: (text: string) => string, inNumbers: ReadonlySet<number> | undefined): unknown {
  if (!isContainer(value)) return scrubLeaf(value, scrub, inNumbers);
  // A body repeats its member names: each is scrubbed once.
  const names = new Map<string, string>();
  const root = copyShell(value);
  const stack: Array<[source: object, target: Record<string, unknown> | unknown[], depth: number]> = [[value, root, 1]];
  while (stack.length > 0) {
    const [source, target, depth] = stack.pop()!;
    if (Array.isArray(source)) {
      const list = target as unknown[];
      for (let i = 0; i < source.length; i++) list[i] = step(source[i], depth, stack, scrub, inNumbers);
    } else {
      const record = target as Record<string, unknown>;
      for (const key of Object.keys(source)) {
        let name = names.get(key);
        if (name === undefined) names.set(key, (name = scrub(key)));
        const member = step((source as Record<string, unknown>)[key], depth, stack, scrub, inNumbers);
        // A parsed body may have an own "__proto__" member: kept as a member, never a prototype.
        if (name === "__proto__") Object.defineProperty(record, name, { value: member, enumerable: true, writable: true, configurable: true });
        else record[name] = member;
      }
    }
  }
  return root;
}

/** One member: a leaf scrubbed, a container copied (and queued), or cut below MAX_DEPTH. */
function step(member: unknown, depth: number, stack: Array<[object, Record<string, unknown> | unknown[], number]>, scrub: (text: string) => string, inNumbers: ReadonlySet<number> | undefined): unknown {
  if (!isContainer(member)) return scrubLeaf(member, scrub, inNumbers);
  if (depth >= MAX_DEPTH) return TOO_DEEP;
  const copy = copyShell(member);
  stack.push([member, copy, depth + 1]);
  return copy;
}

/** A string scrubbed; a number whose digits hold a secret (a numeric password echoed as a JSON number) becomes `[redacted]`. */
function scrubLeaf(value: unknown, scrub: (text: string) => string, inNumbers: ReadonlySet<number> | undefined): unknown {
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
  return Array.isArray(value) ? new Array<unknown>(value.length) : (Object.create(Object.prototype) as Record<string, unknown>);
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
    const inner = cause.cause instanceof Error ? `: ${safeString((cause.cause as NodeJS.ErrnoException).code ?? cause.cause.message)}` : "";
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
