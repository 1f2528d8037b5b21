// The calls: Prism as a validating proxy (errors on) in front of the platform, the token step
// first when there is one, then each operation once, each answer classified. The token step is the
// client's own (src/auth/authenticator.ts), made through an openapi-fetch engine whose fetch records the answer,
// so that it is judged as its own line like the operations. Each verdict is handed over as soon as
// its call ends (`onResult`), and with `step` each step is told as it happens (nothing secret:
// methods, paths, statuses and times).
import createClient from "openapi-fetch";
import { createAuthenticator, type Authenticator } from "../../auth/authenticator.js";
import { bundledSpec, findOperation } from "../spec/bundled-spec.js";
import { startPrismServer, type RunningServer } from "../mock/prism-server.js";
import type { paths } from "../../contract/types.js";
import {
  classify,
  platformWords,
  type ClassifyContext,
  type Outcome,
  type TappedAnswer,
  type VerifyResult,
} from "./classify.js";
import { requestFor } from "./operations.js";
import type { VerifyOptions } from "./arguments.js";

// Prism's only word on the platform's real status (an upstream 501 it re-mocks, for one).
const UPSTREAM_STATUS = /^Upstream call to .* has returned (\d{3})$|^The upstream call to .* has returned (\d{3})$/;

export interface Verification {
  results: VerifyResult[];
  /** Every secret the run held: the credentials and the token obtained, for redaction. */
  secrets: string[];
}

/** What is heard of the platform during one call: its statuses (from Prism's log) and, from the tap, why it gave no answer. */
export interface Upstream {
  statuses: number[];
  noAnswers: string[];
  /** From the tap: answers the platform gave past the size bound (its status, the bound). */
  tooLarge?: Array<{ status: number; maxBytes: number }>;
  /** From the tap: each answer as the platform gave it, judged when Prism fails on it. */
  answers?: TappedAnswer[];
}

interface VerifyHooks {
  /** Each verdict, as soon as its call ends, with the secrets known by then. */
  onResult?(result: VerifyResult, secrets: readonly string[]): void;
  /** Each step as it happens (--verbose). */
  step?(text: string): void;
}

/** Starts Prism in front of `opts.upstream`; rejects when it cannot start (Prism missing, for one). */
export async function startProxy(
  opts: VerifyOptions,
  statuses: number[],
  upstream = opts.upstream,
): Promise<RunningServer> {
  // Only the "has returned <status>" lines are kept: Prism's other log lines carry request headers,
  // the Authorization header among them, and are never printed.
  const log = (_level: string, message: string) => {
    const m = UPSTREAM_STATUS.exec(message);
    if (m) statuses.push(Number(m[1] ?? m[2]));
  };
  // A platform without credentials gets none: Prism must not refuse the calls for lacking them.
  return startPrismServer({
    upstream,
    errors: true,
    port: 0,
    host: "127.0.0.1",
    log,
    checkSecurity: opts.auth.method !== "none",
  });
}

export async function verifyAll(
  opts: VerifyOptions,
  server: RunningServer,
  heard: Upstream | number[],
  hooks: VerifyHooks = {},
): Promise<Verification> {
  const upstream: Upstream = Array.isArray(heard) ? { statuses: heard, noAnswers: [] } : heard;
  const step: NonNullable<VerifyHooks["step"]> = (...args) => hooks.step?.(...args);
  const answers: Outcome[] = [];
  const results: VerifyResult[] = [];
  const secretsSoFar: string[] = [];
  const settle = (result: VerifyResult) => {
    results.push(result);
    hooks.onResult?.(result, secretsSoFar);
  };
  let stepName = "token step";
  // The token step's engine: the client's requests, sent to Prism, each answer recorded (read to
  // its end first, by when Prism has logged the platform's status).
  const engine = createClient<paths>({
    baseUrl: server.url,
    redirect: "manual",
    fetch: async (request: Request) => {
      const started = Date.now();
      step(`${stepName}: ${request.method} ${new URL(request.url).pathname}`);
      try {
        const response = await fetch(request);
        const text = await response.clone().text();
        answers.push({
          response,
          text,
          upstreamStatus: upstream.statuses.at(-1),
          noAnswer: upstream.noAnswers.at(-1),
          tooLarge: upstream.tooLarge?.at(-1),
          tapped: upstream.answers?.at(-1),
        });
        step(`${stepName}: ${answered(response.status, upstream, started)}`);
        return response;
      } catch (error) {
        answers.push({ error: describe(error, opts.timeout) });
        step(`${stepName}: no answer after ${Date.now() - started} ms`);
        throw error;
      }
    },
  });
  const authenticator: Authenticator | undefined =
    opts.auth.options && createAuthenticator(opts.auth.options, () => engine, opts.timeout * 1000);
  secretsSoFar.push(...(authenticator?.secrets ?? []));
  // The secrets as they become known (the token joins them): the verdicts quote the platform scrubbed of them.
  const context: ClassifyContext = { defaulted: opts.defaulted, check: opts.auth.check, secrets: secretsSoFar };
  let headers: Record<string, string> | undefined = authenticator?.kind === "basic" ? authenticator.headers : {};
  if (authenticator?.kind === "token" && authenticator.step) {
    const tokenStep = authenticator.step;
    stepName = tokenStep;
    context.step = tokenStep;
    upstream.statuses.length = 0;
    upstream.noAnswers.length = 0;
    if (upstream.tooLarge) upstream.tooLarge.length = 0;
    if (upstream.answers) upstream.answers.length = 0;
    answers.length = 0;
    let failure: unknown;
    const credential = await authenticator.credential().catch((error: unknown) => void (failure = error));
    const { method, path } = findOperation(bundledSpec(), tokenStep);
    const outcome = answers.at(-1) ?? { error: describe(failure, opts.timeout) };
    if (credential) secretsSoFar.push(credential.token);
    const verdict = judge(tokenStep, { method: method.toUpperCase(), path }, outcome, context);
    settle(verdict);
    // The token goes with the operations only when its step kept the contract.
    headers = credential && verdict.result === "pass" ? credential.headers : undefined;
    if (!headers) {
      const why =
        failure === undefined || verdict.result !== "pass"
          ? `${tokenStep} did not pass`
          : `${tokenStep} gave no usable token: ${describe(failure, opts.timeout)}`;
      for (const operationId of opts.only) {
        const { method: m, path: p } = requestFor(operationId, opts);
        settle({
          operationId,
          method: m,
          path: p,
          status: null,
          result: "error",
          violations: [],
          error: `not called: no token (${why})`,
        });
      }
      return { results, secrets: [...secretsSoFar] };
    }
  }
  for (const operationId of opts.only)
    settle(await verifyOperation(operationId, server.url, opts, upstream, headers ?? {}, context, step));
  return { results, secrets: [...secretsSoFar] };
}

