// The contract checked at run time by the validators generated from the spec
// (generated/request-validators.ts, generated/response-validators.ts): requests always, before
// anything is sent; answers when the client is created with `validate`. No rule of the spec is
// restated here: this module only runs the generated code and words what it found.
import {
  declaredNames,
  requestValidators,
  tooManyErrors,
  type Validate,
  type ValidationError,
} from "../../generated/request-validators.js";
import { OperationsManagerError, refusedCall, type Violation } from "../errors/operations-manager-error.js";
import { escapePointer, unescapePointer } from "../util/json-pointer.js";
import { noRedaction, type Redactor } from "../errors/redaction/redactor.js";
import type { OperationId } from "./types.js";
import type { NameSet } from "../util/values.js";

export type { Violation } from "../errors/operations-manager-error.js";

export interface ValidateContext {
  operationId: OperationId;
  status: number;
  /**
   * How many violations the answer has; only the first MAX_VIOLATIONS are listed. With `stopped`,
   * at least this many: the check stopped there.
   */
  total: number;
  /** True when the answer had so many violations that the check stopped (it breaks the contract either way). */
  stopped?: boolean;
}

/** Violations found, the first ones only when the check stopped: `stopped` is then how many it had collected, at least. */
type FoundViolations = Violation[] & { stopped?: number };

/**
 * A generated validator run on `value`: its errors, undefined when `value` keeps the schema. A
 * validator that collects more errors than its bound stops (each costs memory: an answer of
 * millions would hold gigabytes) and hands over its first ones, `stopped` then the bound: the one
 * reading of that stop, for the client, the mocks, verify and drift.
 */
export function validatorErrors(
  validate: Validate,
  value: unknown,
): { errors: readonly ValidationError[]; stopped?: number } | undefined {
  try {
    return validate(value) ? undefined : { errors: validate.errors ?? [] };
  } catch (error) {
    const over = error as { code?: unknown; first?: ValidationError[] } | null;
    if (over?.code !== tooManyErrors.code || !Array.isArray(over?.first)) throw error;
    return { errors: over.first, stopped: tooManyErrors.max };
  }
}

/** What `validate` finds in `value`, as violations; undefined when it keeps the contract. */
function errorsOf(validate: Validate, value: unknown): FoundViolations | undefined {
  const found = validatorErrors(validate, value);
  if (!found) return undefined;
  const violations = violationsOf(found.errors);
  return found.stopped ? Object.assign(violations, { stopped: found.stopped }) : violations;
}

/** The violations an error or a `validate` function is given, at most: a person reads them, and each costs. */
const MAX_VIOLATIONS = 100;

/**
 * Whether answers are checked against the contract: `"off"` (the default) does not; `"throw"`
 * rejects a 2xx answer that breaks it (kind `"invalid-response"`); a function is told of every
 * answer that breaks it and the call goes on as usual. A non-2xx answer stays kind `"http"` and
 * carries the violations of its declared error schema in both modes.
 */
export type ValidateOption = "off" | "throw" | ((violations: Violation[], context: ValidateContext) => void);

