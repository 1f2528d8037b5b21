// One http relay: the mock's guard (in front of Prism, tools/mock/request-guard.ts) and verify's
// tap (behind it, tools/recording/tap.ts) forward through it. A verify call goes verify → guard →
// Prism → tap → platform: each hop reads the request body through one bound, drops one set of
// hop-by-hop headers, and reads the answer through one bound on time and one on size.
// node:http underneath, not fetch: it passes a request as it came (any method, a body on any of
// them, the target as written, the headers' spelling), keeps its own agent (kept-alive to Prism,
// destroyed on close), and names a failure by its socket's code (refused, DNS, reset, TLS). The
// answer's content codings are decoded here (the tap records text) under the same size bound.
import http from "node:http";
import https from "node:https";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import { AnswerTooLarge } from "../http/transport.js";

/**
 * Headers of one connection, never passed from one hop to the next: RFC 9110 §7.6.1's (and the
 * older `proxy-connection`, `trailer`), `expect` (answered by the hop itself), `host` (the next
 * hop's own). Each name a `Connection` header lists is one too.
 */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "upgrade",
  "te",
  "trailer",
  "expect",
  "host",
]);

/**
 * Header pairs (`rawHeaders`' flat form, spelling kept) that go on to the next hop: none of
 * HOP_BY_HOP, none a `Connection` header names, none of `also` (lower case).
 */
export function endToEnd(raw: readonly string[], also: readonly string[] = []): string[] {
  const dropped = new Set([...HOP_BY_HOP, ...also]);
  for (let i = 0; i < raw.length; i += 2)
    if (raw[i]!.toLowerCase() === "connection")
      for (const token of raw[i + 1]!.split(",")) dropped.add(token.trim().toLowerCase());
  const kept: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (!dropped.has(raw[i]!.toLowerCase())) kept.push(raw[i]!, raw[i + 1]!);
  return kept;
}

/** A request to pass on: its target as written (`/path?query`), its header pairs, its whole body. */
interface RelayRequest {
  method: string;
  target: string;
  /** Header pairs as `rawHeaders` has them; hop-by-hop ones and Content-Length are dropped here. */
  headers: readonly string[];
  body: Buffer;
  /** Whether the request came with framing for a body (Content-Length or Transfer-Encoding), even an empty one. */
  framed?: boolean;
}

/** A request that arrived, as it is passed on: `headers` its own unless given (the guard respells one). */
export function incoming(
  req: http.IncomingMessage,
  body: Buffer,
  headers: readonly string[] = req.rawHeaders,
): RelayRequest {
  return {
    method: req.method ?? "GET",
    target: req.url ?? "/",
    headers,
    body,
    framed: req.headers["content-length"] !== undefined || req.headers["transfer-encoding"] !== undefined,
  };
}

/** An answer's body, as much as the guard passes on: what a recording may hold (recording/format.ts), a few times a real answer. */
export const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

/** The next hop's answer, read whole within the bounds. */
export interface RelayAnswer {
  status: number;
  statusMessage: string;
  /** End-to-end header pairs; Content-Length that of `body`, Content-Encoding gone when `body` was decoded. */
  headers: string[];
  body: Buffer;
  /** The answer's content coding, when it is one the relay does not decode (`body` is still encoded). */
  undecoded?: string;
}

interface RelayOptions {
  /** Each call, its answer's body included, ends within this time (TimeoutError); none by default. */
  timeoutMs?: number;
  /** The most bytes of a request body read (readBody): past it, the rest is dropped unread. */
  maxRequestBytes: number;
  /** The most bytes of an answer's body read, decoded (gzip, br… inflated): past it, reading stops. */
  maxAnswerBytes: number;
  /** Decode the answer's content codings (gzip, deflate, br; zstd where zlib has it). */
  decode?: boolean;
  /** Keep connections alive for the next call (the guard to Prism, on loopback). */
  keepAlive?: boolean;
}

export interface Relay {
  /** The whole body of a request that arrived, or why there is none to pass on; never more than `maxRequestBytes` is held. */
  readBody(req: http.IncomingMessage): Promise<Buffer | "aborted" | "too large">;
  /**
   * Sends `request` to the upstream and reads its answer within the bounds. Rejects with
   * AnswerTooLarge (src/http/transport.ts) past `maxAnswerBytes`, a TimeoutError past `timeoutMs`, or the
   * socket's own error; `signal` (the caller went away) ends the call.
   */
  forward(request: RelayRequest, signal?: AbortSignal): Promise<RelayAnswer>;
  /** Why a call got no answer, naming the upstream's host and port only (noAnswerReason). */
  noAnswerReason(error: unknown): string;
  /** Ends the kept-alive connections. */
  close(): void;
}

