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
export function unpackingFetch(getFetch: () => Fetch, maxBytes = Infinity): (request: RequestCarrier) => Promise<Response> {
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
 * The answer with its body counted as it is read, decoded (after gzip, br…: what takes memory),
 * and ended past `maxBytes`: whoever reads it (openapi-fetch's `text()`) gets AnswerTooLarge, and
 * the rest is never downloaded nor inflated. A declared Content-Length past the bound fails at once.
 * Anything that is not a Response with a body (a custom fetch's oddity) is handed on as it is.
 */
function boundedAnswer(response: Response, maxBytes: number): Response {
  if (!Number.isFinite(maxBytes)) return response;
  let body: ReadableStream<Uint8Array> | null;
  let status: number;
  try {
    body = response.body;
    status = response.status;
    if (!body || typeof body.pipeThrough !== "function" || status < 200 || status > 599) return response;
  } catch {
    return response;
  }
  let seen = 0;
  const stop = new AnswerTooLarge(status, maxBytes);
  const declared = Number(response.headers.get("content-length") ?? NaN);
  // Content-Length counts the bytes on the wire; without a Content-Encoding they are the body's.
  const limited =
    declared > maxBytes && !response.headers.get("content-encoding")
      ? new ReadableStream<Uint8Array>({
          start(controller) {
            void body.cancel().catch(() => {});
            controller.error(stop);
          },
        })
      : body.pipeThrough(
          new TransformStream<Uint8Array, Uint8Array>({
            transform(chunk, controller) {
              seen += chunk.byteLength;
              // Erroring here cancels the source: the connection's download and inflation stop.
              if (seen > maxBytes) controller.error(stop);
              else controller.enqueue(chunk);
            },
          }),
        );
  let copy: Response;
  try {
    copy = new Response(limited, { status, statusText: response.statusText, headers: response.headers });
  } catch {
    return response;
  }
  // What the copy cannot be given by its constructor, as the original had it.
  Object.defineProperty(copy, "url", { value: response.url });
  return copy;
}

/**
 * A signal that aborts on the caller's signal or after `timeoutMs`, telling which one fired. It is
 * the call's own: `fetch` and the client listen on it, never on the caller's signal, which many
 * calls may share (a listener each would set off Node's MaxListenersExceededWarning).
 * `AbortSignal.any` follows the caller's signal without adding a listener to it.
 */
export function deadline(timeoutMs: number, callerSignal: AbortSignal | undefined) {
  // With no time limit the caller's signal is enough: a timer costs Node's fetch ~10 µs a call.
  if (!Number.isFinite(timeoutMs)) return { signal: callerSignal && AbortSignal.any([callerSignal]), timedOut: () => false, expired: () => false, done() {} };
  const controller = new AbortController();
  const endsAt = Date.now() + timeoutMs;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException(`no answer within ${timeoutMs} ms`, "TimeoutError"));
  }, timeoutMs);
  return {
    signal: callerSignal ? AbortSignal.any([controller.signal, callerSignal]) : controller.signal,
    timedOut: () => timedOut,
    // The time is up, whether or not the timer could fire: it cannot while synchronous work (an
    // answer's parse and validation) holds the event loop, and the deadline covers that work too.
    expired: () => timedOut || Date.now() >= endsAt,
    done: () => clearTimeout(timer),
  };
}
