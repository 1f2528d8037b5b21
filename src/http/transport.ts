// How requests travel: openapi-fetch builds them, and a light carrier stands in for `Request`.
// By default openapi-fetch constructs a `Request` per call and `fetch` copies it again; the carrier
// lets it hand url and init straight to `fetch`, which is most of its cost over raw `fetch`.

export class RequestCarrier {
  readonly url: string;
  readonly method: string;
  // Typed through RequestInit, which Node's own types declare too: a consumer needs no DOM lib.
  readonly headers: RequestInit["headers"];
  readonly body: RequestInit["body"];
  readonly signal: RequestInit["signal"];
  readonly redirect: RequestInit["redirect"];

  constructor(url: string, init: RequestInit = {}) {
    this.url = url;
    this.method = init.method ?? "GET";
    this.headers = init.headers;
    this.body = init.body;
    this.signal = init.signal;
    this.redirect = init.redirect;
  }
}

export type Fetch = (input: string, init: RequestInit) => Promise<Response>;

/**
 * The `fetch` given to openapi-fetch: unpacks the carrier into the usual `(url, init)` call, and
 * hands back the answer with its body read through a bound of `maxBytes` decoded bytes.
 */
export function unpackingFetch(
  getFetch: () => Fetch,
  maxBytes = Infinity,
): (request: RequestCarrier) => Promise<Response> {
  return async (request) => boundedAnswer(await getFetch()(request.url, request), maxBytes);
}

/** An answer's body ran past `maxResponseBytes`: reading stopped there. The status says its kind. */
export class AnswerTooLarge extends Error {
  override readonly name = "AnswerTooLarge";
  constructor(
    readonly status: number,
    readonly maxBytes: number,
  ) {
    super(`the ${status} answer's body is larger than maxResponseBytes (${maxBytes} bytes)`);
  }
}

