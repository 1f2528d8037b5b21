// Path parameters are checked against the spec's own patterns (generated from the bundle) before
// anything is sent, so that a malformed id, an empty key or a `../` never reaches the network.
import { pathParamRules } from "../generated/path-param-rules.js";
import { OperationsManagerError } from "./errors.js";
import type { OperationId } from "./types.js";

type Accepts = { readonly values: readonly string[]; readonly patterns: readonly RegExp[] };

export function checkPathParams(operationId: OperationId, params: Record<string, unknown>): void {
  const declared: Record<string, Accepts> = pathParamRules[operationId];
  for (const [name, accepts] of Object.entries(declared)) {
    const value = params[name];
    if (typeof value === "string" && (accepts.values.includes(value) || accepts.patterns.some((p) => p.test(value)))) continue;
    const expected = [...accepts.values.map((v) => JSON.stringify(v)), ...accepts.patterns.map((p) => `a match of ${p.source}`)];
    throw new OperationsManagerError(
      "invalid-request",
      `${operationId}: path parameter ${name} is ${describe(value)}; expected ${expected.join(" or ")}. Nothing was sent.`,
      { operationId },
    );
  }
}

function describe(value: unknown): string {
  if (typeof value !== "string") return `not a string (${value === null ? "null" : typeof value})`;
  return value.length > 80 ? `${JSON.stringify(value.slice(0, 80))}… (${value.length} characters)` : JSON.stringify(value);
}
