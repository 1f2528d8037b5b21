// Checks a real HTTP answer against the contract: Prism reported no violation of its own, and the
// answer keeps what the spec declares (status, required headers, media type, body), as judged by
// verify's own judge of a whole answer (src/tools/verify/classify.ts answerViolations, on the generated
// validators) — one judge for verify and the contract tests.
import { answerViolations } from "../../src/tools/verify/classify";
import type { SpecValidator } from "./spec";

export type Answer = { status: number; headers: Headers; text: string };

export async function answerOf(response: Response): Promise<Answer> {
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/**
 * What is wrong with `answer` to `operationId`, as lines; [] when nothing. `v` names the spec the
 * mock served (it may be broken on purpose): the answer is judged against the package's contract.
 */
export function contractViolations(v: SpecValidator, operationId: string, answer: Answer): string[] {
  v.operation(operationId); // the operation exists in the spec served
  const problems: string[] = [];
  const prism = answer.headers.get("sl-violations");
  if (prism) problems.push(`Prism reported violations: ${prism}`);
  for (const x of answerViolations(operationId, answer.status, answer.headers, answer.text)) {
    problems.push(`${x.in}${x.path ? `: ${x.path}` : ""} ${x.message}`);
  }
  return problems;
}
