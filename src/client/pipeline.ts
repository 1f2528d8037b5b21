// The call pipeline: one operation's call, from its arguments to its data or its error. Every
// failure on the way is an OperationsManagerError of the stage it happened in (invalid-request
// before sending; auth, network or timeout while sending; http or invalid-response once
// answered), scrubbed of the secrets that call used: the client's fixed credentials and the
// tokens it sent.
import { envelopeData, type Answer } from "../http/response.js";
import type { Authenticator, Credential } from "../auth/authenticator.js";
import { OperationsManagerError } from "../errors/operations-manager-error.js";
import { MiddlewareFailure, middlewareError } from "./middleware.js";
import { checkCallOptions, type CallOptions } from "./call-options.js";
import { createRedactor, scrubJoined, type Redactor } from "../errors/redaction/redactor.js";
import { describeCause, safeCause } from "../errors/redaction/causes.js";
import { deadline, tooLarge } from "../http/transport.js";
import type { OperationId } from "../contract/types.js";
import type { AnswerCheck } from "../contract/validation.js";

/** Sends the operation's request once, with these headers (a call's own and its credential's). */
type Send = (signal: AbortSignal | undefined, headers: Record<string, string> | undefined) => Promise<Answer>;

interface Pipeline {
  /**
   * Runs one call: `prepare` checks the arguments (throwing before anything is sent) and gives the
   * request to send; the answer's envelope `data` is returned.
   */
  run(
    operationId: OperationId,
    prepare: (redact: Redactor) => Send,
    options: CallOptions | undefined,
  ): Promise<unknown>;
}

export function createPipeline(
  authenticator: Authenticator,
  timeoutMs: number,
  answers: AnswerCheck | undefined,
): Pipeline {
  const redactors = redactorsFor(authenticator.secrets);

  async function run(
    operationId: OperationId,
    prepare: (redact: Redactor) => Send,
    options: CallOptions | undefined,
  ): Promise<unknown> {
    // The stage a failure belongs to, for the last guard below.
    let stage: "invalid-request" | "network" | "invalid-response" = "invalid-request";
    let redact = redactors.fixed;
    try {
      let send: Send;
      let callOptions: ReturnType<typeof checkCallOptions>;
      try {
        // What the caller gave may hold a credential (a getter's error, a header name, a path
        // parameter): each piece shown is scrubbed where it is worded, with the fixed credentials.
        callOptions = checkCallOptions(operationId, options, redactors.fixed);
        send = prepare(redactors.fixed);
      } catch (error) {
        // Ours, scrubbed again whole (its pieces were scrubbed; the joins, of the long forms).
        if (isOurs(error)) throw rescrubbed(error, redactors.fixed);
        throw unreadable("invalid-request", operationId, "its arguments could not be read", error, redactors.fixed);
      }
      // Only the first calls of a validating client wait, while its response validators load; no
      // other call pays even an await for it.
      const loading = answers?.ready();
      if (loading) await loading;
      stage = "network";
      const limit = deadline(timeoutMs, callOptions.signal);
      const used: Credential[] = [];
      let answer: Answer;
      try {
        answer =
          authenticator.kind === "token"
            ? await withToken(authenticator, send, limit.signal, callOptions.headers, used)
            : await send(limit.signal, callOptions.headers);
      } catch (cause) {
        limit.done();
        throw unanswered(operationId, cause, limit.timedOut(), callOptions.signal, redactors.of(used), used.length > 0);
      }
      redact = redactors.of(used);
      stage = "invalid-response";
      const status = answer.response.status;
      const ok = status >= 200 && status <= 299;
      let outcome: { data: unknown } | { error: unknown };
      try {
        // Checking stops once past the deadline (the generated validators tick as they find errors).
        // So is scrubbing the answer's body for an error (redact's `until`).
        const whole = redact;
        const bounded = Object.assign(((value: unknown) => whole(value, limit.endsAt)) as Redactor, {
          joined: (text: string) => scrubJoined(whole, text),
        });
        outcome = { data: envelopeData(operationId, answer, bounded, answers?.until(limit.endsAt)) };
      } catch (error) {
        outcome = { error };
      } finally {
        limit.done();
      }
      // timeoutMs covers the whole call: reading and checking the answer is synchronous (no timer
      // fires meanwhile), its cost linear in the answer, which maxResponseBytes bounds; a call
      // that ends past its deadline all the same is a timeout, whatever the answer was.
      if (limit.expired()) {
        throw new OperationsManagerError(
          "timeout",
          `${operationId}: no answer in time (timeoutMs: the ${status} answer was read and checked past it)`,
          { operationId, status },
        );
      }
      if ("data" in outcome) return outcome.data;
      // Whatever went wrong reading an answer, it was answered: the kind says how.
      throw unreadable(
        ok ? "invalid-response" : "http",
        operationId,
        `its ${status} answer could not be read`,
        outcome.error,
        redact,
        status,
      );
    } catch (error) {
      // The last guard: a getter or Proxy trap that throws where nothing else expected it (in a
      // signal's reason, a custom fetch's answer) still ends the call with our error.
      if (isOurs(error)) throw error;
      throw unreadable(stage, operationId, "it failed", error, redact);
    }
  }
  return { run };
}

/**
 * The redactor for a call: the fixed credentials' (built once), or, for a call that sent tokens,
 * one for those tokens too, built only when an error needs it, and kept with the credential (a
 * cached token serves many calls).
 */
