// A caller's openapi-fetch middleware on the typed calls (`om.use`, `om.eject`). Each is wrapped
// once: it sees a real `Request` (the engine's light carrier is turned into one only when a
// middleware is there to see it), and whatever it throws is marked with the stage it threw in, so
// that the call ends with our error of that stage (pipeline.ts). The token steps run on an engine
// of their own, which no caller's middleware is added to: their bodies carry the client secret or
// the password.
import type { Middleware } from "openapi-fetch";
import { OperationsManagerError } from "../errors/operations-manager-error.js";
import type { Redactor } from "../errors/redaction/redactor.js";
import { describeCause, safeCause } from "../errors/redaction/causes.js";
import { RequestCarrier } from "../http/transport.js";
import type { OperationId } from "../contract/types.js";
import { kindOf } from "../util/values.js";

/** What a caller's middleware threw, and where. */
export class MiddlewareFailure extends Error {
  constructor(
    readonly hook: "onRequest" | "onResponse" | "onError",
    readonly status: number | undefined,
    override readonly cause: unknown,
  ) {
    super(`a middleware's ${hook} threw`);
  }
}

/** The call's error for a middleware that threw: of the stage its hook runs in, scrubbed. */
export function middlewareError(
  failure: MiddlewareFailure,
  operationId: OperationId,
  redact: Redactor,
): OperationsManagerError {
  const { hook, status, cause } = failure;
  const said = `${operationId}: a middleware's ${hook} threw (${describeCause(cause, redact)})`;
  const details = { operationId, cause: safeCause(cause, redact) };
  if (hook === "onRequest")
    return new OperationsManagerError("invalid-request", `${said}. The request was not sent.`, details);
  if (hook === "onError") return new OperationsManagerError("network", said, details);
  const ok = status !== undefined && status >= 200 && status <= 299;
  return new OperationsManagerError(ok ? "invalid-response" : "http", said, { ...details, status });
}

/** The caller's middleware, each wrapped once, for an engine's `use` and `eject`. */
export function callerMiddleware() {
  const wrapped = new WeakMap<Middleware, Middleware>();
  const check = (m: unknown, at: number): Middleware => {
    const hooks = ["onRequest", "onResponse", "onError"] as const;
    const ok =
      typeof m === "object" && m !== null && hooks.some((h) => typeof (m as Record<string, unknown>)[h] === "function");
    if (!ok)
      throw new TypeError(
        `middleware ${at + 1} must be an object with onRequest, onResponse or onError functions, got ${kindOf(m)}`,
      );
    return m as Middleware;
  };
  return {
    /** The wrappers to add, one per middleware (the same one again for a middleware added before). */
    add(middleware: readonly unknown[]): Middleware[] {
      return middleware.map((m, i) => {
        const given = check(m, i);
        let w = wrapped.get(given);
        if (!w) wrapped.set(given, (w = wrap(given)));
        return w;
      });
    },
    /** The wrappers to eject (each removes one use, as openapi-fetch's eject does); one never added is ignored. */
    remove(middleware: readonly unknown[]): Middleware[] {
      return middleware.flatMap((m) => {
        const w = typeof m === "object" && m !== null ? wrapped.get(m as Middleware) : undefined;
        return w ? [w] : [];
      });
    },
  };
}

function wrap(m: Middleware): Middleware {
  const { onResponse, onError } = m;
  const out: Middleware = {
    // The engine builds a light carrier (transport.ts); a middleware sees a real Request, and what
    // it returns (or the Request it changed in place) is carried on.
    onRequest: (context) =>
      marked("onRequest", undefined, async () => {
        const carrier = context.request as unknown as RequestCarrier;
        const request = toRequest(carrier);
        const result = m.onRequest ? await m.onRequest({ ...context, request }) : undefined;
        if (result instanceof Response) return result;
        if (result !== undefined && !(result instanceof Request))
          throw new TypeError(`onRequest must return a Request, a Response or nothing, got ${kindOf(result)}`);
        const next = result ?? request;
        return (await toCarrier(next, next === request ? carrier.signal : next.signal)) as unknown as Request;
      }),
  };
  if (onResponse)
    out.onResponse = (context) => marked("onResponse", context.response.status, () => onResponse(context));
  if (onError) out.onError = (context) => marked("onError", undefined, () => onError(context));
  return out;
}

/** What `hook` gives, or what it throws marked as thrown there (with the status of the answer it saw). */
async function marked<T>(
  hook: MiddlewareFailure["hook"],
  status: number | undefined,
  run: () => T | Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new MiddlewareFailure(hook, status, error);
  }
}

/** The engine's carrier as the `Request` a middleware expects to see. */
function toRequest(carrier: RequestCarrier): Request {
  return new Request(carrier.url, {
    method: carrier.method,
    headers: carrier.headers,
    body: carrier.body,
    signal: carrier.signal,
    redirect: carrier.redirect,
  });
}

/** A Request back as the engine's carrier, its body read (it is a few bytes of JSON, or none). */
async function toCarrier(request: Request, signal: AbortSignal | null | undefined): Promise<RequestCarrier> {
  const body = request.body ? await request.arrayBuffer() : undefined;
  return new RequestCarrier(request.url, {
    method: request.method,
    headers: new Headers(request.headers),
    body,
    signal,
    redirect: request.redirect,
  });
}
