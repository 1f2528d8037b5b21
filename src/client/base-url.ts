// The platform's base URL and its rule: what the client's baseUrl may be, and how a URL-like text
// is shown without the credentials it may carry.
import { optionError } from "../errors/operations-manager-error.js";
import { kindOf } from "../util/values.js";

/**
 * How a caller names what the rule speaks of, so that its refusal reads in the caller's words:
 * the client's option names, or a command's flags.
 */
export interface BaseUrlTerms {
  /** The URL's own name: `baseUrl`, `--upstream`. */
  url: string;
  /** Where credentials go instead, said as an instruction: `pass them as auth`. */
  credentials: string;
  /** How to send credentials over plain http anyway, said as an instruction: `pass allowInsecureHttp: true`. */
  allowInsecure: string;
}

const CLIENT_TERMS: BaseUrlTerms = {
  url: "baseUrl",
  credentials: "pass them as auth",
  allowInsecure: "pass allowInsecureHttp: true",
};

/**
 * The platform's base URL, judged: absolute http(s), no credentials in it, and not plain `http://`
 * to a host that is not loopback unless `allowInsecureHttp` (credentials would cross the network in
 * clear text). The URL, or why it is refused: one line naming it in `terms`, never showing the
 * credentials it may carry. The one home of that rule: the client's baseUrl and verify's
 * --upstream both go through it.
 */
export function judgeBaseUrl(baseUrl: unknown, allowInsecureHttp: boolean, terms: BaseUrlTerms): URL | string {
  // A string only: the URL checked must be the URL called, and an object's toString may answer anew.
  if (typeof baseUrl !== "string") return `${terms.url} must be an absolute http(s) URL, got ${kindOf(baseUrl)}`;
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return `${terms.url} must be an absolute http(s) URL, got ${JSON.stringify(withoutUserinfo(baseUrl).slice(0, 200))}`;
  }
  if (url.username || url.password) return `${terms.url} must not contain credentials; ${terms.credentials}`;
  // Each operation's path is joined after the base URL's: a query or fragment there would swallow it.
  if (url.search || url.hash)
    return `${terms.url} must not have a query or a fragment (each operation's path is added after it), got ${url.origin}${url.pathname} with one`;
  if (url.protocol !== "http:" && url.protocol !== "https:")
    return `${terms.url} must use http or https, got ${url.protocol}`;
  if (url.protocol === "http:" && !isLoopback(url.hostname) && !allowInsecureHttp) {
    return (
      `${terms.url} ${url.origin} is plain http:// to a host that is not loopback: the credentials would cross the ` +
      `network in clear text. Use https://, or ${terms.allowInsecure} if you mean it`
    );
  }
  return url;
}

/** The client's baseUrl, judged; a refusal is the client's typed option error. */
export function checkBaseUrl(baseUrl: unknown, allowInsecureHttp = false): URL {
  const judged = judgeBaseUrl(baseUrl, allowInsecureHttp, CLIENT_TERMS);
  if (typeof judged === "string") throw optionError(judged);
  return judged;
}

/**
 * A URL-like text that did not parse, as it may be shown: everything after its scheme (and any
 * slashes or backslashes) up to its last `@` is `[redacted]`. A text that does not parse has no
 * reliable userinfo, so none of its parts is trusted to end one: a password may hold `/`, `?`,
 * `#` or `@`, and the scheme be followed by one slash, none, or backslashes.
 */
function withoutUserinfo(text: string): string {
  return text.replace(/^((?:[a-z][a-z\d+.-]*:)?[\\/]*)[^]*@/i, "$1[redacted]@");
}

/**
 * 127.0.0.0/8, ::1 and localhost: traffic that never leaves the machine. Not `*.localhost`: a
 * resolver that does not special-case it (RFC 6761 only asks) may send it anywhere.
 */
function isLoopback(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === "localhost" || host === "[::1]" || /^127(\.\d{1,3}){3}$/.test(host);
}
