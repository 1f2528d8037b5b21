// A front for Prism that no request can bring down. Prism 5.12 reads some parts of a request with
// code that throws outside any catch, an unhandled rejection that ends the process hosting it
// (`npm start`, a jest worker): a form body's names (`%` or `%zz=1` to POST /oauth/token is a
// URIError), a path parameter's escapes, and an `Accept` or `Content-Type` that is not a media
// type. It answers JSON that does not parse in micri's own shape, not as a problem. This front
// reads each request, answers one that Prism could not read with a 400 problem
// (application/problem+json) naming what was wrong, and hands every other request, unchanged, to
// Prism listening on a private loopback port. Nothing in node_modules is patched.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { MockAnswer, MockRequest } from "./answers.js";

/** What the mock answers before Prism, or nothing (mock-answers.ts createPreflight). */
export type Preflight = (request: MockRequest) => { answer?: MockAnswer };

/** Prism's own body limit (micri's `limit: "10mb"`). */
const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** Headers of one connection (RFC 9110 §7.6.1), not passed from one hop to the next; and `expect`, answered here. */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer", "expect"]);

export interface GuardedServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Listens on `host:port` and passes each request that Prism can read to `prismUrl` (an
 * `http://127.0.0.1:PORT` that nothing else uses); closing it closes `closeInner` as well.
 */
export async function startGuard(prismUrl: string, port: number, host: string, closeInner: () => Promise<void>, preflight?: Preflight): Promise<GuardedServer> {
  const inner = new URL(prismUrl);
  // Kept-alive connections to Prism: the hop costs a loopback write, not a TCP handshake per call.
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((req, res) => {
    guard(req, res, inner, agent, preflight).catch((error: unknown) => answerProblem(res, 500, "Mock failure", `the mock's front failed: ${String(error)}`));
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    agent.destroy();
    await closeInner();
    throw error;
  }
  const url = reachableUrl(server.address() as AddressInfo);
  let closing: Promise<void> | undefined;
  return {
    url,
    close: () =>
      (closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }).finally(() => {
        agent.destroy();
        return closeInner();
      })),
  };
}

/**
 * A URL a client can reach the listening address at: a wildcard (`0.0.0.0`, `::`) is every
 * address, which no client can send to everywhere; loopback is one of them.
 */
export function reachableUrl(address: Pick<AddressInfo, "address" | "family" | "port">): string {
  const ipv6 = address.family === "IPv6" || (address.family as unknown) === 6;
  const host = address.address === "0.0.0.0" ? "127.0.0.1" : address.address === "::" ? "::1" : address.address;
  return `http://${ipv6 ? `[${host}]` : host}:${address.port}`;
}

async function guard(req: http.IncomingMessage, res: http.ServerResponse, inner: URL, agent: http.Agent, preflight: Preflight | undefined): Promise<void> {
  const body = await readBody(req);
  if (body === "aborted") return;
  if (body === "too large") {
    // The rest of the body is not read: the connection closes after the answer.
    answerProblem(res, 413, "Request body too large", `the body is over ${MAX_BODY_BYTES} bytes, the mock's limit`, { connection: "close" });
    return;
  }
  let pathname: string;
  try {
    pathname = new URL(req.url ?? "/", "http://mock").pathname;
  } catch {
    answerProblem(res, 400, "Malformed request", `${req.method}: the request target is not a URL path`);
    return;
  }
  const unreadable = malformedRequest(pathname, req.headers.accept, req.headers["content-type"]);
  if (unreadable) {
    answerProblem(res, 400, "Malformed request", `${req.method} ${pathname}: ${unreadable}`);
    return;
  }
  const malformed = malformedBody(req.headers["content-type"], body);
  if (malformed) {
    answerProblem(res, 400, "Malformed request body", `${req.method} ${pathname}: ${malformed}`);
    return;
  }
  // What the client's own checks would refuse is refused here, by the same generated validators;
  // so is a Prefer naming an answer or example the operation does not have (with those it has).
  // The path as sent: URL parsing would resolve an escaped dot segment (`%2E%2E`) before it is judged.
  const early = preflight?.({
    method: req.method ?? "GET",
    path: (req.url ?? "/").split("?")[0]!,
    query: new URLSearchParams((req.url ?? "").split("?")[1] ?? ""),
    headers: { get: (name) => headerOf(req, name) },
    body: body.toString("utf8"),
  }).answer;
  if (early) {
    res.writeHead(early.status, { ...early.headers, "content-length": Buffer.byteLength(early.body) });
    res.end(early.body);
    return;
  }
  const headers: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name) && name !== "content-length") headers[name] = value;
  if (body.length > 0 || req.headers["content-length"] !== undefined || req.headers["transfer-encoding"] !== undefined) {
    headers["content-length"] = body.length;
  }
  const forwarded = http.request({ host: inner.hostname, port: inner.port, method: req.method, path: req.url, headers, agent });
  res.once("close", () => {
    if (!res.writableFinished) forwarded.destroy();
  });
  forwarded.once("response", (answer) => {
    const raw: string[] = [];
    for (let i = 0; i < answer.rawHeaders.length; i += 2) {
      if (!HOP_BY_HOP.has(answer.rawHeaders[i]!.toLowerCase())) raw.push(answer.rawHeaders[i]!, answer.rawHeaders[i + 1]!);
    }
    res.writeHead(answer.statusCode ?? 502, answer.statusMessage, raw);
    answer.pipe(res);
    answer.once("error", () => res.destroy());
  });
  forwarded.once("error", (error) => {
    if (res.headersSent) res.destroy();
    else answerProblem(res, 502, "Mock failure", `the mock did not answer (${error.message})`);
  });
  forwarded.end(body);
}

