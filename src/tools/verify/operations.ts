// What verify calls, read from the bundled spec: the operations tagged "Operations Manager" (a
// token step, from the auth options, goes first), their paths, methods, media types and default
// ids, and which operation a tapped request was for. Only which flag fills which path parameter,
// and what the ids must name, is said here.
import { createRequestJudge, type RequestJudge } from "../mock/request-judge.js";
import { bundledSpec, deref, findOperation, members, operations, parameterExample } from "../spec/bundled-spec.js";

export const verified: readonly string[] = [...operations(bundledSpec())]
  .filter(({ operation }) => Array.isArray(operation.tags) && operation.tags.includes("Operations Manager"))
  .map(({ operation }) => operation.operationId as string);

export type IdFlag = "--task-id" | "--job-id" | "--task-key";
export const FLAGS: Record<IdFlag, { operationId: string; parameter: string }> = {
  "--task-id": { operationId: "claimTask", parameter: "taskId" },
  "--job-id": { operationId: "finishManualTask", parameter: "jobId" },
  "--task-key": { operationId: "finishManualTask", parameter: "taskId" },
};
export const ID_FLAGS = Object.keys(FLAGS) as IdFlag[];
export const flagsOf = (operationId: string): IdFlag[] =>
  ID_FLAGS.filter((flag) => FLAGS[flag].operationId === operationId);
/** For the hint when the platform refuses the ids it was given. */
export const NAMES: Record<string, string> = {
  claimTask: "a task on this platform that can still be claimed",
  finishManualTask: "a manual task on this platform that is still open (and that --task-data suits it)",
};
/** --task-data is this operation's `taskData`; any other JSON body is sent as {}. */
export const TASK_DATA_OF = "finishManualTask";

export interface VerifiedRequest {
  method: string;
  path: string;
  accept: string;
  contentType?: string;
  body?: string;
}

/** The call as sent: the path filled with the ids given (else the spec's examples), the body in the spec's media type. */
export function requestFor(
  operationId: string,
  { ids, bodies }: { ids: Partial<Record<IdFlag, string>>; bodies: Record<string, unknown> },
): VerifiedRequest {
  const spec = bundledSpec();
  const { path, method, operation } = findOperation(spec, operationId);
  const id = (name: string) => {
    const flag = flagsOf(operationId).find((f) => FLAGS[f].parameter === name);
    return (flag && ids[flag]) ?? parameterExample(spec, operationId, name);
  };
  const contentType = Object.keys(members(members(deref(spec, operation.requestBody)).content))[0];
  const successes = Object.entries(members(operation.responses)).filter(([status]) => /^2/.test(status));
  return {
    method: method.toUpperCase(),
    path: path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(id(name))),
    accept: [
      ...new Set(successes.flatMap(([, response]) => Object.keys(members(members(deref(spec, response)).content)))),
    ].join(", "),
    ...(contentType === undefined ? {} : { contentType, body: JSON.stringify(bodies[operationId] ?? {}) }),
  };
}

let judge: RequestJudge | undefined;
/**
 * The operation a request was for, by its method and path: routed by the mock's request judge,
 * the one reading of the spec's path templates (each `{name}` one path segment).
 */
export function operationFor(method: string, requestPath: string): string | undefined {
  return (judge ??= createRequestJudge(bundledSpec()))(method, requestPath, null, undefined).operationId;
}
