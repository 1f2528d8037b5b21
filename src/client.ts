import createClient, { type Client, type Middleware } from "openapi-fetch";
import { checkAuth, createAuthenticator, type Authenticator, type AuthOptions, type Credential } from "./auth.js";
import { OperationsManagerError, optionError } from "./errors.js";
import { createRedactor, describeCause, safeCause, type Redactor } from "./secrets.js";
import { deadline, RequestCarrier, unpackingFetch, type Fetch } from "./transport.js";
import type { FinishManualTaskBody, Job, OperationId, paths, Task } from "./types.js";
import { answerCheck, checkPathParams, checkRequestBody, checkValidateOption, describeViolations, type AnswerCheck, type ValidateOption } from "./validation.js";

export interface OperationsManagerClientOptions {
  /** Where the platform is, such as `https://itential.example.com` (no credentials in it). */
  baseUrl: string;
  /**
   * How to get in, one of:
   * - `{ username, password }`: HTTP Basic on every call (the default method);
   * - `{ username, password, method: "login" }`: `POST /login` once, then the session token as
   *   the cookie `token`, logging in again when the platform answers `401`;
   * - `{ clientId, clientSecret }`: OAuth 2 client credentials (`POST /oauth/token`), then
   *   `Authorization: Bearer`, renewed shortly before `expires_in` runs out;
   * - `{ token }`: a bearer token, or a function giving one for each call, that you manage.
   *
   * Concurrent calls share one token request. A `401` answered to a fetched token drops it, gets a
   * new one and repeats the call once (a `401` means the platform did nothing).
   */
  auth: AuthOptions;
  /**
   * Allow credentials over plain `http://` to a host that is not loopback. Off by default: they
   * would cross the network in clear text (the platform itself serves Basic only over TLS).
   * `127.0.0.0/8`, `localhost` and `::1` need no flag.
   */
  allowInsecureHttp?: boolean;
  /**
   * The `fetch` to send with; `globalThis.fetch` at call time when not given. The typed methods
   * call it as `fetch(url, init)`; `raw`, a plain openapi-fetch client, calls it as `fetch(request)`,
   * so a replacement that serves both must take either, as the global `fetch` does.
   */
  fetch?: Fetch;
  /** How long a call may take, answer included, before it fails with kind `"timeout"`. Default 30 000; `Infinity` for none. */
  timeoutMs?: number;
  /**
   * Check answers against the contract: `"off"` (default), `"throw"` (a 2xx body that breaks it
   * rejects with kind `"invalid-response"` and its `violations`), or a function told of the
   * violations (`{ operationId, status }` as context) while the call resolves as usual. Unknown
   * extra members are not violations. Requests are always checked.
   */
  validate?: ValidateOption;
}

export interface CallOptions {
  /** Aborts the call; it then fails with kind `"network"` (or `"timeout"` for a timeout signal). */
  signal?: AbortSignal;
}

