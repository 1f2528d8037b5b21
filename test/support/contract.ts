// Checks a real HTTP answer against what the spec declares for the operation: the status is
// declared, the headers and media type are the declared ones, the body keeps its schema (judged by
// the generated validators, as the client and `npm run verify` judge it), and Prism reported no
// violation of its own.
import { responseValidators } from "../../generated/response-validators";
import { parseMediaType } from "../../src/answers";
import { bodyViolations, describeViolations } from "../../src/validation";
import type { OperationId } from "../../src/types";
import { deref, type JsonObject, type SpecValidator } from "./spec";

export type Answer = { status: number; headers: Headers; text: string };

export async function answerOf(response: Response): Promise<Answer> {
  return { status: response.status, headers: response.headers, text: await response.text() };
}

export function contractViolations(v: SpecValidator, operationId: string, answer: Answer): string[] {
  const problems: string[] = [];
  const { operation } = v.operation(operationId);
  const responses = operation.responses as JsonObject;
  const status = String(answer.status);
  if (!(status in responses)) return [`status ${status} is not declared for ${operationId}`];

  const violations = answer.headers.get("sl-violations");
  if (violations) problems.push(`Prism reported violations: ${violations}`);

  const declared = deref(v.spec, responses[status]) as JsonObject;
  for (const name of Object.keys((declared.headers as JsonObject | undefined) ?? {})) {
    if (!answer.headers.has(name)) problems.push(`header ${name} is missing`);
  }
  const content = (declared.content as JsonObject | undefined) ?? {};
  const mediaType = parseMediaType(answer.headers.get("content-type")) ?? "";
  if (!(mediaType in content)) {
    problems.push(`media type ${JSON.stringify(mediaType)} is not declared (${Object.keys(content).join(", ")})`);
    return problems;
  }
  let body: unknown = answer.text; // a text/* body is its text (the login token)
  if (!mediaType.startsWith("text/")) {
    try {
      body = JSON.parse(answer.text);
    } catch {
      return [...problems, `body is not JSON: ${answer.text.slice(0, 200)}`];
    }
  }
  const broken = bodyViolations(responseValidators, operationId as OperationId, answer.status, mediaType, body);
  if (broken) problems.push(`body: ${describeViolations(broken)}`);
  return problems;
}