/** Ajv's errors as violations: the member a `required` or `additionalProperties` names, alternatives folded. */
export function violationsOf(errors: readonly ValidationError[] | null | undefined): Violation[] {
  const list = errors ?? [];
  const out: Violation[] = [];
  for (let i = 0; i < list.length; i++) {
    const e = list[i]!;
    const params = e.params;
    if (e.keyword === "anyOf" || e.keyword === "oneOf") {
      // Ajv lists each failed alternative just before. Errors below this path come from the
      // alternative whose type matched (a user object with a bad e-mail, not a user id): they
      // name the field, so they are kept. Otherwise the alternatives fold into one message.
      // Popped and put back in order, one by one: linear however many there are (unshift and a
      // spread push were quadratic, and a spread of 100,000 overflows the call stack).
      const branches: Violation[] = [];
      while (out.length && isWithin(out[out.length - 1]!.path, e.instancePath)) branches.push(out.pop()!);
      branches.reverse();
      const deeper = branches.filter((b) => b.path !== e.instancePath);
      if (deeper.length) {
        for (const d of deeper) out.push(d);
        continue;
      }
      const unique = [...new Set(branches.map((b) => b.message))];
      out.push({ path: e.instancePath, message: unique.length ? unique.join(" or ") : (e.message ?? e.keyword) });
    } else if (e.keyword === "required") {
      out.push({ path: `${e.instancePath}/${escapePointer(String(params.missingProperty))}`, message: "is required" });
    } else if (e.keyword === "additionalProperties") {
      out.push({
        path: `${e.instancePath}/${escapePointer(String(params.additionalProperty))}`,
        message: "is not allowed here",
      });
    } else if (e.keyword === "enum") {
      const values = (params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ");
      out.push({ path: e.instancePath, message: `must be one of ${values}` });
    } else {
      out.push({ path: e.instancePath, message: e.message ?? e.keyword });
    }
  }
  return out;
}

function isWithin(path: string, parent: string): boolean {
  return path === parent || path.startsWith(`${parent}/`);
}

/** What an operation's contract names (generated from the spec): its declared member names, and its answers' media types. */
interface Declared {
  readonly names: NameSet;
  readonly mediaTypes: NameSet;
}
const declaredSets = new Map<OperationId, Declared>();
/** The names and media types the contract declares for this operation (built once). */
export function declaredBy(operationId: OperationId): Declared {
  let found = declaredSets.get(operationId);
  if (!found) {
    const { names, mediaTypes } = declaredNames[operationId];
    declaredSets.set(operationId, (found = { names: new Set(names), mediaTypes: new Set(mediaTypes) }));
  }
  return found;
}

/**
 * A violation's path as shown: the segments the contract declares for this operation and array
 * indices are the client's own words, kept; any other segment is a member name the other side
 * chose (it may echo a credential), scrubbed alone, so that a short secret that is a word ("data")
 * never scrubs the contract's names.
 */
export function scrubbedPath(path: string, operationId: OperationId, redact: Redactor): string {
  if (path === "") return path;
  const { names } = declaredBy(operationId);
  const out: string[] = [];
  // Consecutive undeclared segments are scrubbed together: a secret may span them ("ab/cd" as
  // members ab, cd); a declared one is never rescanned, even for a long secret that is its name.
  let run: string[] = [];
  const flush = () => {
    if (run.length > 0) out.push(redact(run.join("/")));
    run = [];
  };
  const segments = path.split("/");
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    if (i === 0 || /^(0|[1-9][0-9]{0,15})$/.test(segment) || names.has(unescapePointer(segment))) {
      flush();
      out.push(segment);
    } else run.push(segment);
  }
  flush();
  return out.join("/");
}

export function describeViolations(
  violations: readonly Violation[],
  total = violations.length,
  stopped = false,
): string {
  const listed = violations.map((v) => `${v.path || "/"} ${v.message}`).join("; ");
  if (stopped) return `over ${total} violations (the check stopped there), the first ${violations.length}: ${listed}`;
  return total > violations.length ? `${total} violations, the first ${violations.length}: ${listed}` : listed;
}

const refuse = refusedCall;

/** Refuses path parameters that break the contract, naming the parameter, its value and the rule. */
export function checkPathParams(
  operationId: OperationId,
  params: Record<string, unknown>,
  redact: Redactor = noRedaction,
): void {
  const validate = requestValidators[operationId].path;
  const found = validate && errorsOf(validate, params);
  if (!found) return;
  const said = found.map((v) => {
    const name = unescapePointer(v.path.slice(1));
    return `path parameter ${name} (${describeValue(params[name], redact)}) ${v.message}`;
  });
  throw refuse(operationId, said.join("; "));
}

/** A caller's value as shown: scrubbed of the call's secrets (a token passed as an id), cut, and scrubbed again. */
function describeValue(value: unknown, redact: Redactor): string {
  if (typeof value !== "string") return value === null ? "null" : typeof value;
  const shown = redact(value);
  return shown.length > 80
    ? `${redact(JSON.stringify(shown.slice(0, 80)))}… (${value.length} characters)`
    : redact(JSON.stringify(shown));
}

/**
 * Refuses a JSON request body that breaks the contract; `json` is exactly what would be sent, and
 * `sent()` gives its value (parsed from `json` unless the caller knows the object is the same).
 */
export function checkRequestBody(
  operationId: OperationId,
  json: string,
  mediaType = "application/json",
  sent: () => unknown = () => JSON.parse(json),
  redact: Redactor = noRedaction,
): void {
  const validate = requestValidators[operationId].body[mediaType];
  const found = validate && errorsOf(validate, sent());
  if (!found) return;
  // The paths name the caller's members (an undeclared one may be anything it holds): scrubbed; Ajv's words are ours.
  const violations = found.map((v) => ({
    path: scrubbedPath(v.path, operationId, redact),
    message: v.message,
  }));
  throw refuse(operationId, `body ${describeViolations(violations, found.stopped ?? found.length, !!found.stopped)}`);
}

type ResponseValidators = (typeof import("../../generated/response-validators.js"))["responseValidators"];