export interface OperationsManagerClient {
  /**
   * Claim a task: assigns a task iteration to the current user.
   * @param taskId The UUID of the task **iteration** (a Task's `_id`), not a workflow task key.
   * @returns The claimed Task (the envelope's `data`).
   * @throws {OperationsManagerError} on any failure; nothing is sent when `taskId` is malformed.
   */
  claimTask(taskId: string, options?: CallOptions): Promise<Task>;
  /**
   * Finish a manual task: works it with the given task data.
   * @deprecated Deprecated upstream in the Itential API (still served; this method keeps working).
   * @param jobId The job's id: 24 lower-case hexadecimal digits.
   * @param taskId The **workflow task key** (`defc`, `workflow_start`, …), not a task-iteration UUID.
   * @param body `{ taskData }`, usually with `finish_state` and `variables`; `{}` when left out.
   * @returns The Job (the envelope's `data`).
   * @throws {OperationsManagerError} on any failure; nothing is sent when an argument is malformed.
   */
  finishManualTask(jobId: string, taskId: string, body?: FinishManualTaskBody, options?: CallOptions): Promise<Job>;
  /**
   * The plain openapi-fetch client, with base URL and credentials, for anything else. With a token
   * method a middleware adds the (shared, cached) token; `raw` does not repeat a call after a 401.
   */
  readonly raw: Client<paths>;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_TIMER_MS = 2 ** 31 - 1;

type Sent = { data?: unknown; error?: unknown; response: Response };
type Call = (signal: AbortSignal | undefined, headers: Record<string, string> | undefined) => Promise<Sent>;

export function createOperationsManagerClient(options: OperationsManagerClientOptions): OperationsManagerClient {
  const { baseUrl, auth, timeoutMs } = checkOptions(options);
  // Read when an error is redacted, so the secrets include the tokens fetched by then.
  const redact = createRedactor(() => authenticator.secrets());
  // Token requests go through the same engine, which exists by the time the first one is made.
  const authenticator = createAuthenticator(auth, () => engine, timeoutMs, redact);
  const headers = authenticator.fixedHeaders;
  const answers = answerCheck(options.validate, redact);
  const getFetch = () => options.fetch ?? globalThis.fetch;

  const engine = createClient<paths>({
    baseUrl,
    headers,
    // A redirect is answered, not followed: following would report another endpoint's answer as
    // this claim or finish, and a 307 would repeat a state-changing POST.
    redirect: "manual",
    Request: RequestCarrier as unknown as typeof Request,
    fetch: unpackingFetch(getFetch) as unknown as typeof fetch,
  });
  const raw = createClient<paths>({ baseUrl, headers, ...(options.fetch ? { fetch: options.fetch as typeof fetch } : {}) });
  if (authenticator.credential) raw.use(tokenHeaders(authenticator.credential));

  async function send(operationId: OperationId, call: Call, callOptions?: CallOptions) {
    // Only the first calls of a validating client wait, while its response validators load; no
    // other call pays even an await for it.
    const loading = answers?.ready();
    if (loading) await loading;
    const limit = deadline(timeoutMs, callOptions?.signal);
    let sent: Sent;
    try {
      sent = authenticator.credential ? await withToken(authenticator, call, limit.signal) : await call(limit.signal, undefined);
    } catch (cause) {
      throw unanswered(operationId, cause, limit.timedOut(), callOptions?.signal, redact);
    } finally {
      limit.done();
    }
    return envelopeData(operationId, sent, redact, answers);
  }

  return {
    raw,
    async claimTask(taskId, callOptions) {
      checkPathParams("claimTask", { taskId });
      return (await send(
        "claimTask",
        (signal, headers) =>
          engine.POST("/operations-manager/tasks/{taskId}/claim", { params: { path: { taskId } }, headers, parseAs: "text", signal }),
        callOptions,
      )) as Task;
    },
    async finishManualTask(jobId, taskId, body, callOptions) {
      checkPathParams("finishManualTask", { jobId, taskId });
      const { checked, json, sent } = checkFinishBody(body);
      checkRequestBody("finishManualTask", json, undefined, sent);
      return (await send(
        "finishManualTask",
        (signal, headers) =>
          engine.POST("/operations-manager/jobs/{jobId}/tasks/{taskId}/finish", {
            params: { path: { jobId, taskId } },
            headers,
            body: checked,
            // Serialized once, while checking: what was checked is what is sent.
            bodySerializer: () => json,
            parseAs: "text",
            signal,
          }),
        callOptions,
      )) as Job;
    },
  };
}

function checkOptions(options: OperationsManagerClientOptions) {
  const refuse = optionError;
  if (!options || typeof options !== "object") throw refuse("options are required: { baseUrl, auth: { username, password } }");
  let url: URL;
  try {
    url = new URL(options.baseUrl);
  } catch {
    throw refuse(`baseUrl must be an absolute http(s) URL, got ${typeof options.baseUrl === "string" ? JSON.stringify(options.baseUrl) : typeof options.baseUrl}`);
  }
  if (url.username || url.password) throw refuse("baseUrl must not contain credentials; pass them as auth");
  if (url.protocol !== "http:" && url.protocol !== "https:") throw refuse(`baseUrl must use http or https, got ${url.protocol}`);
  const auth = checkAuth(options.auth);
  if (url.protocol === "http:" && !isLoopback(url.hostname) && options.allowInsecureHttp !== true) {
    throw refuse(
      `baseUrl ${url.origin} is plain http:// to a host that is not loopback: the credentials would cross the network ` +
        "in clear text. Use https://, or pass allowInsecureHttp: true if you mean it",
    );
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (typeof timeoutMs !== "number" || Number.isNaN(timeoutMs) || timeoutMs <= 0) {
    throw refuse("timeoutMs must be a positive number of milliseconds (Infinity for no timeout)");
  }
  if (options.fetch !== undefined && typeof options.fetch !== "function") throw refuse("fetch must be a function");
  const badValidate = checkValidateOption(options.validate);
  if (badValidate) throw refuse(badValidate);
  return { baseUrl: options.baseUrl, auth, timeoutMs: timeoutMs > MAX_TIMER_MS ? Infinity : timeoutMs };
}

/**
 * 127.0.0.0/8, ::1 and localhost: traffic that never leaves the machine. Not `*.localhost`: a
 * resolver that does not special-case it (RFC 6761 only asks) may send it anywhere.
 */
function isLoopback(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === "localhost" || host === "[::1]" || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * One call with a token: a 401 answered to it drops the token, and the call is sent once more
 * with a new one (a 401 means the platform did nothing, so repeating is safe); never more.
 */
async function withToken(auth: Authenticator, call: Call, signal: AbortSignal | undefined): Promise<Sent> {
  const used = await waitFor(auth.credential!(), signal);
  const sent = await call(signal, used.headers);
  if (sent.response.status !== 401 || !auth.renew!(used)) return sent;
  const fresh = await waitFor(auth.credential!(), signal);
  return fresh.token === used.token ? sent : call(signal, fresh.headers);
}

/** A shared token request goes on for the other calls; this caller stops waiting when its signal aborts. */
function waitFor(pending: Promise<Credential>, signal: AbortSignal | undefined): Promise<Credential> {
  if (!signal) return pending;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener("abort", abort, { once: true });
    pending.then(resolve, reject).finally(() => signal.removeEventListener("abort", abort));
  });
}

/** `raw`'s token: the same shared, cached credential the typed methods use. */
function tokenHeaders(credential: () => Promise<Credential>): Middleware {
  return {
    async onRequest({ request }) {
      for (const [name, value] of Object.entries((await credential()).headers)) request.headers.set(name, value);
      return request;
    },
  };
}

// What JSON Schema cannot say: the body and its taskData are plain objects (a Date, a Map or a
// class instance would be sent changed or emptied) and serialisable. The contract's own rules
// are checked on exactly the JSON that is sent (checkRequestBody).
function checkFinishBody(body: unknown): { checked: FinishManualTaskBody; json: string; sent: () => unknown } {
  const refuse = (message: string) =>
    new OperationsManagerError("invalid-request", `finishManualTask: ${message}. Nothing was sent.`, { operationId: "finishManualTask" });
  if (body === undefined) return { checked: {}, json: "{}", sent: () => ({}) };
  if (!isPlainObject(body)) throw refuse(`body must be a plain object { taskData? }, got ${kindOf(body)}`);
  const { taskData } = body as FinishManualTaskBody;
  if (taskData !== undefined && !isPlainObject(taskData)) throw refuse(`taskData must be a plain object, got ${kindOf(taskData)}`);
  let json: string;
  const serializer = jsonOf();
  try {
    json = JSON.stringify(body, serializer.replacer);
  } catch (error) {
    throw refuse(`body cannot be serialized to JSON (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`);
  }
  // The contract judges what is sent: the object itself when JSON sends it as it is, else the JSON read back.
  const sent = serializer.changed ? () => JSON.parse(json) as unknown : () => body;
  return { checked: body as FinishManualTaskBody, json, sent };
}

/**
 * A replacer that refuses what JSON would send as `{}` (a Map, a Set), and notes whether JSON sends
 * anything other than the value itself (a toJSON, such as a Date's; a member it drops), so that the
 * object need not be parsed back before it is checked.
 */
function jsonOf() {
  const state = {
    changed: false,
    replacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
      if (value === undefined || typeof value === "function" || typeof value === "symbol" || (key !== "" && this[key] !== value)) state.changed = true;
      if (typeof value === "object" && value !== null) refuseMapsAndSets(key, value);
      return value;
    },
  };
  return state;
}