function headerOf(req: http.IncomingMessage, name: string): string | null {
  const value = req.headers[name.toLowerCase()];
  return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
}

/** The whole body, or why there is none to pass on; never more than Prism's limit is held. */
function readBody(req: http.IncomingMessage): Promise<Buffer | "aborted" | "too large"> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners("data");
        req.resume(); // what is left is dropped until the connection closes
        resolve("too large");
        return;
      }
      chunks.push(chunk);
    });
    req.once("end", () => resolve(Buffer.concat(chunks)));
    req.once("error", () => resolve("aborted"));
    req.once("aborted", () => resolve("aborted"));
  });
}

/** RFC 9110's token, and a quoted string as the `content-type` package (which Prism uses) reads one. */
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const QUOTED = '"(?:[\\u000b\\u0020\\u0021\\u0023-\\u005b\\u005d-\\u007e\\u0080-\\u00ff]|\\\\[\\u000b\\u0020-\\u00ff])*"';
const MEDIA_RANGE = new RegExp(`^\\s*${TOKEN}/${TOKEN}\\s*(?:; *${TOKEN} *= *(?:${QUOTED}|${TOKEN}) *)*$`);

/**
 * Why Prism could not read this request's path, `Accept` or `Content-Type`, or undefined. Prism
 * decodes path parameters with an unguarded decodeURIComponent, and parses each `Accept` entry and
 * the `Content-Type` with parsers that throw on anything but a media type, outside any catch:
 * each would end the process (or, for a body's `Content-Type`, answer a 500).
 */
export function malformedRequest(pathname: string, accept: string | undefined, contentType: string | undefined): string | undefined {
  if (!pathname.split("/").every(decodes)) return "the path has a malformed percent-escape (each % must start a %XX escape of UTF-8)";
  if (contentType !== undefined && !MEDIA_RANGE.test(contentType)) return "the Content-Type header is not a media type (such as application/json)";
  if (accept !== undefined && accept.trim() !== "" && !accept.split(",").every((range) => MEDIA_RANGE.test(range))) {
    return "the Accept header is not a list of media ranges (such as application/json or */*;q=0.8)";
  }
  return undefined;
}

/**
 * Why Prism could not decode this body, or undefined. JSON (`application/json`, `application/*+json`,
 * as Prism picks its JSON parser) must parse; a form's names and values, split and decoded as Prism
 * does, must be percent-encoded UTF-8; so must the part names of a multipart form. Never echoes
 * the body: a form may carry a client secret.
 */
export function malformedBody(contentType: string | undefined, body: Buffer): string | undefined {
  if (body.length === 0) return undefined;
  // Prism decodes a body in its declared charset; the checks below read it as UTF-8. Any other
  // charset could hide what they look for (in UTF-7, `+ACU-` is a `%`), so only UTF-8 is taken.
  // Every `charset` in the header is read, not the first only: Prism's parser takes the last of
  // `charset=utf-8; charset=utf-7`.
  for (const [, given] of (contentType ?? "").matchAll(/charset\s*=\s*["']?([^"';\s,]*)/gi)) {
    const charset = given!.toLowerCase();
    if (!["utf-8", "utf8", "us-ascii"].includes(charset)) return `the body's charset ${JSON.stringify(charset.slice(0, 40))} is not taken: send UTF-8`;
  }
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "application/json" || /^application\/[^/\s]+\+json$/.test(type)) {
    try {
      JSON.parse(body.toString("utf8"));
    } catch {
      return `the body is not JSON (Content-Type: ${type})`;
    }
    return undefined;
  }
  if (type === "application/x-www-form-urlencoded") {
    const undecodable = body
      .toString("utf8")
      .split("&")
      .some((pair) => {
        const [name, ...value] = pair.split("=");
        return !decodes(name!) || !decodes(value.join("=").replaceAll("+", "%20"));
      });
    return undecodable ? "the form body has a malformed percent-escape (each % must start a %XX escape of UTF-8)" : undefined;
  }
  if (type === "multipart/form-data") {
    const names = body.toString("latin1").matchAll(/\bname="([^"]*)"/gi);
    for (const [, name] of names) if (!decodes(name!)) return "a part name of the multipart body has a malformed percent-escape";
  }
  return undefined;
}

function decodes(text: string): boolean {
  try {
    decodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

/** An RFC 9457 problem answer, as Prism gives its own (it names no part of the body). */
function answerProblem(res: http.ServerResponse, status: number, title: string, detail: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify({ type: "about:blank", title, status, detail });
  res.writeHead(status, { ...headers, "content-type": "application/problem+json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}