/**
 * The violations of an answer's body against the schema its operation declares for this status
 * (or its `2XX` range, or `default`) and media type (JSON when the answer's is not declared);
 * undefined when it keeps it or nothing is declared. The one judge of answers: the client, the
 * contract tests and `npm run verify` all use it.
 */
export function bodyViolations(
  validators: ResponseValidators,
  operationId: OperationId,
  status: number,
  mediaType: string | null | (() => string | null),
  body: unknown,
): FoundViolations | undefined {
  const byStatus = validators[operationId];
  const byType = byStatus?.[String(status)] ?? byStatus?.[`${String(status)[0]}XX`] ?? byStatus?.default;
  if (!byType) return undefined;
  const types = Object.keys(byType);
  // The answer's media type is read only when the contract declares more than one.
  const type = types.length > 1 ? (typeof mediaType === "function" ? mediaType() : mediaType) : types[0];
  const validate = (type && byType[type]) || byType["application/json"] || byType[types[0]!];
  return validate ? errorsOf(validate, body) : undefined;
}

export interface AnswerCheck {
  /** True when a 2xx answer that breaks the contract rejects the call. */
  readonly throws: boolean;
  /** Resolves once the response validators are loaded (they are loaded only when validating). */
  ready(): Promise<void> | undefined;
  /**
   * The violations of the body declared for this status (and media type): the first
   * MAX_VIOLATIONS, scrubbed with the call's redactor (member names come from the answer, which
   * may echo a credential), and how many there are; undefined when it keeps it.
   */
  judge(
    operationId: OperationId,
    status: number,
    mediaType: () => string | null,
    body: unknown,
    redact: Redactor,
  ): Judged | undefined;
  /** The same check, stopping (throwing) once Date.now() is past `endsAt`: a call's deadline. */
  until(endsAt: number): AnswerCheck;
  /** Whether the deadline `until` set has passed: what is left to do for the call is not worth doing. */
  pastDeadline(): boolean;
}

interface Judged {
  listed: Violation[];
  total: number;
  /** The check stopped: `total` is a floor. */
  stopped?: boolean;
}

/** What checks answers for a client created with `validate`; undefined for `"off"`. */
export function answerCheck(option: ValidateOption | undefined): AnswerCheck | undefined {
  if (option === undefined || option === "off") return undefined;
  const tell = typeof option === "function" ? option : undefined;
  let validators: ResponseValidators | undefined;
  let runUntil: (<T>(at: number, run: () => T) => T) | undefined;
  // A separate module, imported only here: a bundler leaves it out of a client that never validates.
  // A failed load is the calls' typed error, and the next call tries again.
  const load = () =>
    import("../../generated/response-validators.js").then(
      (m) => {
        validators = m.responseValidators;
        runUntil = m.runUntil;
        loading = undefined;
      },
      (cause: unknown) => {
        loading = undefined;
        const why = cause instanceof Error ? cause.message : String(cause);
        throw new OperationsManagerError(
          "invalid-request",
          `validate: the response validators could not be loaded (${why}). Nothing was sent.`,
        );
      },
    );
  let loading: Promise<void> | undefined = load();
  loading.catch(() => {}); // reported by the first call that waits for it
  const check = (endsAt: number): AnswerCheck => ({
    throws: option === "throw",
    ready: () => loading ?? (validators ? undefined : (loading = load())),
    until: check,
    pastDeadline: () => Date.now() > endsAt,
    judge(operationId, status, mediaType, body, redact) {
      const judgeBody = () => validators && bodyViolations(validators, operationId, status, mediaType, body);
      const found = runUntil && Number.isFinite(endsAt) ? runUntil(endsAt, judgeBody) : judgeBody();
      if (!found) return undefined;
      // A message is Ajv's words about the contract (never the answer's values): ours, kept. A path
      // is scrubbed where it names a member the contract does not. Only the first are scrubbed and
      // kept: an answer of a million violations costs no more here.
      const listed = found
        .slice(0, MAX_VIOLATIONS)
        .map((v) => ({ path: scrubbedPath(v.path, operationId, redact), message: v.message }));
      const total = found.stopped ?? found.length;
      tell?.(listed, { operationId, status, total, ...(found.stopped ? { stopped: true } : {}) });
      return { listed, total, ...(found.stopped ? { stopped: true } : {}) };
    },
  });
  return check(Infinity);
}

export function checkValidateOption(option: unknown): string | undefined {
  if (option === undefined || option === "off" || option === "throw" || typeof option === "function") return undefined;
  return `validate must be "off", "throw" or a function (violations, context) => void, got ${JSON.stringify(option) ?? typeof option}`;
}
