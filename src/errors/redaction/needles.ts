// The needles: each secret, and the forms of it that are searched for as they are (mojibake,
// base64, hex), since they cannot be decoded from a text without knowing where they start.
/** A secret shorter than this is scrubbed only where it stands as a whole word (see redactor.ts). */
export const SHORT_SECRET = 6;

/** One string searched for: a secret or one of its encoded forms; `whole` when it must stand as a word. */
export interface Needle {
  text: string;
  whole: boolean;
}

/** Each secret, and the forms of it that are searched for as they are (mojibake, base64). */
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