function redactorsFor(secrets: readonly string[]) {
  const fixed = createRedactor(secrets);
  const byCredential = new WeakMap<Credential, Redactor>();
  const of = (used: readonly Credential[]): Redactor => {
    if (used.length === 0) return fixed;
    let built: Redactor | undefined;
    const build = () =>
      (built ??= used.length === 1 ? cached(used[0]!) : createRedactor([...secrets, ...used.map((c) => c.token)]));
    const redact = ((value: unknown, until?: number) => build()(value, until)) as Redactor;
    return Object.assign(redact, { joined: (text: string) => scrubJoined(build(), text) });
  };
  const cached = (credential: Credential): Redactor => {
    let redact = byCredential.get(credential);
    if (!redact) byCredential.set(credential, (redact = createRedactor([...secrets, credential.token])));
    return redact;
  };
  return { fixed, of };
}

/**
 * One call with a token: a 401 answered to it drops the token, and the call is sent once more
 * with a new one (a 401 means the platform did nothing, so repeating is safe); never more.
 * `used` collects the credentials sent, for scrubbing this call's errors.
 */
async function withToken(
  auth: Extract<Authenticator, { kind: "token" }>,
  send: Send,
  signal: AbortSignal | undefined,
  headers: Record<string, string> | undefined,
  used: Credential[],
): Promise<Answer> {
  const first = await waitFor(auth.credential(), signal);
  used.push(first);
  const sent = await send(signal, { ...headers, ...first.headers });
  if (sent.response.status !== 401 || !auth.renew(first)) return sent;
  const fresh = await waitFor(auth.credential(), signal);
  if (fresh.token === first.token) return sent;
  used.push(fresh);
  return send(signal, { ...headers, ...fresh.headers });
}

/** A shared token request goes on for the other calls; this caller stops waiting when its signal aborts. */
function waitFor(pending: Promise<Credential>, signal: AbortSignal | undefined): Promise<Credential> {
  if (!signal) return pending;
  // The caller's abort reason is passed on as given, whatever it is, as fetch passes it on.
  // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    // The call's own signal (see deadline): one listener per call, removed when settled.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- as above
    const abort = () => reject(signal.reason);
    signal.addEventListener("abort", abort, { once: true });
    pending.then(resolve, reject).finally(() => signal.removeEventListener("abort", abort));
  });
}

function unanswered(
  operationId: OperationId,
  cause: unknown,
  timedOut: boolean,
  callerSignal: AbortSignal | undefined,
  redact: Redactor,
  sentTokens: boolean,
) {
  // A caller's middleware threw (om.use): the call ends at the stage it threw in.
  if (cause instanceof MiddlewareFailure) return middlewareError(cause, operationId, redact);
  // Getting a token failed: that error already says which step and why. It is scrubbed again with
  // this call's secrets, the tokens it already sent included.
  if (isOurs(cause)) return sentTokens ? rescrubbed(cause, redact) : cause;
  // Answered, but past maxResponseBytes: the status gives the kind, never "network".
  const large = tooLarge(cause);
  if (large) {
    const kind = large.status >= 200 && large.status <= 299 ? "invalid-response" : "http";
    return new OperationsManagerError(
      kind,
      `${operationId}: the platform answered ${large.status} with a body larger than maxResponseBytes (${large.maxBytes} bytes); reading stopped there`,
      {
        operationId,
        status: large.status,
      },
    );
  }
  const callerTimeout =
    callerSignal?.aborted && (callerSignal.reason as { name?: string } | undefined)?.name === "TimeoutError";
  if (timedOut || callerTimeout) {
    return new OperationsManagerError(
      "timeout",
      `${operationId}: no answer in time (${timedOut ? "timeoutMs" : "the caller's signal"})`,
      {
        operationId,
        cause: safeCause(cause, redact),
      },
    );
  }
  const reason = callerSignal?.aborted
    ? "aborted by the caller's signal"
    : `no answer from the server (${describeCause(cause, redact)})`;
  return new OperationsManagerError("network", `${operationId}: ${reason}`, {
    operationId,
    cause: safeCause(cause, redact),
  });
}

/** Whether `value` is our error, for any value (a Proxy's traps may throw even for `instanceof`). */
function isOurs(value: unknown): value is OperationsManagerError {
  try {
    return value instanceof OperationsManagerError;
  } catch {
    return false;
  }
}

/** The same error, with this call's secrets scrubbed from all it shows. */
function rescrubbed(error: OperationsManagerError, redact: Redactor): OperationsManagerError {
  // Its message's pieces were scrubbed of the token it replaced (tokens.ts); the whole, of what joins may form.
  return new OperationsManagerError(error.kind, scrubJoined(redact, error.message), {
    operationId: error.operationId,
    status: error.status,
    body: redact(error.body),
    violations: redact(error.violations),
    cause: error.cause === undefined ? undefined : safeCause(error.cause, redact),
  });
}

/** An error of ours stays as it is; anything else thrown at a stage becomes that stage's kind. */
function unreadable(
  kind: "invalid-request" | "network" | "invalid-response" | "http",
  operationId: OperationId,
  what: string,
  error: unknown,
  redact: Redactor,
  status?: number,
) {
  if (isOurs(error)) return error;
  const nothingSent = kind === "invalid-request" ? ". Nothing was sent." : "";
  return new OperationsManagerError(kind, `${operationId}: ${what} (${describeCause(error, redact)})${nothingSent}`, {
    operationId,
    status,
    cause: safeCause(error, redact),
  });
}
