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

/** The `fetch` given to openapi-fetch: unpacks the carrier into the usual `(url, init)` call. */
export function unpackingFetch(getFetch: () => Fetch): (request: RequestCarrier) => Promise<Response> {
  return (request) => getFetch()(request.url, request);
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
