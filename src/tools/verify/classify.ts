// The verdict on one answer that came through Prism. How Prism 5.12 reports a proxied answer
// (node_modules/@stoplight/prism-http-server/dist/server.js, prism-core/dist/factory.js,
// prism-http/dist/forwarder/index.js and validator/index.js):
// - a response violation of severity Error (wrong body, wrong media type, an undeclared 2xx)
//   replaces the real answer by a 500 application/problem+json of type
//   https://stoplight.io/prism/errors#VIOLATIONS whose `validation` lists
//   { location: ["response", "body", "data", "name"], message, severity }; the same list goes in
//   the `sl-violations` header, cut off past ~8 KB, so the body is what is read here;
// - an undeclared non-2xx status is only a Warning: the real answer passes through with an
//   `sl-violations` header; verify counts it as a violation;
// - an upstream 501 is silently re-mocked (a made-up 200): only Prism's log says so;
// - a request Prism finds invalid is answered by Prism (401/422) and never forwarded.
// The real status therefore comes from Prism's log (run.ts); an answer with none never reached
// the platform. Answers Prism lets through are also checked by the generated validators.
// Prism also fails on some answers itself (a declared application/json body that is not JSON: its
// 500 problem of another type, with the platform's status or not): the tap's copy of the answer is
// then judged instead, as the client would judge it, never Prism's problem as the platform's.
// Only a 2xx answer that keeps the contract is a PASS: a declared error (401, 400, 500) whose body
// keeps the contract says nothing about the success schemas, which were then never checked. Such
// an answer is NOT CHECKED (exit 1) with a hint: wrong credentials, or ids that exist on no platform
// (the defaults are the spec's examples).
import { responseValidators } from "../../../generated/response-validators.js";
import { createRedactor } from "../../errors/redaction/redactor.js";
import { parseMediaType } from "../../util/media-type.js";
import { bundledSpec, deref, findOperation, members, type JsonObject } from "../spec/bundled-spec.js";
import { escapePointer } from "../../util/json-pointer.js";
import type { OperationId } from "../../contract/types.js";
import { bodyViolations } from "../../contract/validation.js";
import { flagsOf, NAMES, type IdFlag } from "./operations.js";
import { parseJson } from "../../util/values.js";
import type { RecordedViolation } from "../recording/format.js";

const PRISM_VIOLATIONS = "https://stoplight.io/prism/errors#VIOLATIONS";

/** A recorded violation whose finder is known: Prism, the generated validators, or verify itself. */
interface VerifyViolation extends RecordedViolation {
  source: "prism" | "validator" | "ajv" | "verify";
}

export interface VerifyResult {
  operationId: string;
  method: string;
  path: string;
  /** The platform's status; null when no answer came from it. */
  status: number | null;
  result: "pass" | "fail" | "not-checked" | "error";
  violations: VerifyViolation[];
  error?: string;
  reason?: string;
  hint?: string;
}

/** The platform's answer as the tap took it, before Prism: what is judged when Prism failed on it. */
export interface TappedAnswer {
  status: number;
  headers: Headers;
  text: string;
}

/**
 * An answer through Prism: `upstreamStatus` is undefined when Prism answered by itself;
 * `noAnswer` says why the platform gave none (the tap's word: refused, no such host, TLS, reset),
 * whatever status Prism then passed on; `tapped` is the platform's answer as the tap took it.
 */
export type Outcome =
  | { error: string }
  | {
      response: Response;
      text: string;
      upstreamStatus: number | undefined;
      noAnswer?: string | undefined;
      tooLarge?: { status: number; maxBytes: number } | undefined;
      tapped?: TappedAnswer | undefined;
    };

export interface ClassifyContext {
  /** The id flags left to the spec's examples. */
  defaulted: readonly IdFlag[];
  /** The token step, when there is one. */
  step?: string;
  /** The variables to check when the platform refuses them. */
  check?: string;
  /** Every secret known so far (the credentials, a token): scrubbed from the platform's words before any is quoted. */
  secrets: readonly string[];
}

/** The platform's words (anything an answer carried) as verify may quote them: see platformWords. */
type PlatformWords = (value: unknown, max: number) => string;

