// Typed mutations of the reference bodies that the contract rejects: each a name, the path of the
// changed value (or of the removed one) and the value put there. The spec tests check that the
// spec rejects them; the validator tests that the generated validators do, at that path.
import { escapePointer, type Json, type JsonObject } from "./spec";

export type Mutant = [name: string, path: Array<string | number>, value: Json | undefined];

/** A deep copy of `body` with the value at `path` replaced (or removed, for `undefined`). */
export function mutate(body: JsonObject, path: Array<string | number>, value: Json | undefined): JsonObject {
  const copy = structuredClone(body);
  let at: any = copy;
  for (const key of path.slice(0, -1)) at = at[key];
  const last = path[path.length - 1]!;
  if (value === undefined) delete at[last];
  else at[last] = value;
  return copy;
}

/** The JSON pointer of a mutation's path. */
export function pointerOf(path: Array<string | number>): string {
  return path.map((p) => `/${escapePointer(p)}`).join("");
}

export const claimMutants: Mutant[] = [
  ["a number where a string belongs (data.name)", ["data", "name"], 42],
  ["a string where an integer belongs (data.encodingVersion)", ["data", "encodingVersion"], "1"],
  [
    "a fraction where an integer belongs (data._meta.migrationVersion)",
    ["data", "groups", 0, "_meta", "migrationVersion"],
    1.5,
  ],
  ["a number in an array of timestamps (metrics.start_time)", ["data", "metrics", "start_time", 0], 1740438512495],
  ["a non-date-time timestamp (data.last_updated)", ["data", "last_updated"], "yesterday"],
  ["a string where a number belongs (metrics.end_time)", ["data", "metrics", "end_time"], "1740438512495"],
  ["a string where a boolean belongs (groups[0].inactive)", ["data", "groups", 0, "inactive"], "true"],
  ["null where the reference shows no null (metrics.user)", ["data", "metrics", "user"], null],
  ["an object where an array belongs (data.groups)", ["data", "groups"], {}],
  ["a string where an object belongs (data.variables.incoming)", ["data", "variables", "incoming"], "x"],
  ["a number as the e-mail (metrics.user.email)", ["data", "metrics", "user", "email"], 42],
  ["no data", ["data"], undefined],
  ["a number as the message", ["message"], 200],
  ["an array as metadata", ["metadata"], []],
];

export const finishMutants: Mutant[] = [
  ["a number in an array of strings (data.tags)", ["data", "tags", 0], 7],
  ["a fraction where an integer belongs (data.font_size)", ["data", "font_size"], 12.5],
  ["a string where a number belongs (metrics.progress)", ["data", "metrics", "progress"], "0.5"],
  ["an object where a number belongs (metrics.progress)", ["data", "metrics", "progress"], {}],
  ["a negative progress (metrics.progress -0.5)", ["data", "metrics", "progress"], -0.5],
  ["a number where a user belongs (metrics.user)", ["data", "metrics", "user"], 7],
  ["a boolean where a user belongs (metrics.owner)", ["data", "metrics", "owner"], true],
  ["an array where a user belongs (data.created_by)", ["data", "created_by"], ["admin"]],
  [
    "a number where a user belongs (tasks.workflow_start.metrics.user)",
    ["data", "tasks", "workflow_start", "metrics", "user"],
    1,
  ],
  ["an array as a job task's actor", ["data", "tasks", "error_handler", "actor"], []],
  ["a number as an error message", ["data", "error", 0, "message"], 500],
  ["null as a warning message", ["data", "warnings", 0, "message"], null],
  ["a wrong-case parent.job", ["data", "parent", "job"], "FE7043AC41D24206AA556C49"],
  ["a string where an integer belongs (parent.iteration)", ["data", "parent", "iteration"], "1"],
  ["a string as an error timestamp", ["data", "error", 0, "timestamp"], "1.1"],
  ["a number as a job task's groups entry", ["data", "tasks", "workflow_start", "groups", 0], 1],
  ["an array where a task in the task map belongs", ["data", "tasks", "defc"], []],
  ["a string as the variables map", ["data", "variables"], "initiator"],
  ["a number where a boolean belongs (data.mocked)", ["data", "mocked"], 1],
  ["a number as a watcher", ["data", "watchers", 0], 3],
  ["an array as a watcher", ["data", "watchers", 0], ["admin"]],
];

// Values the reference does not rule out, which the contract accepts (see the spec tests).
const user = { _id: "5cb0d3e2a2e6a0e4a4d4a1f0", username: "admin@pronghorn", email: "admin@itential.com" };
export const claimAccepted: Array<[string, Array<string | number>, Json]> = [
  ["an empty e-mail (metrics.user.email)", ["data", "metrics", "user", "email"], ""],
  [
    "a local account's non-e-mail name as the e-mail (metrics.owner.email)",
    ["data", "metrics", "owner", "email"],
    "admin",
  ],
];

export const finishAccepted: Array<[string, Array<string | number>, Json]> = [
  ["a progress given as a percentage (metrics.progress 50)", ["data", "metrics", "progress"], 50],
  ["a user object (metrics.user)", ["data", "metrics", "user"], user],
  ["a user id (metrics.user)", ["data", "metrics", "user"], "5cb0d3e2a2e6a0e4a4d4a1f0"],
  ["a user object (metrics.owner)", ["data", "metrics", "owner"], user],
  ["a user name (data.created_by)", ["data", "created_by"], "admin@pronghorn"],
  ["a user object (data.last_updated_by)", ["data", "last_updated_by"], user],
  ["a user object (tasks.workflow_start.metrics.user)", ["data", "tasks", "workflow_start", "metrics", "user"], user],
  ["a user id (tasks.error_handler.actor)", ["data", "tasks", "error_handler", "actor"], "admin"],
  ["a user object (tasks.error_handler.actor)", ["data", "tasks", "error_handler", "actor"], user],
  ["a user id and a user object as watchers", ["data", "watchers"], ["admin", user, null]],
  ["a string as an error message", ["data", "error", 0, "message"], "Task failed: timeout"],
  ["a string as a warning message", ["data", "warnings", 0, "message"], "Deprecated task"],
];
