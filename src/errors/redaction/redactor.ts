// Redaction, in one place: whatever a server or a custom fetch hands back may echo the
// credentials, and nothing the client throws may carry them. This folder holds it all:
// - redactor.ts: a redactor for one set of secrets (this module);
// - needles.ts: each secret and the encoded forms of it searched for as they are;
// - decodings.ts: the ways a server encodes text, each decoded in one pass;
// - scrub-text.ts: a string scrubbed of the needles, as it is and in each decoding;
// - scrub-values.ts: a value's copy with every string, number and member name scrubbed;
// - causes.ts: what an error may keep of a cause, scrubbed.
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
//   (the characters that depend on its bytes only), and its UTF-8 bytes in hex: of the secret, of
//   each escaped form, and of each of these (needles.ts builds every pair from the two lists): a
//   server echoing the body it got, base64'd or hex-dumped;
// - line breaks dropped, as one more decoding: MIME base64 breaks its lines inside any form.
// Each decoding is one pass that remembers where each decoded character came from, and the search
// is a plain substring search: linear in the text whatever the secrets hold (a regular expression
// over the forms backtracked exponentially on backslashes, and would not compile for a long token).
//
// A short secret (fewer than SHORT_SECRET characters, a token "a") is scrubbed where it stands as
// a whole word or value, not inside other words: "claimTask" and "/data/name" stay readable while
// "token a expired" does not show it. Its base64 is a few characters that any text holds: not searched.
import { needlesOf } from "./needles.js";
import { scrubber } from "./scrub-text.js";
import { scrubValue } from "./scrub-values.js";

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
  const redact = ((value: unknown, until?: number) =>
    scrubValue(value, scrub, inNumbers, until ?? Infinity)) as Redactor;
  return Object.assign(redact, { joined: long.length === needles.length ? scrub : scrubber(long) });
}
