// The client: its options checked, its way in, the openapi-fetch engine every request goes
// through, and the two operations, put together. Each part has its own module:
// options.ts (the client's options and their check), base-url.ts (the base URL's rule),
// call-options.ts (each call's signal and headers), pipeline.ts (a call from arguments to data or
// error), finish-body.ts and middleware.ts here; the ways in in ../auth/, the wire in ../http/
// (transport.ts, response.ts: what an answer becomes), the contract's checks in ../contract/.
import createClient, { type Client, type Middleware } from "openapi-fetch";
import { createAuthenticator, type Authenticator } from "../auth/authenticator.js";
import { checkFinishBody } from "./finish-body.js";
import { callerMiddleware } from "./middleware.js";
import type { CallOptions } from "./call-options.js";
import { checkOptions, type OperationsManagerClientOptions } from "./options.js";
import { createPipeline } from "./pipeline.js";
import { RequestCarrier, unpackingFetch } from "../http/transport.js";
import type { FinishManualTaskBody, Job, paths, Task } from "../contract/types.js";
import { answerCheck, checkPathParams } from "../contract/validation.js";

export type { CallOptions } from "./call-options.js";
export type { OperationsManagerClientOptions } from "./options.js";

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
   * @param jobId The job's id (a Task's `job._id`).
   * @param taskId The **workflow task key** (a Task's `job.task`, such as `defc`), not a task-iteration UUID.
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
  /**
   * Adds openapi-fetch middleware to the typed calls (`claimTask`, `finishManualTask`): each sees
   * every request they send (as a `Request`) and every answer. It never sees a token step's request
   * (`/oauth/token`, `/login`), whose body carries the client secret or the password. A middleware
   * that throws ends the call with an `OperationsManagerError` of the stage it threw in
   * (`onRequest`: `invalid-request`; `onResponse`: `http` or `invalid-response`, with the status;
   * `onError`: `network`). For `raw`, use `om.raw.use`.
   * @throws {TypeError} when a middleware has no `onRequest`, `onResponse` or `onError` function.
   */
  use(...middleware: Middleware[]): void;
  /** Removes middleware added with `use`; one never added is ignored. */
  eject(...middleware: Middleware[]): void;
}

export function createOperationsManagerClient(options: OperationsManagerClientOptions): OperationsManagerClient {
  const { baseUrl, auth, timeoutMs, maxResponseBytes, fetch, validate } = checkOptions(options);
  // Token requests go through an engine of their own (the same options), which exists by the time
  // the first one is made: a caller's middleware (`use`) is added to the typed calls' engine only.
  const authenticator = createAuthenticator(auth, () => tokenEngine, timeoutMs);
  const headers = authenticator.kind === "basic" ? authenticator.headers : undefined;
  const engineOptions = {
    baseUrl,
    headers,
    // A redirect is answered, not followed: following would report another endpoint's answer as
    // this claim or finish, and a 307 would repeat a state-changing POST.
    redirect: "manual" as const,
    Request: RequestCarrier as unknown as typeof Request,
    fetch: unpackingFetch(() => fetch ?? globalThis.fetch, maxResponseBytes) as unknown as typeof globalThis.fetch,
  };
  const engine = createClient<paths>(engineOptions);
  const tokenEngine = createClient<paths>(engineOptions);
  const middleware = callerMiddleware();
  const raw = createClient<paths>({ baseUrl, headers, ...(fetch ? { fetch: fetch as typeof globalThis.fetch } : {}) });
  if (authenticator.kind === "token") raw.use(tokenHeaders(authenticator));
  const pipeline = createPipeline(authenticator, timeoutMs, answerCheck(validate));

  return {
    raw,
    use: (...added) => engine.use(...middleware.add(added)),
    eject: (...removed) => engine.eject(...middleware.remove(removed)),
    claimTask(taskId, callOptions) {
      return pipeline.run(
        "claimTask",
        (redact) => {
          checkPathParams("claimTask", { taskId }, redact);
          return (signal, headers) =>
            engine.POST("/operations-manager/tasks/{taskId}/claim", {
              params: { path: { taskId } },
              headers,
              parseAs: "text",
              signal,
            });
        },
        callOptions,
      ) as Promise<Task>;
    },
    finishManualTask(jobId, taskId, body, callOptions) {
      return pipeline.run(
        "finishManualTask",
        (redact) => {
          checkPathParams("finishManualTask", { jobId, taskId }, redact);
          const checked = checkFinishBody(body, redact);
          return (signal, headers) =>
            engine.POST("/operations-manager/jobs/{jobId}/tasks/{taskId}/finish", {
              params: { path: { jobId, taskId } },
              headers,
              body: checked.body,
              // Exactly the JSON that was checked.
              bodySerializer: () => checked.json,
              parseAs: "text",
              signal,
            });
        },
        callOptions,
      ) as Promise<Job>;
    },
  };
}

/** `raw`'s token: the same shared, cached credential the typed methods use. */
function tokenHeaders(authenticator: Extract<Authenticator, { kind: "token" }>): Middleware {
  return {
    async onRequest({ request }) {
      for (const [name, value] of Object.entries((await authenticator.credential()).headers))
        request.headers.set(name, value);
      return request;
    },
  };
}
