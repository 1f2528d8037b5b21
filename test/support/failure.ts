// The tests' one way to take a call's rejection and to hold it to the promise that no secret shows
// in it: every place an error can be read or printed, for every form a server may echo a secret in.
import { inspect } from "node:util";
import { OperationsManagerError } from "../../src/index";

/** The rejection of `promise`, which must be an OperationsManagerError (and an Error). */
export async function failure(promise: Promise<unknown>): Promise<OperationsManagerError> {
  const error = await promise.then(
    () => new Error("expected a rejection, but the call resolved"),
    (e: unknown) => e,
  );
  if (!(error instanceof OperationsManagerError)) {
    throw new Error(`expected an OperationsManagerError, got ${inspect(error, { depth: 3 })}`);
  }
  expect(error).toBeInstanceOf(Error);
  return error;
}

/** Every way an error can be shown or serialised: message, stack, JSON, util.inspect, body, violations, and each cause. */
export function everythingShown(error: unknown): string {
  const e = error as OperationsManagerError & { cause?: unknown };
  const shown: unknown[] = [
    e.message,
    e.stack,
    String(e),
    JSON.stringify(e),
    JSON.stringify(e.body),
    JSON.stringify(e.violations),
  ];
  shown.push(inspect(e, { depth: Infinity, showHidden: true, maxStringLength: Infinity, maxArrayLength: Infinity }));
  for (
    let c: unknown = e.cause, n = 0;
    c !== undefined && c !== null && n < 10;
    c = (c as { cause?: unknown }).cause, n++
  ) {
    shown.push(
      inspect(c, { depth: Infinity, showHidden: true, maxStringLength: Infinity }),
      String((c as Error).name),
      (c as Error).stack,
    );
  }
  return shown.join("\n");
}

/**
 * The forms a server may echo a secret in: raw, percent-encoded (either case), form-encoded,
 * JSON-escaped (`\/`, `\uXXXX`), JSON-pointer-escaped, HTML character references (named, decimal,
 * hex), its UTF-8 read as Latin-1 and as Windows-1252, base64 and base64url. Written here
 * independently of the redactor, which must scrub each.
 */
export function secretForms(secret: string): string[] {
  const percent = encodeURIComponent(secret);
  const unicode = [...secret].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("");
  const utf8 = Buffer.from(secret, "utf8");
  const mojibake =
    utf8.length === secret.length ? [] : [utf8.toString("latin1"), new TextDecoder("windows-1252").decode(utf8)];
  return [
    ...htmlForms(secret),
    ...mojibake,
    utf8.toString("base64"),
    utf8.toString("base64url"),
    secret,
    percent,
    percent.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    new URLSearchParams({ s: secret }).toString().slice(2),
    JSON.stringify(secret).slice(1, -1),
    JSON.stringify(secret).slice(1, -1).replace(/\//g, "\\/"),
    unicode,
    unicode.toUpperCase().replace(/\\U/g, "\\u"),
    secret.replace(/~/g, "~0").replace(/\//g, "~1"),
  ];
}

/** Fails naming the secret form found (never the secret itself, which would print it). */
export function expectNoSecret(error: unknown, secrets: readonly string[]): void {
  const shown = everythingShown(error);
  const found: string[] = [];
  secrets.forEach((secret, i) => {
    secretForms(secret).forEach((form, j) => {
      if (shown.includes(form)) found.push(`secret #${i} in form #${j}`);
    });
  });
  expect(found).toEqual([]);
}

/** HTML character references as servers write them: the XML five by name, every character by decimal and by hex, Latin-1 by name. */
export function htmlForms(secret: string): string[] {
  const named: Record<string, string> = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    '"': "&quot;",
    "'": "&#39;",
    é: "&eacute;",
    ü: "&uuml;",
    ß: "&szlig;",
    "\u00a0": "&nbsp;",
  };
  const five = [...secret].map((c) => named[c] ?? c).join("");
  const decimal = [...secret].map((c) => `&#${c.codePointAt(0)};`).join("");
  const hex = [...secret].map((c) => `&#x${c.codePointAt(0)!.toString(16).toUpperCase()};`).join("");
  return five === secret ? [decimal, hex] : [five, decimal, hex];
}
