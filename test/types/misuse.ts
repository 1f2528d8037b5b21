// Compiled with `tsc --noEmit` by test/types.test.ts: every `@ts-expect-error` below must be a
// compile error (tsc fails on one that is not), and every line without it must compile.
import {
  createOperationsManagerClient,
  OperationsManagerError,
  type ClaimTaskResponse,
  type FinishManualTaskBody,
  type Job,
  type OperationsManagerErrorKind,
  type Task,
  type components,
  type paths,
} from "../../src/index.js";

const om = createOperationsManagerClient({ baseUrl: "http://127.0.0.1:4010", auth: { username: "u", password: "p" } });

export async function wellTyped(): Promise<void> {
  const task: Task = await om.claimTask("3f2c9a4e-8b1d-4c7e-9f60-2a5b7d8e1c34");
  const status: string | undefined = task.status;
  const job: Job = await om.finishManualTask("67be20c2dda0df69ebe60824", "defc", {
    taskData: { finish_state: "success", variables: { ok: true }, anythingElse: [1, 2] },
  });
  await om.finishManualTask("67be20c2dda0df69ebe60824", "workflow_start");
  const envelope: ClaimTaskResponse = { message: "ok", data: task, metadata: {} };
  const fromPaths: paths["/operations-manager/tasks/{taskId}/claim"]["post"]["responses"][200]["content"]["application/json"] = envelope;
  const schema: components["schemas"]["Job"] = job;
  const body: FinishManualTaskBody = {};
  const kind: OperationsManagerErrorKind = "timeout";
  void [status, fromPaths, schema, body, kind];
  await om.raw.POST("/operations-manager/tasks/{taskId}/claim", { params: { path: { taskId: "x" } } });
  const told = createOperationsManagerClient({
    baseUrl: "http://127.0.0.1:4010",
    auth: { username: "u", password: "p" },
    validate: (violations, { operationId, status: answered }) => void [violations[0]?.path, violations[0]?.message, operationId, answered],
  });
  void told;
}

export async function misuse(error: OperationsManagerError): Promise<void> {
  // @ts-expect-error a taskId is a string, not a number
  await om.claimTask(42);
  // @ts-expect-error taskData is an object, not a string
  await om.finishManualTask("67be20c2dda0df69ebe60824", "defc", { taskData: "done" });
  // @ts-expect-error finish_state is a string
  await om.finishManualTask("67be20c2dda0df69ebe60824", "defc", { taskData: { finish_state: 1 } });
  // @ts-expect-error the body holds only taskData
  await om.finishManualTask("67be20c2dda0df69ebe60824", "defc", { taskdata: {} });
  // @ts-expect-error finishManualTask needs the job and the task key
  await om.finishManualTask("67be20c2dda0df69ebe60824");
  const task = await om.claimTask("3f2c9a4e-8b1d-4c7e-9f60-2a5b7d8e1c34");
  // @ts-expect-error a Task has no such field
  void task.notAField;
  // @ts-expect-error the claimed Task is not a Job
  const job: Job = task;
  // @ts-expect-error kind is one of the five named kinds
  const kind: OperationsManagerErrorKind = "oops";
  // @ts-expect-error options need auth
  createOperationsManagerClient({ baseUrl: "http://127.0.0.1:4010" });
  // @ts-expect-error validate is "off", "throw" or a function
  createOperationsManagerClient({ baseUrl: "http://127.0.0.1:4010", auth: { username: "u", password: "p" }, validate: "warn" });
  // @ts-expect-error the raw client knows only the contract's paths
  await om.raw.POST("/operations-manager/tasks/{taskId}/release", { params: { path: { taskId: "x" } } });
  // @ts-expect-error raw is a client to read, not to replace
  om.raw = om.raw;
  // @ts-expect-error status is a number
  const status: string = error.status;
  const pointer: string | undefined = error.violations?.[0]?.path;
  // @ts-expect-error a violation's path is a JSON pointer string
  const notPointer: number | undefined = error.violations?.[0]?.path;
  void [pointer, notPointer];
  void [job, kind, status];
}
