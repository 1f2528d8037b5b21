// The calls: Prism as a validating proxy (errors on) in front of the platform, the token step
// first when there is one, then each operation once, each answer classified. The token step is the
// client's own (src/auth.ts), made through an openapi-fetch engine whose fetch records the answer,
// so that it is judged as its own line like the operations.
import createClient from "openapi-fetch";
import { createAuthenticator, type Authenticator } from "../auth.js";
import { bundledSpec, findOperation } from "../bundled-spec.js";
import { startPrismServer, type RunningServer } from "../prism-server.js";
import type { paths } from "../types.js";
import { classify, type ClassifyContext, type Outcome, type VerifyResult } from "./classify.js";
import { requestFor } from "./operations.js";
import type { VerifyOptions } from "./options.js";

// Prism's only word on the platform's real status (an upstream 501 it re-mocks, for one).
const UPSTREAM_STATUS = /^Upstream call to .* has returned (\d{3})$|^The upstream call to .* has returned (\d{3})$/;

export interface Verification {
  results: VerifyResult[];
  /** Every secret the run held: the credentials and the token obtained, for redaction. */
  secrets: string[];
}

/** Starts Prism in front of `opts.upstream`; rejects when it cannot start (Prism missing, for one). */
export async function startProxy(opts: VerifyOptions, statuses: number[], upstream = opts.upstream): Promise<RunningServer> {
  // Only the "has returned <status>" lines are kept: Prism's other log lines carry request headers,
  // the Authorization header among them, and are never printed.
  const log = (_level: string, message: string) => {
    const m = UPSTREAM_STATUS.exec(message);
    if (m) statuses.push(Number(m[1] ?? m[2]));
  };
  // A platform without credentials gets none: Prism must not refuse the calls for lacking them.
  return startPrismServer({ upstream, errors: true, port: 0, host: "127.0.0.1", log, checkSecurity: opts.auth.method !== "none" });
}

export async function verifyAll(opts: VerifyOptions, server: RunningServer, statuses: number[]): Promise<Verification> {
  const answers: Outcome[] = [];
  // The token step's engine: the client's requests, sent to Prism, each answer recorded (read to
  // its end first, by when Prism has logged the platform's status).
  const engine = createClient<paths>({
    baseUrl: server.url,
    redirect: "manual",
    fetch: async (request: Request) => {
      try {
        const response = await fetch(request);
        answers.push({ response, text: await response.clone().text(), upstreamStatus: statuses.at(-1) });
        return response;
      } catch (error) {
        answers.push({ error: describe(error, opts.timeout) });
        throw error;
      }
    },
  });
  const authenticator: Authenticator | undefined = opts.auth.options && createAuthenticator(opts.auth.options, () => engine, opts.timeout * 1000);
  const secrets = [...(authenticator?.secrets ?? [])];
  const context: ClassifyContext = { defaulted: opts.defaulted, check: opts.auth.check };
  const results: VerifyResult[] = [];
  let headers: Record<string, string> | undefined = authenticator?.kind === "basic" ? authenticator.headers : {};
  if (authenticator?.kind === "token" && authenticator.step) {
    const step = authenticator.step;
    context.step = step;
    statuses.length = 0;
    answers.length = 0;
    let failure: unknown;
    const credential = await authenticator.credential().catch((error: unknown) => void (failure = error));
    const { method, path } = findOperation(bundledSpec(), step);
    const outcome = answers.at(-1) ?? { error: describe(failure, opts.timeout) };
    const verdict = classify(step, { method: method.toUpperCase(), path }, outcome, context);
    results.push(verdict);
    if (credential) secrets.push(credential.token);
    // The token goes with the operations only when its step kept the contract.
    headers = credential && verdict.result === "pass" ? credential.headers : undefined;
    if (!headers) {
      const why = failure === undefined || verdict.result !== "pass" ? `${step} did not pass` : `${step} gave no usable token: ${describe(failure, opts.timeout)}`;
      for (const operationId of opts.only) {
        const { method: m, path: p } = requestFor(operationId, opts);
        results.push({ operationId, method: m, path: p, status: null, result: "error", violations: [], error: `not called: no token (${why})` });
      }
      return { results, secrets };
    }
  }
  for (const operationId of opts.only) results.push(await verifyOperation(operationId, server.url, opts, statuses, headers ?? {}, context));
  return { results, secrets };
}

async function verifyOperation(operationId: string, prismUrl: string, opts: VerifyOptions, statuses: number[], headers: Record<string, string>, context: ClassifyContext) {
  const request = requestFor(operationId, opts);
  statuses.length = 0;
  const outcome: Outcome = await fetch(prismUrl + request.path, {
    method: request.method,
    redirect: "manual",
    signal: AbortSignal.timeout(opts.timeout * 1000),
    headers: { ...headers, Accept: request.accept, ...(request.contentType === undefined ? {} : { "Content-Type": request.contentType }) },
    ...(request.body === undefined ? {} : { body: request.body }),
  })
    // Read once the answer is complete: Prism has logged the platform's status by then.
    .then(async (response) => ({ response, text: await response.text() }))
    .then(
      (answer) => ({ ...answer, upstreamStatus: statuses.at(-1) }),
      (error: unknown) => ({ error: describe(error, opts.timeout) }),
    );
  return classify(operationId, request, outcome, context);
}

function describe(error: unknown, timeout: number): string {
  if ((error as Error | undefined)?.name === "TimeoutError") return `timed out after ${timeout}s`;
  return (error as Error | undefined)?.message ?? String(error);
}