/** A Map or a Set has no JSON form: JSON.stringify would send it as {} and lose its entries. */
function refuseMapsAndSets(key: string, value: object): void {
  const tag = Object.prototype.toString.call(value);
  if (tag === "[object Map]" || tag === "[object Set]") {
    throw new TypeError(`a ${tag.slice(8, -1)}${key ? ` at ${JSON.stringify(key)}` : ""} has no JSON form; it would be sent as {}`);
  }
}

function unanswered(operationId: OperationId, cause: unknown, timedOut: boolean, callerSignal: AbortSignal | undefined, redact: Redactor) {
  // Getting a token failed: that error already says which step and why.
  if (cause instanceof OperationsManagerError) return cause;
  const callerTimeout = callerSignal?.aborted && (callerSignal.reason as { name?: string } | undefined)?.name === "TimeoutError";
  if (timedOut || callerTimeout) {
    return new OperationsManagerError("timeout", `${operationId}: no answer in time (${timedOut ? "timeoutMs" : "the caller's signal"})`, {
      operationId,
      cause: safeCause(cause, redact),
    });
  }
  const reason = callerSignal?.aborted ? "aborted by the caller's signal" : `no answer from the server (${describeCause(cause, redact)})`;
  return new OperationsManagerError("network", `${operationId}: ${reason}`, { operationId, cause: safeCause(cause, redact) });
}