/**
 * The one way verify quotes what an answer said: scrubbed of every secret first, in every form
 * the redactor knows (the one verify's output goes through), then cut to `max` characters. A cut
 * before the scrub would leave the first characters of a secret that stood across it, and a
 * re-encoding before it (JSON.stringify) would escape an echoed secret once more, past the
 * redactor's decodings. A value that is no string is scrubbed as a value, then written as JSON.
 */
export function platformWords(secrets: readonly string[]): PlatformWords {
  const redact = createRedactor(secrets);
  return (value, max) => {
    // Only what can reach the cut is scrubbed (an answer's text may be 64 MB, and scrubbing costs
    // with what it reads): `max` and a window past it wider than any encoded form of a secret, so
    // one standing across the cut is still whole when it is scrubbed.
    const reach = max + SCRUB_WINDOW;
    const scrubbed = redact(typeof value === "string" && value.length > reach ? value.slice(0, reach) : value);
    return cut(typeof scrubbed === "string" ? scrubbed : String(JSON.stringify(scrubbed)), max);
  };
}

/** How far past a cut a quote is scrubbed: far more than any encoded form of a secret (HTML references write a character in at most 10). */
const SCRUB_WINDOW = 64 * 1024;

/** `text` cut to `max` UTF-16 units, never between the two halves of a character. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text.charAt(max - 1)) ? max - 1 : max;
  return text.slice(0, end);
}

export function classify(
  operationId: string,
  request: { method: string; path: string },
  outcome: Outcome,
  context: ClassifyContext,
): VerifyResult {
  const spec = bundledSpec();
  const { operation } = findOperation(spec, operationId);
  const result: VerifyResult = {
    operationId,
    method: request.method,
    path: request.path,
    status: null,
    result: "pass",
    violations: [],
  };
  const violation = (where: string, fieldPath: string | null, message: string, source: VerifyViolation["source"]) =>
    result.violations.push({ in: where, path: fieldPath, message, source });
  const words = platformWords(context.secrets);
  if ("error" in outcome) return { ...result, result: "error", error: `no answer through Prism: ${outcome.error}` };
  const { response, text, upstreamStatus } = outcome;
  // No answer at all: never a FAIL, and never the status Prism or the tap put in its place.
  // The platform answered, past what verify reads: its status, and no verdict on a body never read whole.
  if (outcome.tooLarge !== undefined)
    return {
      ...result,
      status: outcome.tooLarge.status,
      result: "error",
      error: `answer too large (over ${outcome.tooLarge.maxBytes} bytes): verify read no further and cannot judge it`,
    };
  if (outcome.noAnswer !== undefined)
    return { ...result, result: "error", error: `no answer from the platform: ${outcome.noAnswer}` };
  const body = parseJson(text) as
    { detail?: unknown; title?: unknown; type?: unknown; validation?: PrismViolation[]; message?: unknown } | undefined;
  if (upstreamStatus === undefined) {
    // Prism answered by itself: the platform could not be reached, or Prism refused the request.
    const why = body?.detail || body?.title || text;
    return {
      ...result,
      result: "error",
      error: `the platform was not reached (Prism answered ${response.status}: ${words(why, 200)})`,
    };
  }
  result.status = upstreamStatus;
  const { tapped } = outcome;
  // Prism's own problem, not the platform's answer passed on: with the tap's copy, a problem the
  // platform did not send (the platform may send problems, even look-alikes of Prism's); without
  // it, Prism's list of violations, or a problem whose status is not the platform's.
  const prismsOwn =
    response.headers.get("content-type")?.startsWith("application/problem+json") === true &&
    (tapped ? !passedOn(tapped, text, body) : body?.type === PRISM_VIOLATIONS || response.status !== upstreamStatus);
  // What is judged: the answer Prism passed on, or the tap's copy when Prism failed on it.
  let judged: { headers: Headers; text: string; body: typeof body } = { headers: response.headers, text, body };
  const prismFailed = prismsOwn && body?.type !== PRISM_VIOLATIONS;
  if (prismFailed) {
    if (!tapped) {
      // Prism failed on the answer itself (a body too deep for its validator, say), and no copy of it.
      const why = body?.title || body?.detail || text;
      return {
        ...result,
        result: "error",
        error: `Prism could not judge the platform's ${upstreamStatus} answer (${words(why, 200)})`,
      };
    }
    judged = { headers: tapped.headers, text: tapped.text, body: parseJson(tapped.text) as typeof body };
  }

  const responses = members(operation.responses);
  const declared = Object.keys(responses);
  if (!declared.includes(String(upstreamStatus))) {
    violation(
      "status",
      null,
      `${upstreamStatus} is not declared for ${operationId} (declared: ${declared.join(", ")})`,
      "verify",
    );
  }
  if (upstreamStatus === 501) {
    // Prism re-mocked the call; what came back is made up, there is nothing more to check.
  } else if (prismsOwn && !prismFailed) {
    for (const v of listOf(body?.validation)) addPrismViolation(v, violation, words);
  } else {
    if (!prismFailed)
      for (const v of listOf(parseJson(response.headers.get("sl-violations") ?? "[]")))
        addPrismViolation(v, violation, words);
    if (declared.includes(String(upstreamStatus))) {
      checkAnswer(
        spec,
        operationId,
        members(deref(spec, responses[String(upstreamStatus)])),
        upstreamStatus,
        judged.headers,
        judged.text,
        judged.body,
        violation,
        words,
      );
    }
  }
  if (result.violations.length > 0) return { ...result, result: "fail" };
  if (upstreamStatus < 200 || upstreamStatus > 299) {
    // A declared error that keeps the contract: the success schemas were never put to the test.
    const success = declared.filter((s) => /^2/.test(s)).join("/");
    // Quoted once scrubbed and cut: the quotes escape nothing secret any more.
    const said = typeof judged.body?.message === "string" ? `${JSON.stringify(words(judged.body.message, 200))}, ` : "";
    return {
      ...result,
      result: "not-checked",
      reason: `${said}a declared error answer that keeps the contract; the ${success} answer was never seen`,
      hint: hint(operationId, upstreamStatus, context),
    };
  }
  return result;
}

/**
 * How an answer breaks the contract, judged without Prism: its status is not declared, a declared
 * required header is missing (unless `check.headers` is off: recordings keep none), its media type
 * is not declared, or its body breaks the declared schema (the generated validators). The one
 * judge of a whole answer: verify (through Prism and from recordings) and the contract tests.
 * `check.secrets`: what to scrub from the answer's words a violation quotes.
 */
