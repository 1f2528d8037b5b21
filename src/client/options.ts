// The client's options and each call's, and their checks: bad options are refused before any
// call, naming what was wrong and never a secret's value.
import { checkAuth, type AuthOptions } from "../auth/authenticator.js";
import { optionError, refusedCall } from "../errors/operations-manager-error.js";
import type { Fetch } from "../http/transport.js";
import type { OperationId } from "../contract/types.js";
import { checkValidateOption, type ValidateOption } from "../contract/validation.js";
import { isPlainObject, kindOf } from "../util/values.js";
import { noRedaction, type Redactor } from "../errors/redaction.js";

export interface OperationsManagerClientOptions {
  /** Where the platform is, such as `https://itential.example.com` (no credentials in it). */
  baseUrl: string;
  /**
   * How to get in, one of:
   * - `{ username, password }`: HTTP Basic on every call (the default method);
   * - `{ username, password, method: "login" }`: `POST /login` once, then the session token as
   *   the cookie `token`, logging in again when the platform answers `401`;
   * - `{ clientId, clientSecret }`: OAuth 2 client credentials (`POST /oauth/token`), then
   *   `Authorization: Bearer`, renewed shortly before `expires_in` runs out;
   * - `{ token }`: a bearer token, or a function giving one for each call, that you manage.
   *
   * Concurrent calls share one token request. A `401` answered to a fetched token drops it, gets a
   * new one and repeats the call once (a `401` means the platform did nothing).
   */
  auth: AuthOptions;
  /**
   * Allow credentials over plain `http://` to a host that is not loopback. Off by default: they
   * would cross the network in clear text (the platform itself serves Basic only over TLS).
   * `127.0.0.0/8`, `localhost` and `::1` need no flag.
   */
  allowInsecureHttp?: boolean;
  /**
   * The `fetch` to send with; `globalThis.fetch` at call time when not given. The typed methods
   * call it as `fetch(url, init)`; `raw`, a plain openapi-fetch client, calls it as `fetch(request)`,
   * so a replacement that serves both must take either, as the global `fetch` does.
   */
  fetch?: Fetch;
  /** How long a call may take, answer included, before it fails with kind `"timeout"`. Default 30 000; `Infinity` for none. */
  timeoutMs?: number;
  /**
   * The most bytes an answer's body may take once decoded (after gzip or br), for the operations
   * and the token steps. Reading stops past it: the call fails with the kind its status gives
   * (`"invalid-response"` for a 2xx, `"http"` otherwise, `"auth"` at a token step), and memory
   * stays near the bound however large or compressed the answer. Default 33,554,432 (32 MiB;
   * real answers run from kilobytes to a few megabytes); `Infinity` for none.
   */
  maxResponseBytes?: number;
  /**
   * Check answers against the contract: `"off"` (default), `"throw"` (a 2xx body that breaks it
   * rejects with kind `"invalid-response"` and its `violations`), or a function told of the
   * violations (`{ operationId, status }` as context) while the call resolves as usual. Unknown
   * extra members are not violations. Requests are always checked.
   */
  validate?: ValidateOption;
}

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

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface CheckedOptions {
  baseUrl: string;
  auth: AuthOptions;
  timeoutMs: number;
  maxResponseBytes: number;
  fetch?: Fetch;
  validate?: ValidateOption;
}

export function checkOptions(options: OperationsManagerClientOptions): CheckedOptions {
  if (!options || typeof options !== "object")
    throw optionError("options are required: { baseUrl, auth: { username, password } }");
  checkBaseUrl(options.baseUrl, options.allowInsecureHttp === true);
  const auth = checkAuth(options.auth);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (typeof timeoutMs !== "number" || Number.isNaN(timeoutMs) || timeoutMs <= 0) {
    throw optionError("timeoutMs must be a positive number of milliseconds (Infinity for no timeout)");
  }
  const maxResponseBytes =
    options.maxResponseBytes === undefined ? DEFAULT_MAX_RESPONSE_BYTES : options.maxResponseBytes;
  if (
    typeof maxResponseBytes !== "number" ||
    !(maxResponseBytes === Infinity || (Number.isSafeInteger(maxResponseBytes) && maxResponseBytes > 0))
  ) {
    throw optionError("maxResponseBytes must be a positive whole number of bytes (Infinity for no bound)");
  }
  if (options.fetch !== undefined && typeof options.fetch !== "function") throw optionError("fetch must be a function");
  const badValidate = checkValidateOption(options.validate);
  if (badValidate) throw optionError(badValidate);
  return {
    baseUrl: options.baseUrl,
    auth,
    timeoutMs: timeoutMs > MAX_TIMER_MS ? Infinity : timeoutMs,
    maxResponseBytes,
    fetch: options.fetch,
    validate: options.validate,
  };
}

/**
 * The platform's base URL, checked: absolute http(s), no credentials in it, and not plain
 * `http://` to a host that is not loopback unless `allowInsecureHttp` (credentials would cross
 * the network in clear text). The one home of that rule: the client and `verify` both call it.
 */
export function checkBaseUrl(baseUrl: unknown, allowInsecureHttp = false): URL {
  let url: URL;
  try {
    url = new URL(baseUrl as string);
  } catch {
    throw optionError(
      `baseUrl must be an absolute http(s) URL, got ${typeof baseUrl === "string" ? JSON.stringify(withoutUserinfo(baseUrl).slice(0, 200)) : typeof baseUrl}`,
    );
  }
  if (url.username || url.password) throw optionError("baseUrl must not contain credentials; pass them as auth");
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw optionError(`baseUrl must use http or https, got ${url.protocol}`);
  if (url.protocol === "http:" && !isLoopback(url.hostname) && !allowInsecureHttp) {
    throw optionError(
      `baseUrl ${url.origin} is plain http:// to a host that is not loopback: the credentials would cross the network ` +
        "in clear text. Use https://, or pass allowInsecureHttp: true if you mean it",
    );
  }
  return url;
}

/**
 * A URL-like text as it may be shown: whatever stands between `//` and the last `@` before the
 * host (user and password, even in a text that does not parse as a URL) is `[redacted]`.
 */
export function withoutUserinfo(text: string): string {
  return text.replace(/(\/\/)[^/?#]*@/, "$1[redacted]@");
}

/**
 * 127.0.0.0/8, ::1 and localhost: traffic that never leaves the machine. Not `*.localhost`: a
 * resolver that does not special-case it (RFC 6761 only asks) may send it anywhere.
 */
function isLoopback(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === "localhost" || host === "[::1]" || /^127(\.\d{1,3}){3}$/.test(host);
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
