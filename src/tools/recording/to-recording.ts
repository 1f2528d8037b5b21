// An answer the platform gave `verify --record`, made a recording: nothing secret is kept.
// Credentials and tokens are scrubbed in every form (the package's redactor), values that name
// people are replaced by placeholders, and a token step's answer keeps only its structure.
import { bundledSpec, findOperation } from "../spec/bundled-spec.js";
import { declaredBy } from "../../contract/validation.js";
import type { OperationId } from "../../contract/types.js";
import { createRedactor } from "../../errors/redaction/redactor.js";
import type { RecordedAnswer, Recording } from "./format.js";
import { personalScrubber } from "./personal.js";
import { parseJson, type NameSet } from "../../util/values.js";
import { copyValue } from "../../util/walk.js";

export interface Verdict {
  result: string;
  violations: Recording["violations"];
}

/** The recording of an answer, scrubbed: secrets in every form, then people's values. */
export function toRecording(
  answer: RecordedAnswer,
  verdict: Verdict,
  label: string,
  secrets: readonly string[],
  personal: ReturnType<typeof personalScrubber>,
  recordedAt = new Date(),
): Recording {
  const redact = createRedactor([...secrets]);
  const text = answer.contentType !== null && answer.contentType.toLowerCase().startsWith("text/");
  const parsed = parseJson(answer.text);
  let body: unknown;
  if (isTokenStep(answer.operationId)) {
    // What a token step receives is a credential, wherever the platform put it (the client's own
    // rule): an answer that is not a JSON object (text, a JSON string, a form) is or holds the
    // token; a JSON one keeps only its structure. The placeholder is one the contract's token
    // patterns take, so --from still judges it a token.
    body =
      parsed !== null && typeof parsed === "object"
        ? credentialStructure(parsed, declaredBy(answer.operationId as OperationId).names)
        : TOKEN_PLACEHOLDER;
  } else if (parsed !== undefined && typeof parsed === "object") {
    // JSON, whatever its media type says: its members are scrubbed; kept as text if it came as text.
    const scrubbed = personal(redact(parsed));
    body = text ? JSON.stringify(scrubbed) : scrubbed;
  } else {
    body = text || parsed === undefined ? redact(answer.text) : redact(parsed);
  }
  return {
    operationId: answer.operationId,
    method: answer.method,
    path: redact(answer.path),
    status: answer.status,
    contentType: answer.contentType === null ? null : redact(answer.contentType).toLowerCase(),
    recordedAt: recordedAt.toISOString(),
    label,
    body,
    verdict: verdict.result,
    violations: redact(verdict.violations),
  };
}

const TOKEN_PLACEHOLDER = "REDACTED";

/**
 * A token step's JSON answer with no value that could be a credential, copied by the one value
 * walk (util/walk): every string becomes the placeholder, a member name the contract does not
 * declare for the step (it may be a token used as a key; the contract's names are the client's
 * own words, contract/validation's declaredBy) becomes a numbered one, and every number becomes
 * 0. Its structure stays, for --from and the drift report.
 */
function credentialStructure(value: unknown, declared: NameSet): unknown {
  let renamed = 0;
  return copyValue(value, {
    // A number may be the token too (nothing in an answer says it is not): every one is 0, which
    // keeps its type (expires_in's minimum is 0) and nothing of its value.
    leaf: (leaf) => (typeof leaf === "string" ? TOKEN_PLACEHOLDER : typeof leaf === "number" ? 0 : leaf),

    name: (name) => (declared.has(name) ? name : `undeclared-member-${++renamed}`),
  });
}

/** The operations that get a token (the spec's Authentication tag). */
function isTokenStep(operationId: string): boolean {
  try {
    return ((findOperation(bundledSpec(), operationId).operation.tags as string[] | undefined) ?? []).includes(
      "Authentication",
    );
  } catch {
    return false;
  }
}