async function verifyOperation(
  operationId: string,
  prismUrl: string,
  opts: VerifyOptions,
  upstream: Upstream,
  headers: Record<string, string>,
  context: ClassifyContext,
  step: (text: string) => void,
) {
  const request = requestFor(operationId, opts);
  upstream.statuses.length = 0;
  upstream.noAnswers.length = 0;
  if (upstream.tooLarge) upstream.tooLarge.length = 0;
  if (upstream.answers) upstream.answers.length = 0;
  const started = Date.now();
  step(`${operationId}: ${request.method} ${request.path}`);
  const outcome: Outcome = await fetch(prismUrl + request.path, {
    method: request.method,
    redirect: "manual",
    signal: AbortSignal.timeout(opts.timeout * 1000),
    headers: {
      ...headers,
      Accept: request.accept,
      ...(request.contentType === undefined ? {} : { "Content-Type": request.contentType }),
    },
    ...(request.body === undefined ? {} : { body: request.body }),
  })
    // Read once the answer is complete: Prism has logged the platform's status by then.
    .then(async (response) => ({ response, text: await response.text() }))
    .then(
      (answer) => ({
        ...answer,
        upstreamStatus: upstream.statuses.at(-1),
        noAnswer: upstream.noAnswers.at(-1),
        tooLarge: upstream.tooLarge?.at(-1),
        tapped: upstream.answers?.at(-1),
      }),
      (error: unknown) => ({ error: describe(error, opts.timeout) }),
    );
  step(
    `${operationId}: ${"error" in outcome ? `no answer after ${Date.now() - started} ms (${outcome.error})` : answered(outcome.response.status, upstream, started)}`,
  );
  return judge(operationId, request, outcome, context);
}

/** The verdict, always: an answer verify cannot make sense of is an ERROR naming what happened, never a crash. */
function judge(
  operationId: string,
  request: { method: string; path: string },
  outcome: Outcome,
  context: ClassifyContext,
): VerifyResult {
  try {
    return classify(operationId, request, outcome, context);
  } catch (error) {
    const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return {
      operationId,
      ...request,
      status: null,
      result: "error",
      violations: [],
      // What failed may quote the answer: scrubbed, then cut.
      error: `verify could not judge the answer (${platformWords(context.secrets)(what, 300)})`,
    };
  }
}

function answered(prismStatus: number, upstream: Upstream, started: number): string {
  const ms = Date.now() - started;
  const platform = upstream.statuses.at(-1);
  const over = upstream.tooLarge?.at(-1);
  if (over) return `the platform answered ${over.status} in ${ms} ms, over ${over.maxBytes} bytes (read no further)`;
  if (upstream.noAnswers.length) return `no answer from the platform after ${ms} ms (${upstream.noAnswers.at(-1)})`;
  if (platform === undefined) return `Prism answered ${prismStatus} by itself after ${ms} ms`;
  return `the platform answered ${platform}${prismStatus === platform ? "" : ` (Prism passed on ${prismStatus})`} in ${ms} ms`;
}

function describe(error: unknown, timeout: number): string {
  if ((error as Error | undefined)?.name === "TimeoutError") return `timed out after ${timeout}s`;
  return (error as Error | undefined)?.message ?? String(error);
}