export function answerViolations(
  operationId: string,
  status: number,
  headers: Headers,
  text: string,
  check: { headers: boolean; secrets?: readonly string[] } = { headers: true },
): VerifyViolation[] {
  const spec = bundledSpec();
  const violations: VerifyViolation[] = [];
  const violation: AddViolation = (where, fieldPath, message, source) =>
    violations.push({ in: where, path: fieldPath, message, source });
  let responses: JsonObject;
  try {
    responses = members(findOperation(spec, operationId).operation.responses);
  } catch {
    return [{ in: "operation", path: null, message: `the contract has no operation ${operationId}`, source: "verify" }];
  }
  const declared = Object.keys(responses);
  if (!declared.includes(String(status)))
    violation(
      "status",
      null,
      `${status} is not declared for ${operationId} (declared: ${declared.join(", ")})`,
      "verify",
    );
  else
    checkAnswer(
      spec,
      operationId,
      members(deref(spec, responses[String(status)])),
      status,
      headers,
      text,
      parseJson(text),
      violation,
      platformWords(check.secrets ?? []),
      check,
    );
  return violations;
}

/** The verdict on a recorded answer, judged again without a platform or Prism (`verify --from`). */
export function judgeRecorded(
  operationId: string,
  request: { method: string; path: string },
  status: number,
  contentType: string | null,
  body: unknown,
): VerifyResult {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  const violations = answerViolations(
    operationId,
    status,
    new Headers(contentType ? { "content-type": contentType } : {}),
    text,
    { headers: false },
  );
  const result: VerifyResult = {
    operationId,
    method: request.method,
    path: request.path,
    status,
    result: "pass",
    violations,
  };
  if (violations.length > 0) return { ...result, result: "fail" };
  if (status < 200 || status > 299)
    return { ...result, result: "not-checked", reason: "a declared error answer that keeps the contract" };
  return result;
}

