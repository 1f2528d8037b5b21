// What verify calls, read from the bundled spec: the operations tagged "Operations Manager" (a
// token step, from the auth options, goes first), their paths, methods, media types and default
// ids. Only which flag fills which path parameter, and what the ids must name, is said here.
import { deref, findOperation, operations, parameterExample } from "../lib/spec.cjs";
import { spec } from "./package.mjs";

export const verified = [...operations(spec)].filter(({ operation }) => operation.tags?.includes("Operations Manager")).map(({ operation }) => operation.operationId);

export const FLAGS = {
  "--task-id": { operationId: "claimTask", parameter: "taskId" },
  "--job-id": { operationId: "finishManualTask", parameter: "jobId" },
  "--task-key": { operationId: "finishManualTask", parameter: "taskId" },
};
export const flagsOf = (operationId) => Object.keys(FLAGS).filter((flag) => FLAGS[flag].operationId === operationId);
/** For the hint when the platform refuses the ids it was given. */
export const NAMES = {
  claimTask: "a task on this platform that can still be claimed",
  finishManualTask: "a manual task on this platform that is still open (and that --task-data suits it)",
};
/** --task-data is this operation's `taskData`; any other JSON body is sent as {}. */
export const TASK_DATA_OF = "finishManualTask";

/** The call as sent: the path filled with the ids given (else the spec's examples), the body in the spec's media type. */
export function requestFor(operationId, { ids, bodies, auth }) {
  const { path, method, operation } = findOperation(spec, operationId);
  const id = (name) => ids[flagsOf(operationId).find((flag) => FLAGS[flag].parameter === name)] ?? parameterExample(spec, operationId, name);
  const contentType = Object.keys(deref(spec, operation.requestBody)?.content ?? {})[0];
  const successes = Object.entries(operation.responses).filter(([status]) => /^2/.test(status));
  return {
    method: method.toUpperCase(),
    path: path.replace(/\{(\w+)\}/g, (_, name) => encodeURIComponent(id(name))),
    accept: [...new Set(successes.flatMap(([, response]) => Object.keys(deref(spec, response).content ?? {})))].join(", "),
    contentType,
    body: contentType === undefined ? undefined : operationId === auth.step ? auth.body : JSON.stringify(bodies[operationId] ?? {}),
  };
}
