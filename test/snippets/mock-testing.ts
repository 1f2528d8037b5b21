// The TypeScript snippets of docs/testing-with-the-mock.md, in a file tsc can compile. Each
// `// #region NAME` … `// #endregion` is one code block of the guide, word for word (the imports
// with the package's names); test/testing-guide.test.ts holds the two to each other. Written as a
// consumer's approval bot would test itself, with node:assert, so that no test runner is assumed.
// #region imports
import assert from "node:assert/strict";
import { createOperationsManagerClient, isOperationsManagerError } from "../../src/index.js";
import { startMockServer } from "../../src/mock.js";
// #endregion

export async function startingTheMock(): Promise<void> {
  // #region start
  const mock = await startMockServer(); // 127.0.0.1, a free port
  const taskId = "7c1e5b2a-94d3-4f6e-8a0b-3d2c1f9e8b47"; // the mock claims any task-iteration UUID
  const client = createOperationsManagerClient({
    baseUrl: mock.url,
    auth: { clientId: "approval-bot", clientSecret: "any-secret" }, // the mock takes any credentials
    validate: "throw", // an answer that breaks the contract fails the call
  });
  // … your tests …
  await mock.close();
  // #endregion
  void [client, taskId];
}

type Client = ReturnType<typeof createOperationsManagerClient>;

export async function happyPath(client: Client, taskId: string): Promise<void> {
  // #region happy-path
  const task = await client.claimTask(taskId);
  const jobId = task.job!._id!; // "6745f1c2a9b3d84e2c7f0a15"
  const taskKey = task.job!.task!; // "3b7e"
  const job = await client.finishManualTask(jobId, taskKey, {
    taskData: { finish_state: "success", variables: { approved: true } },
  });
  assert.equal(job._id, jobId); // the finish answer is the job the claimed task belongs to
  assert.equal(job.tasks?.[taskKey]?.status, "complete");
  assert.equal(job.tasks?.[taskKey]?.metrics?.finish_state, "success");
  // #endregion
}

export async function failures(client: Client, taskId: string): Promise<void> {
  // #region failures
  // `headers` go on that one call only, never on the token request.
  const error = await client.claimTask(taskId, { headers: { Prefer: "code=500" } }).catch((e: unknown) => e);
  assert.ok(isOperationsManagerError(error));
  assert.equal(error.kind, "http");
  assert.equal(error.status, 500);

  // A 401: the client gets a new token and repeats the call once, which is answered 401 again.
  await assert.rejects(
    client.finishManualTask("6745f1c2a9b3d84e2c7f0a15", "3b7e", undefined, { headers: { Prefer: "code=401" } }),
    { kind: "http", status: 401 },
  );
  // #endregion
}

export async function scenario(client: Client, taskId: string): Promise<void> {
  // #region scenario
  // One call at a time: the same name on the claim and on the finish.
  const rejected = { headers: { Prefer: "example=rejected" } };
  const task = await client.claimTask(taskId, rejected);
  const job = await client.finishManualTask(task.job!._id!, task.job!.task!, { taskData: { finish_state: "failure" } }, rejected);
  assert.equal(job.tasks?.[task.job!.task!]?.metrics?.finish_state, "failure");

  // Or a whole suite: every answer is the scenario's, without a header.
  const rejecting = await startMockServer({ example: "rejected" });
  // … createOperationsManagerClient({ baseUrl: rejecting.url, … }) …
  await rejecting.close();
  // #endregion
}

export async function generated(): Promise<void> {
  // #region dynamic
  const mock = await startMockServer({ dynamic: true });
  const client = createOperationsManagerClient({ baseUrl: mock.url, auth: { clientId: "approval-bot", clientSecret: "any-secret" } });
  const task = await client.claimTask("7c1e5b2a-94d3-4f6e-8a0b-3d2c1f9e8b47");
  // Random values that keep every rule of the contract: the ids chain into the finish call.
  const job = await client.finishManualTask(task.job!._id!, task.job!.task!);
  assert.equal(typeof job._id, "string");
  await mock.close();
  // #endregion
}