function hint(operationId: string, status: number, { defaulted, step, check }: ClassifyContext): string {
  if (status === 401) {
    return check
      ? `check ${check}`
      : "the platform wants credentials: set OM_USERNAME and OM_PASSWORD, or OM_CLIENT_ID and OM_CLIENT_SECRET, and leave OM_AUTH unset";
  }
  if (operationId === step)
    return `check ${check} and that the platform serves ${findOperation(bundledSpec(), operationId).path}`;
  const flags = flagsOf(operationId);
  if (flags.some((f) => defaulted.includes(f))) {
    const theDefaults =
      flags.length === 1
        ? "the default is the spec's example, which exists"
        : "the defaults are the spec's examples, which exist";
    return `pass real ${flags.join(" / ")} (${theDefaults} on no platform)`;
  }
  return `check that ${flags.join(" / ")} ${flags.length === 1 ? "names" : "name"} ${NAMES[operationId]}`;
}

type PrismViolation = { location?: unknown; message?: unknown };
type AddViolation = (
  where: string,
  fieldPath: string | null,
  message: string,
  source: VerifyViolation["source"],
) => void;

/**
 * Whether Prism's answer is the tapped one passed on: the same text, or the same JSON (Prism writes
 * a JSON body anew). A body too deep to be written again is none Prism wrote: not passed on.
 */
function passedOn(tapped: TappedAnswer, text: string, body: unknown): boolean {
  if (tapped.text === text) return true;
  const platform = parseJson(tapped.text);
  if (body === undefined || platform === undefined) return false;
  try {
    return JSON.stringify(platform) === JSON.stringify(body);
  } catch {
    return false;
  }
}

/** A list read from an answer: anything but an array is none (the platform may shape a body like Prism's problem). */
function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/**
 * One of Prism's violations; its members are read as data of any type (a platform can send a
 * look-alike). Prism's message may quote the answer: a message that is no string is the
 * platform's words, quoted as such.
 */
function addPrismViolation(entry: unknown, violation: AddViolation, words: PlatformWords) {
  const v = (entry !== null && typeof entry === "object" ? entry : {}) as PrismViolation;
  const message = typeof v.message === "string" ? v.message : words(v.message ?? null, 200);
  const [side, part, ...field] = Array.isArray(v.location) ? (v.location as unknown[]) : [];
  if (side !== "response") return; // requests are checked before they are sent
  if (/^Unable to match the returned status code/.test(message)) return; // reported as `status`
  if (part === "body") violation("body", `/${field.map((f) => escapePointer(String(f))).join("/")}`, message, "prism");
  else violation(part ? [part, ...field].map(String).join(".") : "response", null, message, "prism");
}

/** What Prism does not hold a passed-through answer to: declared required headers, and the schema by the generated validators. */
function checkAnswer(
  spec: JsonObject,
  operationId: string,
  declared: JsonObject,
  status: number,
  headers: Headers,
  text: string,
  body: unknown,
  violation: AddViolation,
  words: PlatformWords,
  check = { headers: true },
) {
  for (const [name, header] of check.headers ? Object.entries(members(declared.headers)) : []) {
    if (members(deref(spec, header)).required === true && !headers.has(name))
      violation(`header ${name}`, null, "is required and missing", "ajv");
  }
  const content = members(declared.content);
  const mediaType = parseMediaType(headers.get("content-type")) ?? "";
  if (Object.keys(content).length === 0) return;
  if (!(mediaType in content))
    return violation(
      "content-type",
      null,
      `${JSON.stringify(mediaType)} is not declared (${Object.keys(content).join(", ")})`,
      "ajv",
    );
  // A text/* answer (the login token) is its text; anything else must be JSON.
  if (mediaType.startsWith("text/")) body = text;
  else if (body === undefined) return violation("body", null, `is not JSON: ${words(text, 120)}`, "ajv");
  const found = bodyViolations(responseValidators, operationId as OperationId, status, mediaType, body) ?? [];
  for (const v of found) violation("body", v.path || "/", v.message, "validator");
  if (found.stopped)
    violation(
      "body",
      null,
      `over ${found.stopped} violations: the check stopped there, the first are listed`,
      "validator",
    );
}