/** A relay to `upstream` (`http(s)://host:port[/base]`): each call's target is appended to its path. */
export function createRelay(upstream: string, options: RelayOptions): Relay {
  const base = new URL(upstream);
  const secure = base.protocol === "https:";
  const prefix = base.pathname.replace(/\/$/, "");
  const hostname = base.hostname.replace(/^\[(.*)\]$/, "$1");
  const { maxRequestBytes, maxAnswerBytes: maxBytes, timeoutMs = Infinity } = options;
  const agent = new (secure ? https : http).Agent({ keepAlive: options.keepAlive ?? false });
  const origin = `${base.protocol}//${base.host}`;

  function forward(request: RelayRequest, signal?: AbortSignal): Promise<RelayAnswer> {
    return new Promise((resolve, reject) => {
      const headers = ["Host", base.host, ...endToEnd(request.headers, ["content-length"])];
      if (request.body.length > 0 || request.framed) headers.push("Content-Length", String(request.body.length));
      const outgoing = (secure ? https : http).request({
        host: hostname,
        port: base.port,
        method: request.method,
        path: prefix + request.target,
        headers,
        agent,
      });
      let settled = false;
      /** Ends the call's bounds once: false when it had already ended. */
      const settle = () => {
        if (settled) return false;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        return true;
      };
      const fail = (error: Error) => {
        if (!settle()) return;
        outgoing.destroy();
        reject(error);
      };
      const timer = Number.isFinite(timeoutMs)
        ? setTimeout(() => fail(new DOMException(`no answer within ${timeoutMs} ms`, "TimeoutError")), timeoutMs)
        : undefined;
      const onAbort = () => fail(new DOMException("the caller went away", "AbortError"));
      if (signal?.aborted) return onAbort();
      signal?.addEventListener("abort", onAbort, { once: true });
      outgoing.once("error", fail);
      // A 101 is no answer to pass on (without this listener the socket stayed open, and the call
      // waited for its time bound: forever in the guard, which has none).
      outgoing.once("upgrade", (_answer, socket) => {
        socket.destroy();
        fail(Object.assign(new Error("the answer switched protocols (101)"), { code: SWITCHED }));
      });
      outgoing.once("response", (answer) => {
        const status = answer.statusCode ?? 0;
        // Node's client reads any three digits; its server writes only 100 to 999: an answer it
        // could not pass on is no answer (a throw later, in a server's handler, would end the process).
        if (!(status >= 100 && status <= 999)) {
          answer.destroy();
          return fail(Object.assign(new Error(`status ${status} is not HTTP's`), { code: BAD_STATUS }));
        }
        const coding = options.decode ? answer.headers["content-encoding"] : undefined;
        const decoders = coding === undefined ? [] : decodersOf(coding);
        const bodiless = request.method === "HEAD" || status === 204 || status === 304;
        const declared = Number(answer.headers["content-length"] ?? NaN);
        // Content-Length counts the bytes on the wire; without a decoding they are the body's.
        if ((decoders === undefined || decoders.length === 0) && declared > maxBytes && !bodiless) {
          answer.destroy();
          return fail(new AnswerTooLarge(status, maxBytes));
        }
        const chunks: Buffer[] = [];
        let seen = 0;
        const collect = async (source: AsyncIterable<Buffer>) => {
          for await (const chunk of source) {
            seen += chunk.length;
            // Whole or not at all: what is past the bound is neither downloaded nor inflated.
            if (seen > maxBytes) {
              // Failed here and now: on Node 22 and 24 the pipeline's own rejection never came
              // once a gunzip stage before this one was torn down (the call waited for its timeout).
              const over = new AnswerTooLarge(status, maxBytes);
              fail(over);
              throw over;
            }
            chunks.push(chunk);
          }
        };
        // Each stage is destroyed when one fails: the socket too, so nothing more is read.
        (pipeline as (...stages: unknown[]) => Promise<void>)(answer, ...(decoders ?? []), collect).then(
          () => {
            if (!settle()) return;
            const body = Buffer.concat(chunks, seen);
            const decoded = !!decoders?.length;
            const kept = endToEnd(answer.rawHeaders, [
              ...(bodiless ? [] : ["content-length"]),
              ...(decoded ? ["content-encoding"] : []),
            ]);
            if (!bodiless) kept.push("Content-Length", String(body.length));
            resolve({
              status,
              // A reason phrase a header could not carry is dropped: a server would refuse to write it.
              statusMessage: NOT_IN_REASON.test(answer.statusMessage ?? "") ? "" : (answer.statusMessage ?? ""),
              headers: kept,
              body,
              ...(decoders === undefined ? { undecoded: String(coding) } : {}),
            });
          },
          // Past the bound, the call has already failed with AnswerTooLarge: the stages torn down
          // then may each report their own end (an AbortError), which finds it settled.
          (error: unknown) => fail(error as Error),
        );
      });
      outgoing.end(request.body);
    });
  }

  function readBody(req: http.IncomingMessage): Promise<Buffer | "aborted" | "too large"> {
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxRequestBytes) {
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

  return {
    readBody,
    forward,
    noAnswerReason: (error) => noAnswerReason(error, origin, timeoutMs),
    close: () => agent.destroy(),
  };
}

/** A stage of the answer's pipeline: a stream, or a function of the chunks before it. */
type Decoder = NodeJS.ReadWriteStream | ((source: AsyncIterable<Buffer>) => AsyncIterable<Buffer>);

/**
 * `deflate` as servers send it: zlib-wrapped (RFC 9110), or raw, as some do and fetch reads too.
 * The first byte tells: a zlib header's low nibble is 8 (its method, deflate).
 */
function inflateEither(options: zlib.ZlibOptions): Decoder {
  return async function* inflate(source) {
    const chunks = source[Symbol.asyncIterator]();
    const first = await chunks.next();
    if (first.done) return;
    const inflater = ((first.value[0]! & 0x0f) === 0x08 ? zlib.createInflate : zlib.createInflateRaw)(options);
    const input = Readable.from(
      (async function* () {
        yield first.value;
        for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
      })(),
    );
    input.once("error", (error) => inflater.destroy(error));
    // Ended early (past the bound, a failure): the inflater is destroyed with the loop's end.
    yield* input.pipe(inflater) as AsyncIterable<Buffer>;
  };
}

/**
 * The streams that decode `coding` (a Content-Encoding: codings in the order applied, undone last
 * first), as fetch decodes them; undefined when one of them is none this relay knows, and then
 * none is decoded. Lenient at the end of the stream, as fetch is: a body cut short is what came.
 */
function decodersOf(coding: string): Decoder[] | undefined {
  const streams: Decoder[] = [];
  const lenient = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
  const zstd = (zlib as { createZstdDecompress?: () => NodeJS.ReadWriteStream }).createZstdDecompress;
  for (const name of coding
    .toLowerCase()
    .split(",")
    .map((c) => c.trim())
    .reverse()) {
    if (name === "" || name === "identity") continue;
    if (name === "gzip" || name === "x-gzip") streams.push(zlib.createGunzip(lenient));
    else if (name === "deflate") streams.push(inflateEither(lenient));
    else if (name === "br")
      streams.push(
        zlib.createBrotliDecompress({
          flush: zlib.constants.BROTLI_OPERATION_FLUSH,
          finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
        }),
      );
    else if (name === "zstd" && zstd) streams.push(zstd());
    else return undefined;
  }
  return streams;
}

/** The code of an answer whose status line no server could pass on. */
const BAD_STATUS = "ERR_RELAY_BAD_STATUS";
/** The code of an answer that switched protocols (101): nothing a relay can pass on. */
const SWITCHED = "ERR_RELAY_SWITCHED";
/** What a reason phrase may not hold (RFC 9112 §4: HTAB, SP, VCHAR, obs-text), as Node's server checks it. */
const NOT_IN_REASON = /[^\t\x20-\x7e\x80-\xff]/;

const CAUSES: Array<[RegExp, string]> = [
  [new RegExp(`^${BAD_STATUS}$`), "the answer's status line is not HTTP's"],
  [new RegExp(`^${SWITCHED}$`), "the answer switched protocols (101)"],
  [/^ECONNREFUSED$/, "connection refused"],
  [/^(ENOTFOUND|EAI_AGAIN|EAI_NONAME|EAI_FAIL)$/, "the host name does not resolve"],
  [/^(ECONNRESET|EPIPE|UND_ERR_SOCKET)$/, "the connection was reset"],
  [/^(ETIMEDOUT|UND_ERR_CONNECT_TIMEOUT|UND_ERR_HEADERS_TIMEOUT|UND_ERR_BODY_TIMEOUT)$/, "timed out"],
  [/^(EHOSTUNREACH|ENETUNREACH|EADDRNOTAVAIL)$/, "the host cannot be reached"],
  [/CERT|TLS|SSL|ERR_SSL|^EPROTO$|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|HOSTNAME_MISMATCH|ALTNAME/, "TLS failed"],
];

/**
 * Why a call to `base` got no answer: what happened and where (host and port only: the base URL
 * carries no credentials, verify refuses them there). Never the platform's words: there were none.
 */
function noAnswerReason(error: unknown, base: string, timeoutMs: number): string {
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