function envelopeData(operationId: OperationId, { data, error, response }: Sent, redact: Redactor, answers?: AnswerCheck): unknown {
  const status = response.status;
  if (!response.ok) {
    const body = redact(error === "" ? undefined : error);
    const violations = answers?.judge(operationId, status, () => mediaTypeOf(response), body);
    const said = isPlainObject(body) && typeof body.message === "string" ? `: ${body.message}` : "";
    const statusText = redact(response.statusText);
    const location = status >= 300 && status < 400 ? response.headers.get("location") : null;
    const redirect = location === null ? "" : ` (a redirect to ${redact(location)}, not followed)`;
    throw new OperationsManagerError("http", `${operationId}: the server answered ${status}${statusText ? ` ${statusText}` : ""}${said}${redirect}`, {
      operationId,
      status,
      body,
      violations,
    });
  }
  const text = typeof data === "string" ? data : "";
  const invalid = (why: string, body?: unknown) =>
    new OperationsManagerError("invalid-response", `${operationId}: the server answered ${status} ${why}`, { operationId, status, body: redact(body) });
  if (text.trim() === "") throw invalid("with an empty body, not the envelope { message, data, metadata }");
  let envelope: unknown;
  try {
    envelope = JSON.parse(text);
  } catch {
    const type = response.headers.get("content-type");
    throw invalid(`with a body that is not JSON${type ? ` (${type})` : ""}`, text);
  }
  if (!isPlainObject(envelope) || !isPlainObject(envelope.data)) {
    throw invalid("with JSON that is not the envelope { message, data, metadata }", envelope);
  }
  const violations = answers?.judge(operationId, status, () => mediaTypeOf(response), envelope);
  if (violations && answers?.throws) {
    throw new OperationsManagerError("invalid-response", `${operationId}: the server answered ${status} with a body that breaks the contract: ${describeViolations(violations)}`, {
      operationId,
      status,
      body: redact(envelope),
      violations,
    });
  }
  return envelope.data;
}

function mediaTypeOf(response: Response): string | null {
  return response.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase() ?? null;
}

/**
 * An object literal's kind: what JSON.stringify sends as it is (no class instance, no toJSON).
 * Realm-independent: jest hands tests objects (from `response.json()`) of another realm.
 */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (Object.prototype.toString.call(value) !== "[object Object]") return false;
  const proto = Object.getPrototypeOf(value);
  return (proto === null || Object.getPrototypeOf(proto) === null) && typeof (value as { toJSON?: unknown }).toJSON !== "function";
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value !== "object") return typeof value;
  // Only a plain object (of any realm) is refused for its toJSON; anything else for its class.
  const name = Object.getPrototypeOf(value)?.constructor?.name;
  return name && name !== "Object" ? `a ${name}` : "an object with toJSON";
}
