// A front for Prism that no request can bring down. Prism 5.12 reads some parts of a request with
// code that throws outside any catch, an unhandled rejection that ends the process hosting it
// (`npm start`, a jest worker): a form body's names (`%` or `%zz=1` to POST /oauth/token is a
// URIError), a path parameter's escapes, and an `Accept` or `Content-Type` that is not a media
// type. It answers JSON that does not parse in micri's own shape, not as a problem. And it routes
// the path a URL parser makes of the target (dot segments resolved, a fragment dropped), each
// segment decoded. This front reads each request, refuses a target that is not its own plain
// path, asks the preflight both mocks share (answers.ts: what Prism could not read, what the
// client would refuse, a path no operation has) and hands every other request, unchanged but for
// an auth scheme's case, through the one http relay (tools/relay.ts) to Prism listening on a
// private loopback port. Nothing in node_modules is patched.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { MAX_BODY_BYTES, tooLarge, unreadableAnswer, type MockAnswer, type MockRequest } from "./answers.js";
import { createRelay, incoming, MAX_ANSWER_BYTES, type Relay } from "../relay.js";
import { tooLarge as answerTooLarge } from "../../http/transport.js";

/** What the mock answers before Prism, or nothing (mock-answers.ts createPreflight). */
type Preflight = (request: MockRequest) => { answer?: MockAnswer };

export interface GuardedServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Listens on `host:port` and passes each request that Prism can read to `prismUrl` (an
 * `http://127.0.0.1:PORT` that nothing else uses); closing it closes `closeInner` as well.
 */
export async function startGuard(
  prismUrl: string,
  port: number,
  host: string,
  closeInner: () => Promise<void>,
  preflight?: Preflight,
): Promise<GuardedServer> {
  // Kept-alive connections to Prism: the hop costs a loopback write, not a TCP handshake per call.
  // No time bound: as a proxy, Prism waits on the platform, which verify's tap (or the caller's
  // own deadline) bounds. A request's body is bounded by Prism's own limit.
  const relay = createRelay(prismUrl, {
    maxRequestBytes: MAX_BODY_BYTES,
    maxAnswerBytes: MAX_ANSWER_BYTES,
    keepAlive: true,
  });
  const server = http.createServer((req, res) => {
    guard(req, res, relay, preflight).catch((error: unknown) =>
      answerProblem(res, 500, "Mock failure", `the mock's front failed: ${String(error)}`),
    );
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
    relay.close();
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
        relay.close();
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

async function guard(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  relay: Relay,
  preflight: Preflight | undefined,
): Promise<void> {
  const body = await relay.readBody(req);
  if (body === "aborted") return;
  if (body === "too large") {
    // The rest of the body is not read: the connection closes after the answer.
    send(res, tooLarge(), { connection: "close" });
    return;
  }
  const target = req.url ?? "/";
  const unplain = unplainTarget(target);
  if (unplain) {
    answerProblem(res, 400, "Malformed request", `${req.method}: ${unplain}`);
    return;
  }
  // Bad escapes, Accept, Content-Type and bodies Prism could not read; what the client's own checks
  // would refuse (the same generated validators); a Prefer naming what the operation does not
  // have; and any request no operation takes: all answered by the preflight, as the MSW handlers
  // answer them (answers.ts). Without one (a validating proxy), Prism still never sees a path a
  // URL parser would read as another.
  const [path = "/", query = ""] = target.split("?");
  const request: MockRequest = {
    method: req.method ?? "GET",
    path,
    query: new URLSearchParams(query),
    headers: { get: (name) => headerOf(req, name) },
    body: body.toString("utf8"),
    bodyBytes: body.length,
  };
  const early = preflight ? preflight(request).answer : unreadableAnswer(request);
  if (early) {
    send(res, early);
    return;
  }
  // An auth scheme is case-insensitive (RFC 9110 §11.1): `bearer x` is a bearer token, which
  // Prism 5.12 (matching /^Bearer\s/) would refuse as none. It is passed on spelled as Prism reads it.
  const headers = req.rawHeaders.map((value, i) =>
    i % 2 === 1 && req.rawHeaders[i - 1]!.toLowerCase() === "authorization"
      ? value.replace(/^(bearer|basic)(?=\s)/i, (scheme) => (scheme.toLowerCase() === "bearer" ? "Bearer" : "Basic"))
      : value,
  );
  // The client went away: the call to Prism ends too.
  const gone = new AbortController();
  res.once("close", () => {
    if (!res.writableFinished) gone.abort();
  });
  try {
    const answer = await relay.forward(incoming(req, body, headers), gone.signal);
    if (res.headersSent || res.destroyed) return;
    res.writeHead(answer.status, answer.statusMessage, answer.headers);
    res.end(answer.body);
  } catch (error) {
    if (gone.signal.aborted) return;
    const over = answerTooLarge(error);
    answerProblem(
      res,
      502,
      "Mock failure",
      over
        ? `the mock's ${over.status} answer is over ${over.maxBytes} bytes`
        : `the mock did not answer (${relay.noAnswerReason(error)})`,
    );
  }
}

/**
 * Why a request target is not a plain path, or undefined. Prism routes `new URL(target, base)`'s
 * pathname: a URL parser resolves `.` and `..` segments (`%2E` escaped too), drops a fragment,
 * takes the path out of an absolute-form target, reads `//x` as a host and `\` as `/`. The
 * target judged must be the one routed: any target the parser would read as another path is
 * refused, so Prism never sees one no one judged.
 */
export function unplainTarget(target: string): string | undefined {
  if (!target.startsWith("/"))
    return "the request target is not a path (an absolute-form or authority-form target): send /operations-manager/…";
  if (target.startsWith("//")) return "the request target starts with //, which a URL reads as a host";
  if (target.includes("#")) return "the request target has a fragment (#), which no client sends";
  const path = target.split("?")[0]!;
  let routed: string;
  try {
    routed = new URL(target, "http://mock").pathname;
  } catch {
    return "the request target is not a URL path";
  }
  if (routed === path) return undefined;
  if (/(^|\/)(\.|%2e){1,2}(\/|$)/i.test(path))
    return "the path has a dot segment (`.` or `..`, or escaped as %2E): it would be resolved to another path";
  return `the path is not in its plain form: a URL reads it as ${JSON.stringify(routed.slice(0, 200))}`;
}

function send(res: http.ServerResponse, answer: MockAnswer, extra: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(answer.status, { ...answer.headers, ...extra, "content-length": Buffer.byteLength(answer.body) });
  res.end(answer.body);
}

function headerOf(req: http.IncomingMessage, name: string): string | null {
  const value = req.headers[name.toLowerCase()];
  return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
}

/** An RFC 9457 problem answer, as Prism gives its own (it names no part of the body). */
function answerProblem(
  res: http.ServerResponse,
  status: number,
  title: string,
  detail: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify({ type: "about:blank", title, status, detail });
  res.writeHead(status, {
    ...headers,
    "content-type": "application/problem+json",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}