/** `value` when it is the bound's AnswerTooLarge (whatever else a custom fetch may reject with). */
export function tooLarge(value: unknown): AnswerTooLarge | undefined {
  try {
    return value instanceof AnswerTooLarge ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The answer, its body read through a bound of `maxBytes` decoded bytes (after gzip, br…: what
 * takes memory): its `text()` (what openapi-fetch reads, as `json()` and `arrayBuffer()` would)
 * counts the bytes as they come and, past the bound, cancels the rest (never downloaded nor
 * inflated) and rejects with AnswerTooLarge. A declared Content-Length past the bound fails before
 * reading; one within it, unencoded, needs no counting. The Response itself is kept (a copy would
 * cost each call more than openapi-fetch does); anything that is not a Response with a readable
 * body (a custom fetch's oddity) is handed on as it is.
 */
const utf8 = new TextDecoder();

function boundedAnswer(response: Response, maxBytes: number): Response {
  let body: ReadableStream<Uint8Array> | null;
  let status: number;
  let declared: number;
  let encoded: boolean;
  let undecoded: Undecoded;
  try {
    const coding = response.headers.get("content-encoding");
    undecoded = undecodedCoding(coding);
    if (!Number.isFinite(maxBytes) && !undecoded) return response;
    body = response.body;
    status = response.status;
    if (!body || typeof body.getReader !== "function") return response;
    declared = Number(response.headers.get("content-length") ?? NaN);
    encoded = !!coding;
  } catch {
    return response;
  }
  // Content-Length counts the bytes on the wire; without a Content-Encoding they are the body's.
  if (!encoded && declared <= maxBytes) return response;
  const stream = body;
  const read = async (): Promise<Uint8Array> => {
    // Made only when thrown: an Error's stack costs each call that reads within the bound.
    const stop = () => new AnswerTooLarge(status, maxBytes);
    if (!encoded && declared > maxBytes) {
      // Not awaited: a clone's (a tee branch's) cancel settles only once its twin is cancelled too.
      void stream.cancel().catch(() => {});
      throw stop();
    }
    const reader = stream.getReader();
    const chunks: Uint8Array[] = [];
    let seen = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      seen += value.byteLength;
      if (seen > maxBytes) {
        void reader.cancel().catch(() => {});
        throw stop();
      }
      chunks.push(value);
    }
    if (chunks.length === 1) return chunks[0]!;
    const all = new Uint8Array(seen);
    let at = 0;
    for (const chunk of chunks) {
      all.set(chunk, at);
      at += chunk.byteLength;
    }
    return all;
  };
  // UTF-8, a BOM dropped, bad bytes replaced: as Response.text() decodes. Plain own members
  // shadowing the prototype's (defining them as properties cost each call measurably more).
  const bounded = response as {
    text: () => Promise<string>;
    json: () => Promise<unknown>;
    arrayBuffer: () => Promise<ArrayBuffer>;
    blob: () => Promise<Blob>;
    clone: () => Response;
  };
  try {
    bounded.text = async () => {
      const bytes = await read();
      // Bytes still compressed are no text: shown, they would carry a compressed echo of a secret
      // past every scrubbing. Described by their size only (the coding's name is the server's too).
      if (undecoded === "unknown" || (undecoded === "zstd" && isZstdFrame(bytes))) {
        return undecodedBody(bytes.byteLength);
      }
      return utf8.decode(bytes);
    };
    bounded.json = async () => JSON.parse(await bounded.text()) as unknown;
    bounded.arrayBuffer = async () => (await read()).slice().buffer;
    bounded.blob = async () =>
      new Blob([await bounded.arrayBuffer()], { type: response.headers.get("content-type") ?? "" });
    // A middleware's `response.clone().text()` (a logger's) is bounded as the answer is.
    bounded.clone = () => boundedAnswer(Response.prototype.clone.call(response), maxBytes);
  } catch {
    // A frozen answer or a Proxy that refuses members: handed on as it is, as any oddity.
  }
  return response;
}

/** What stands for a body still compressed: its size only (the coding's name is the server's too). */
export function undecodedBody(byteLength: number): string {
  return `(a body of ${byteLength} bytes in a content coding that was not decoded)`;
}

/** The content codings fetch (undici) decodes; zstd only in some versions (checked by its frame's magic). */
const DECODED_CODINGS = new Set(["", "identity", "gzip", "x-gzip", "deflate", "br"]);
type Undecoded = "unknown" | "zstd" | undefined;

/** Whether a Content-Encoding lists a coding fetch leaves encoded (undici decodes none of a list that holds one). */
function undecodedCoding(header: string | null): Undecoded {
  if (header === null) return undefined;
  let found: Undecoded;
  for (const coding of header.toLowerCase().split(",")) {
    const name = coding.trim();
    if (DECODED_CODINGS.has(name)) continue;
    if (name !== "zstd") return "unknown";
    found = "zstd";
  }
  return found;
}

/** A zstd frame's magic number, 0xFD2FB528 little-endian: the body was left compressed. */
function isZstdFrame(bytes: Uint8Array): boolean {
  return bytes[0] === 0x28 && bytes[1] === 0xb5 && bytes[2] === 0x2f && bytes[3] === 0xfd;
}

/**
 * A signal that aborts on the caller's signal or after `timeoutMs`, telling which one fired. It is
 * the call's own: `fetch` and the client listen on it, never on the caller's signal, which many
 * calls may share (a listener each would set off Node's MaxListenersExceededWarning).
 * `AbortSignal.any` follows the caller's signal without adding a listener to it.
 */
export function deadline(timeoutMs: number, callerSignal: AbortSignal | undefined) {
  // With no time limit the caller's signal is enough: a timer costs Node's fetch ~10 µs a call.
  if (!Number.isFinite(timeoutMs))
    return {
      signal: callerSignal && AbortSignal.any([callerSignal]),
      endsAt: Infinity,
      timedOut: () => false,
      expired: () => false,
      done() {},
    };
  const controller = new AbortController();
  const endsAt = Date.now() + timeoutMs;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException(`no answer within ${timeoutMs} ms`, "TimeoutError"));
  }, timeoutMs);
  return {
    signal: callerSignal ? AbortSignal.any([controller.signal, callerSignal]) : controller.signal,
    endsAt,
    timedOut: () => timedOut,
    // The time is up, whether or not the timer could fire: it cannot while synchronous work (an
    // answer's parse and validation) holds the event loop, and the deadline covers that work too.
    expired: () => timedOut || Date.now() >= endsAt,
    done: () => clearTimeout(timer),
  };
}
