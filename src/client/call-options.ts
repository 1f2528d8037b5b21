// Each call's options and their check: its signal and extra headers, refused with nothing sent
// when a header cannot carry them or they would carry credentials or the transport's own headers.
import { refusedCall } from "../errors/operations-manager-error.js";
import type { OperationId } from "../contract/types.js";
import { isPlainObject, kindOf } from "../util/values.js";
import { noRedaction, type Redactor } from "../errors/redaction/redactor.js";

export interface CallOptions {
  /** Aborts the call; it then fails with kind `"network"` (or `"timeout"` for a timeout signal). */
  signal?: AbortSignal;
  /**
   * Extra headers for this operation's request only, never for a token request. The way to pick
   * a mock's answer: `{ Prefer: "code=500" }`, `{ Prefer: "example=rejected" }`. Credentials come
   * from `auth`: `Authorization`, `Proxy-Authorization` and `Cookie` are refused, and so is a value
   * a header cannot carry (a control character such as CR, LF or NUL, a character past U+00FF). Nothing is sent then,
   * not even a token request.
   */
  headers?: Record<string, string>;
}

/** Header names that carry credentials: those come from `auth`, never from a call's headers. */
const CREDENTIAL_HEADERS = new Set(["authorization", "proxy-authorization", "cookie"]);
/**
 * Header names the transport owns: what Node's fetch (undici) refuses as it sends (`transfer-encoding`,
 * `keep-alive`, `upgrade`, `expect`, `connection` but for two values, a `content-length` that is not
 * the body's), after a token request carrying a secret had gone out, and the other hop-by-hop and
 * framing headers (RFC 9110 7.6.1: `te`, `trailer`, `proxy-connection`; `host`, which the baseUrl
 * says), which undici may refuse in another version or send to a place the client did not choose.
 */
const TRANSPORT_HEADERS = new Set([
  "connection",
  "content-length",
  "expect",
  "host",
  "keep-alive",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);
/** Any character outside RFC 9110's field-value (HTAB, SP, VCHAR, obs-text): what fetch refuses as it sends. */
const NOT_IN_HEADER_VALUE = /[^\t\x20-\x7e\x80-\xff]/u;

/** A character named by its code point, never shown: `U+000A (a control character)`. */
function describeCharacter(char: string): string {
  const code = char.codePointAt(0)!;
  const name = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  if (code < 0x20 || code === 0x7f) return `${name} (a control character: CR, LF, NUL and the like)`;
  if (code >= 0xd800 && code <= 0xdfff) return `${name} (half of a surrogate pair)`;
  return `${name} (a character past U+00FF)`;
}
/** RFC 9110's token: what a header name may be. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * A call's options, checked and copied (a getter or Proxy is read once, here): its signal, and its
 * extra headers as a fresh plain object. Refuses, with nothing sent, what a header cannot carry.
 */
export function checkCallOptions(
  operationId: OperationId,
  options: CallOptions | undefined,
  redact: Redactor = noRedaction,
): { signal?: AbortSignal; headers?: Record<string, string> } {
  if (options === undefined) return {};
  const refuse = (message: string) => refusedCall(operationId, message);
  if (options === null || typeof options !== "object")
    throw refuse(`options must be an object { signal?, headers? }, got ${kindOf(options)}`);
  const { signal, headers } = options;
  if (signal !== undefined && !isAbortSignal(signal))
    throw refuse(`options.signal must be an AbortSignal, got ${kindOf(signal)}`);
  if (headers === undefined) return { signal };
  if (!isPlainObject(headers))
    throw refuse(`options.headers must be a plain object of strings, got ${kindOf(headers)}`);
  const copy: Record<string, string> = {};
  for (const name of Object.keys(headers)) {
    const value: unknown = headers[name];
    // A header name is the caller's: scrubbed (a token pasted as a name), cut, scrubbed again.
    const shown = redact(JSON.stringify(redact(name).slice(0, 80)));
    if (!HEADER_NAME.test(name)) throw refuse(`options.headers: ${shown} is not a header name`);
    if (CREDENTIAL_HEADERS.has(name.toLowerCase()))
      throw refuse(`options.headers: ${shown} carries credentials, which come from auth`);
    if (TRANSPORT_HEADERS.has(name.toLowerCase()))
      throw refuse(`options.headers: ${shown} is set by the transport (a hop-by-hop or framing header), not by a call`);
    if (typeof value !== "string")
      throw refuse(`options.headers.${redact(name)} must be a string, got ${kindOf(value)}`);
    // The value is not shown: it may be anything the caller holds. One rule for every character
    // a header cannot carry (RFC 9110's field-value: visible ASCII, space, tab, obs-text), which
    // fetch would only refuse while sending, after a token request had gone out.
    const bad = NOT_IN_HEADER_VALUE.exec(value);
    if (bad)
      throw refuse(`options.headers.${redact(name)} has ${describeCharacter(bad[0])}, which a header cannot carry`);
    copy[name] = value;
  }
  return { signal, headers: copy };
}

function isAbortSignal(value: unknown): value is AbortSignal {
  return Object.prototype.toString.call(value) === "[object AbortSignal]";
}
