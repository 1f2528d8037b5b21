// The client's options and their check: bad options are refused before any call, naming what was
// wrong and never a secret's value. The base URL's rule is base-url.ts; each call's, call-options.ts.
import { checkAuth, type AuthOptions } from "../auth/authenticator.js";
import { optionError } from "../errors/operations-manager-error.js";
import type { Fetch } from "../http/transport.js";
import { checkValidateOption, type ValidateOption } from "../contract/validation.js";
import { checkBaseUrl } from "./base-url.js";

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

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;
const MAX_TIMER_MS = 2 ** 31 - 1;

interface CheckedOptions {
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
  // Each option is read once: a getter or Proxy could show the checks one value and the calls
  // another (a loopback baseUrl checked, another host called over plain http).
  const { baseUrl, allowInsecureHttp, auth: authOption, fetch, validate } = options;
  const { timeoutMs: timeoutOption, maxResponseBytes: maxOption } = options;
  checkBaseUrl(baseUrl, allowInsecureHttp === true);
  const auth = checkAuth(authOption);
  const timeoutMs = timeoutOption ?? DEFAULT_TIMEOUT_MS;
  if (typeof timeoutMs !== "number" || Number.isNaN(timeoutMs) || timeoutMs <= 0) {
    throw optionError("timeoutMs must be a positive number of milliseconds (Infinity for no timeout)");
  }
  const maxResponseBytes = maxOption === undefined ? DEFAULT_MAX_RESPONSE_BYTES : maxOption;
  if (
    typeof maxResponseBytes !== "number" ||
    !(maxResponseBytes === Infinity || (Number.isSafeInteger(maxResponseBytes) && maxResponseBytes > 0))
  ) {
    throw optionError("maxResponseBytes must be a positive whole number of bytes (Infinity for no bound)");
  }
  if (fetch !== undefined && typeof fetch !== "function") throw optionError("fetch must be a function");
  const badValidate = checkValidateOption(validate);
  if (badValidate) throw optionError(badValidate);
  return {
    baseUrl,
    auth,
    timeoutMs: timeoutMs > MAX_TIMER_MS ? Infinity : timeoutMs,
    maxResponseBytes,
    fetch,
    validate,
  };
}
