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
// Only a 2xx answer that keeps the contract is a PASS: a declared error (401, 400, 500) whose body
// keeps the contract says nothing about the success schemas, which were then never checked. Such
// an answer is NOT CHECKED (exit 1) with a hint: wrong credentials, or ids that exist on no platform
// (the defaults are the spec's examples).
import { responseValidators } from "../../../generated/response-validators.js";
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

/**
 * An answer through Prism: `upstreamStatus` is undefined when Prism answered by itself;
 * `noAnswer` says why the platform gave none (the tap's word: refused, no such host, TLS, reset),
 * whatever status Prism then passed on.
 */
export type Outcome =
  | { error: string }
  | {
      response: Response;
      text: string;
      upstreamStatus: number | undefined;
      noAnswer?: string | undefined;
      tooLarge?: { status: number; maxBytes: number } | undefined;
    };

export interface ClassifyContext {
  /** The id flags left to the spec's examples. */
  defaulted: readonly IdFlag[];
  /** The token step, when there is one. */
  step?: string;
  /** The variables to check when the platform refuses them. */
  check?: string;
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
    const why = body?.detail || body?.title || text.slice(0, 200);
    return {
      ...result,
      result: "error",
      error: `the platform was not reached (Prism answered ${response.status}: ${asText(why)})`,
    };
  }
  result.status = upstreamStatus;
  if (
    response.status !== upstreamStatus &&
    body?.type !== PRISM_VIOLATIONS &&
    response.headers.get("content-type")?.startsWith("application/problem+json")
  ) {
    // Prism failed on the answer itself (a body too deep for its validator, say): no verdict.
    const why = body?.title || body?.detail || text.slice(0, 200);
    return {
      ...result,
      result: "error",
      error: `Prism could not judge the platform's ${upstreamStatus} answer (${asText(why)})`,
    };
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
  } else if (
    body?.type === PRISM_VIOLATIONS &&
    response.headers.get("content-type")?.startsWith("application/problem+json")
  ) {
    for (const v of listOf(body.validation)) addPrismViolation(v, violation);
  } else {
    for (const v of listOf(parseJson(response.headers.get("sl-violations") ?? "[]"))) addPrismViolation(v, violation);
    if (declared.includes(String(upstreamStatus))) {
      checkAnswer(
        spec,
        operationId,
        members(deref(spec, responses[String(upstreamStatus)])),
        upstreamStatus,
        response.headers,
        text,
        body,
        violation,
      );
    }
  }
  if (result.violations.length > 0) return { ...result, result: "fail" };
  if (upstreamStatus < 200 || upstreamStatus > 299) {
    // A declared error that keeps the contract: the success schemas were never put to the test.
    const success = declared.filter((s) => /^2/.test(s)).join("/");
    const said = typeof body?.message === "string" ? `${JSON.stringify(body.message.slice(0, 200))}, ` : "";
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
 */
export function answerViolations(
  operationId: string,
  status: number,
  headers: Headers,
  text: string,
  check = { headers: true },
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

/** A member of Prism's problem as text: a string as it is, anything else as its JSON. */
function asText(value: unknown): string {
  return typeof value === "string" ? value : String(JSON.stringify(value));
}

type PrismViolation = { location?: unknown; message?: unknown };
type AddViolation = (
  where: string,
  fieldPath: string | null,
  message: string,
  source: VerifyViolation["source"],
) => void;

/** A list read from an answer: anything but an array is none (the platform may shape a body like Prism's problem). */
function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** One of Prism's violations; its members are read as data of any type (a platform can send a look-alike). */
function addPrismViolation(entry: unknown, violation: AddViolation) {
  const v = (entry !== null && typeof entry === "object" ? entry : {}) as PrismViolation;
  const message = typeof v.message === "string" ? v.message : JSON.stringify(v.message ?? null).slice(0, 200);
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
  else if (body === undefined) return violation("body", null, `is not JSON: ${text.slice(0, 120)}`, "ajv");
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
