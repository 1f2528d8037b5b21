// The platform's base URL and its rule: what the client's baseUrl may be, and how a URL-like text
// is shown without the credentials it may carry.
import { optionError } from "../errors/operations-manager-error.js";

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
