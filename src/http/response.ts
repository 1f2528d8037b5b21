// Answers, in one place: how any answer the platform gives, to an operation or to a token step,
// becomes data or an error. A non-2xx answer is worded the same way for both; its body is scrubbed
// once, before anything is read or cut from it, so no part of a secret survives a cut.
import { OperationsManagerError, type OperationsManagerErrorKind } from "../errors/operations-manager-error.js";
import { scrubJoined, type Redactor } from "../errors/redaction/redactor.js";
import type { OperationId } from "../contract/types.js";
import { describeViolations, type AnswerCheck, type Violation } from "../contract/validation.js";
import { parseMediaType } from "../util/media-type.js";
import { isPlainObject } from "../util/values.js";

/** What openapi-fetch hands back: `data` for a 2xx (text: every call parses as text), `error` otherwise (parsed JSON, or text). */
export interface Answer {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/** The platform's own words kept in an error message, at most. */
const SAID_LIMIT = 500;

/**
 * A non-2xx answer as an error of `kind`: its status, scrubbed body, the platform's own words (cut)
 * and, for a redirect, where it pointed (not followed). `what` begins the message.
 */
function refusalError(
  kind: OperationsManagerErrorKind,
  operationId: OperationId | undefined,
  what: string,
  { error, response }: Answer,
  redact: Redactor,
  answers?: AnswerCheck,
): OperationsManagerError {
  const status = response.status;
  const body = redact(error === "" ? undefined : error);
  const violations = operationId
    ? answers?.judge(operationId, status, () => mediaTypeOf(response), body, redact)?.listed
    : undefined;
  // Each piece scrubbed after it is cut too: a cut may leave a short secret standing as a word ("… abc|def").
  const said = redact(platformMessage(body));
  const statusText = redact(redact(response.statusText).slice(0, 100));
  const location = status >= 300 && status < 400 ? response.headers.get("location") : null;
  const redirect = location === null ? "" : ` (a redirect to ${redact(redact(location).slice(0, 300))}, not followed)`;
  // Scrubbed again whole: pieces scrubbed one by one can join into a secret ("Denied" + ": hunter2").
  return new OperationsManagerError(
    kind,
    scrubJoined(
      redact,
      `${what}: the platform answered ${status}${statusText ? ` ${statusText}` : ""}${said ? `: ${said}` : ""}${redirect}`,
    ),
    {
      operationId,
      status,
      body,
      violations,
    },
  );
}

/**
 * The data of an operation's answer: the envelope's `data` for a 2xx that is the envelope
 * `{ message, data, metadata }` (and keeps the contract, with `validate: "throw"`); an error of
 * kind `"http"` for any other status, `"invalid-response"` for any other 2xx.
 */
export function envelopeData(
  operationId: OperationId,
  answer: Answer,
  redact: Redactor,
  answers?: AnswerCheck,
): unknown {
  const { data, response } = answer;
  const status = response.status;
  if (!response.ok) throw refusalError("http", operationId, operationId, answer, redact, answers);
  const text = typeof data === "string" ? data : "";
  // `ours`: the violations' words, each piece scrubbed already where the platform chose it (see
  // scrubbedPath), never rescanned: a secret that is one of Ajv's words ("string") would scrub them.
  const invalid = (why: string, body?: unknown, violations?: Violation[], ours = "") =>
    new OperationsManagerError(
      "invalid-response",
      scrubJoined(redact, `${operationId}: the platform answered ${status} ${why}`) + ours,
      {
        operationId,
        status,
        body: redact(body),
        violations,
      },
    );
  if (text.trim() === "") throw invalid("with an empty body, not the envelope { message, data, metadata }");
  let envelope: unknown;
  try {
    envelope = JSON.parse(text);
  } catch {
    const type = response.headers.get("content-type");
    throw invalid(`with a body that is not JSON${type ? ` (${redact(redact(type).slice(0, 100))})` : ""}`, text);
  }
  if (!isPlainObject(envelope) || !isPlainObject(envelope.data)) {
    throw invalid("with JSON that is not the envelope { message, data, metadata }", envelope);
  }
  const judged = answers?.judge(operationId, status, () => mediaTypeOf(response), envelope, redact);
  // Past the call's deadline, the call is a timeout: no error worth scrubbing a large body for.
  if (answers?.pastDeadline()) throw new Error("the answer was checked past the call's deadline");
  if (judged && answers?.throws) {
    throw invalid(
      "with a body that breaks the contract:",
      envelope,
      judged.listed,
      ` ${describeViolations(judged.listed, judged.total, judged.stopped)}`,
    );
  }
  return envelope.data;
}

/** The answer's media type, lower case and without parameters; null when it has none. */
export function mediaTypeOf(response: Pick<Response, "headers">): string | null {
  return parseMediaType(response.headers.get("content-type"));
}

/** The platform's own words in an (already scrubbed) error body: its envelope's message, or an OAuth 2 error; cut. */
export function platformMessage(body: unknown, limit = SAID_LIMIT): string | undefined {
  let said: unknown;
  if (typeof body === "string") said = body;
  else if (isPlainObject(body))
    said = [body.message, body.error_description, body.error].find((m) => typeof m === "string" && m !== "");
  if (typeof said !== "string" || said.trim() === "") return undefined;
  return said.length > limit ? `${said.slice(0, limit)}… (${said.length} characters)` : said;
}
