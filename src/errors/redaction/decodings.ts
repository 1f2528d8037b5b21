// The ways a server encodes text, each decoded in one pass that remembers where each decoded
// character came from: JSON string escapes, percent- and form-encoding, JSON-pointer escapes,
// HTML/XML character references, and line breaks dropped.

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
export function decode(text: string, decoding: Decoding): { text: string; original(d: number): number } | undefined {
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
export const ANY_ESCAPE = /[\\%+~&\n]/;

export const DECODINGS: Decoding[] = [
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
      return next !== undefined && JSON_SHORT[next] !== undefined ? { units: JSON_SHORT[next], end: i + 2 } : undefined;
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
export const NAMED_REFERENCES = new Map<string, string>([
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
