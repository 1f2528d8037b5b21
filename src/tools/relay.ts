// One http relay: what the mock's guard (in front of Prism) and verify's tap (behind it) share.

const CAUSES: Array<[RegExp, string]> = [
  [/^ECONNREFUSED$/, "connection refused"],
  [/^(ENOTFOUND|EAI_AGAIN|EAI_NONAME|EAI_FAIL)$/, "the host name does not resolve"],
  [/^(ECONNRESET|EPIPE|UND_ERR_SOCKET)$/, "the connection was reset"],
  [/^(ETIMEDOUT|UND_ERR_CONNECT_TIMEOUT|UND_ERR_HEADERS_TIMEOUT|UND_ERR_BODY_TIMEOUT)$/, "timed out"],
  [/^(EHOSTUNREACH|ENETUNREACH|EADDRNOTAVAIL)$/, "the host cannot be reached"],
  [/CERT|TLS|SSL|ERR_SSL|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|HOSTNAME_MISMATCH|ALTNAME/, "TLS failed"],
];

/**
 * Why a call to `base` got no answer: what happened and where (host and port only: the base URL
 * carries no credentials, verify refuses them there). Never the platform's words: there were none.
 */
export function noAnswerReason(error: unknown, base: string, timeoutMs: number): string {
  const url = new URL(base);
  const where = `${url.hostname}:${url.port || (url.protocol === "https:" ? "443" : "80")}`;
  const name = (error as { name?: unknown } | null)?.name;
  if (name === "TimeoutError" || name === "AbortError") return `timed out after ${timeoutMs / 1000}s (${where})`;
  // fetch (undici) wraps the socket's error as `cause`, sometimes twice.
  let code: string | undefined;
  let innermost = "";
  for (
    let at: unknown = error, depth = 0;
    at && typeof at === "object" && depth < 4;
    at = (at as { cause?: unknown }).cause, depth++
  ) {
    const c = (at as { code?: unknown }).code;
    if (typeof c === "string") code ??= c;
    const m = (at as { message?: unknown }).message;
    if (typeof m === "string") innermost = m;
  }
  const known = code && CAUSES.find(([pattern]) => pattern.test(code));
  if (known) return `${known[1]} (${where}, ${code})`;
  // fetch's own refusals (a port it never calls, say) have a message and no code.
  return `the connection failed (${where}${code ? `, ${code}` : innermost ? `: ${innermost.slice(0, 100)}` : ""})`;
}
