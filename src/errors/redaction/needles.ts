// The needles: each secret, and the forms of it that are searched for as they are (mojibake,
// base64, hex), since they cannot be decoded from a text without knowing where they start.
//
// The forms claimed are each listed encoding of the secret, and each listed encoding of each of
// those (any two at once, in either order), built from the two lists below rather than listed by
// hand. A form whose outer encoding is an escape (ESCAPES) is found by decoding the text (the
// scrubber decodes each escape, and each pair): only the forms whose outer encoding is searched
// for as it stands (AS_IS) become needles: those of the secret, of each escaped form of it, and
// of each of its own as-is forms (hex of the form-encoded secret, base64 of its HTML references,
// base64url of its base64…).
import { NAMED_REFERENCES } from "./decodings.js";

/** A secret shorter than this is scrubbed only where it stands as a whole word (see redactor.ts). */
export const SHORT_SECRET = 6;

/** One string searched for: a secret or one of its encoded forms; `whole` when it must stand as a word. */
export interface Needle {
  text: string;
  whole: boolean;
}

/** One encoding: the forms a text takes in it (the variants servers write). */
type Encoding = (text: string) => string[];

/** Each secret, and the forms of it that are searched for as they are (see above). */
export function needlesOf(secrets: readonly string[]): Needle[] {
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
    if (short) {
      // A short secret's base64 and hex are a few characters any text holds: only its mojibake.
      for (const form of mojibake(secret)) add(form, true);
      continue;
    }
    // Every listed encoding of the secret (ESCAPES and AS_IS), then each as-is encoding of each.
    const single = new Set<string>();
    for (const encoding of [...ESCAPES, ...AS_IS]) for (const form of encoding(secret)) single.add(form);
    for (const form of AS_IS.flatMap((encoding) => encoding(secret))) add(form, false);
    for (const inner of single) for (const encoding of AS_IS) for (const form of encoding(inner)) add(form, false);
  }
  return [...out.values()];
}

const utf8 = new TextEncoder();
const hex2 = (n: number) => n.toString(16).padStart(2, "0");

/** UTF-8 read as Latin-1, and as Windows-1252 (its 0x80–0x9F differ): none for ASCII. */
function mojibake(text: string): string[] {
  const bytes = utf8.encode(text);
  if (bytes.length === text.length) return [];
  let latin1 = "";
  for (const b of bytes) latin1 += String.fromCharCode(b);
  return [latin1, latin1.replace(/[\x80-\x9f]/g, (c) => WINDOWS_1252[c.charCodeAt(0) - 0x80]!)];
}

/** Its UTF-8 bytes in hex, as a server logging or echoing bytes writes them (either case). */
function hex(text: string): string[] {
  const lower = Array.from(utf8.encode(text), hex2).join("");
  return [lower, lower.toUpperCase()];
}

/**
 * The base64 and base64url of its UTF-8 wherever they stand in a longer base64 text: at each of
 * the three alignments, the characters that encode only its bits (without `=` padding).
 */
function base64(text: string): string[] {
  const bytes = utf8.encode(text);
  const forms: string[] = [];
  for (let k = 0; k < 3; k++) {
    let binary = "\0".repeat(k);
    for (const b of bytes) binary += String.fromCharCode(b);
    const slice = btoa(binary).slice(Math.ceil((8 * k) / 6), Math.floor((8 * (k + bytes.length)) / 6));
    forms.push(slice, slice.replace(/\+/g, "-").replace(/\//g, "_"));
  }
  return forms;
}

/** Encodings searched for as they stand: they cannot be decoded without knowing where they start. */
const AS_IS: Encoding[] = [mojibake, hex, base64];

/** Percent-encoding: encodeURIComponent's, with lower-case hex, and of every byte (either case). */
function percent(text: string): string[] {
  let encoded: string;
  try {
    encoded = encodeURIComponent(text);
  } catch {
    return []; // A lone surrogate cannot be percent-encoded: such a secret is sent only as JSON.
  }
  const every = Array.from(utf8.encode(text), (b) => `%${hex2(b)}`).join("");
  return [encoded, encoded.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()), every, every.toUpperCase()];
}

/** Form-encoding, as a request's body carries it (URLSearchParams: `+` for a space, `*-._` kept). */
function form(text: string): string[] {
  // Not for a lone surrogate, which URLSearchParams would replace (see percent).
  return percent(text).length === 0 ? [] : [new URLSearchParams({ s: text }).toString().slice(2)];
}

/**
 * A JSON string's contents: as JSON.stringify writes it, with `\/` (PHP), with `\u` for every
 * character past ASCII (Python, PHP), both, and with `\u` for every character.
 */
function json(text: string): string[] {
  const plain = JSON.stringify(text).slice(1, -1);
  const u = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
  const ascii = plain.replace(/[^\x00-\x7f]/g, u);
  const slashed = (t: string) => t.replace(/\//g, "\\/");
  return [plain, slashed(plain), ascii, slashed(ascii), text.replace(/[^]/g, u)];
}

/** JSON-pointer escapes, as member names stand in violation paths. */
function jsonPointer(text: string): string[] {
  return [text.replace(/~/g, "~0").replace(/\//g, "~1")];
}

/**
 * HTML/XML character references: `&<>` named and the quotes as XML, PHP, Python and Go write
 * them (or kept, as text content), PHP's htmlentities (Latin-1 named too), and every character
 * as a decimal (with or without `;`) or hex reference (either case).
 */
function html(text: string): string[] {
  const basic = (quot: string, apos: string) =>
    text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': quot, "'": apos })[c]!);
  const chars = [...text];
  const code = (c: string) => c.codePointAt(0)!;
  const hexRefs = chars.map((c) => `&#x${code(c).toString(16)};`).join("");
  return [
    basic('"', "'"),
    basic("&quot;", "&apos;"),
    basic("&quot;", "&#39;"),
    basic("&quot;", "&#039;"),
    basic("&quot;", "&#x27;"),
    basic("&#34;", "&#39;"),
    basic("&quot;", "&#039;").replace(/[\xa0-\xff]/g, (c) => `&${ENTITY_NAMES.get(c)!};`),
    chars.map((c) => `&#${code(c)};`).join(""),
    chars.map((c) => `&#${code(c)}`).join(""),
    hexRefs,
    hexRefs.replace(/#x[0-9a-f]+/g, (r) => `#x${r.slice(2).toUpperCase()}`),
  ];
}

/** Encodings a text is decoded from wherever it stands (decodings.ts): as an outer one, no needle. */
const ESCAPES: Encoding[] = [percent, form, json, jsonPointer, html];

/** The name of each Latin-1 character's named reference (what htmlentities writes). */
const ENTITY_NAMES = new Map([...NAMED_REFERENCES].filter(([, c]) => c >= "\xa0").map(([name, c]) => [c, name]));

/** Windows-1252's characters for the bytes 0x80–0x9F (the five it leaves undefined stay as they are). */
const WINDOWS_1252 = [
  ..."\u20ac\x81\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\x8d\u017d\x8f\x90\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\x9d\u017e\u0178",
];
