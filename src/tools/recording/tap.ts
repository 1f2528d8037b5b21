// A tap between verify's Prism proxy and the platform, on 127.0.0.1: it forwards each request as
// it is and hands over the platform's answer exactly as given, before Prism judges it. Prism
// replaces an answer that breaks the contract with its own 500 problem; the tap keeps the evidence.
// A redirect reaches Prism without its Location (as `x-location-not-followed`): Prism's forwarder
// follows redirects, and would re-send a claim to wherever one points.
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export interface Tapped {
  method: string;
  /** The request's path, without its query (which may carry a token). */
  path: string;
  status: number;
  contentType: string | null;
  text: string;
}

/** Hop-by-hop headers and those the relayed body no longer matches (fetch decodes gzip). */
const NOT_RELAYED = new Set(["connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding", "host", "upgrade", "proxy-connection"]);

/** A call the platform never answered: what happened, in words that name the host and port only. */
export interface NoAnswer {
  method: string;
  path: string;
  reason: string;
}

/**
 * `timeoutMs` bounds each forwarded call, body included: a platform that never ends an answer cannot hold the tap.
 * `onNoAnswer` is told of each call that got no answer at all (refused, no such host, TLS, reset,
 * timed out): the tap then answers Prism a 502 of its own, which is no status of the platform's.
 */
export async function startTap(
  upstream: string,
  onAnswer: (answer: Tapped) => void,
  timeoutMs: number,
  onNoAnswer: (failure: NoAnswer) => void = () => {},
): Promise<{ url: string; close(): Promise<void> }> {
  const base = upstream.replace(/\/$/, "");
  const server = createServer((req, res) => {
    void forward(req).then(
      ({ status, headers, body }) => {
        res.writeHead(status, headers).end(body);
      },
      (error: unknown) => {
        const reason = noAnswerReason(error, base, timeoutMs);
        onNoAnswer({ method: req.method ?? "GET", path: (req.url ?? "/").split("?")[0]!, reason });
        res.writeHead(502, { "Content-Type": "text/plain" }).end(`the tap got no answer from the platform: ${reason}`);
      },
    );
  });

  async function forward(req: IncomingMessage) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || NOT_RELAYED.has(name)) continue;
      for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
    }
    const method = req.method ?? "GET";
    const url = req.url ?? "/";
    const response = await fetch(base + url, {
      method,
      headers,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
      ...(chunks.length && method !== "GET" && method !== "HEAD" ? { body: Buffer.concat(chunks) } : {}),
    });
    // Whole: a cut could leave the start of a secret where the redactor no longer sees all of it.
    const body = Buffer.from(await response.arrayBuffer());
    const contentType = response.headers.get("content-type");
    onAnswer({ method, path: url.split("?")[0]!, status: response.status, contentType: contentType?.split(";")[0]!.trim() ?? null, text: body.toString("utf8") });
    const relayed: Record<string, string | string[]> = {};
    response.headers.forEach((value, name) => {
      if (name === "location") relayed["x-location-not-followed"] = value;
      else if (!NOT_RELAYED.has(name) && name !== "set-cookie") relayed[name] = value;
    });
    const cookies = response.headers.getSetCookie();
    if (cookies.length) relayed["set-cookie"] = cookies;
    return { status: response.status, headers: relayed, body };
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

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
  for (let at: unknown = error, depth = 0; at && typeof at === "object" && depth < 4; at = (at as { cause?: unknown }).cause, depth++) {
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
