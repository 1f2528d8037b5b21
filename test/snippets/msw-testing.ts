// The MSW snippets of docs/testing-with-the-mock.md (its last section), compiled as mock-testing.ts
// is; test/testing-guide.test.ts reads the regions of both files, in this order.
// #region msw-imports
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { createOperationsManagerClient, type ClaimTaskResponse } from "../../src/index.js";
import { createHandlers } from "../../src/msw.js";
// #endregion

export async function withMsw(): Promise<void> {
  // #region msw-start
  const baseUrl = "https://om.test"; // any URL: nothing listens there, MSW answers in process
  const server = setupServer(...createHandlers({ baseUrl })); // or { baseUrl, example: "rejected" }
  server.listen({ onUnhandledRequest: "error" });
  const client = createOperationsManagerClient({ baseUrl, auth: { clientId: "approval-bot", clientSecret: "any-secret" }, validate: "throw" });

  const task = await client.claimTask("7c1e5b2a-94d3-4f6e-8a0b-3d2c1f9e8b47");
  await client.finishManualTask(task.job!._id!, task.job!.task!, { taskData: { finish_state: "success" } });
  await client.claimTask(task._id, { headers: { Prefer: "code=500" } }).catch(() => "http 500, as from the Prism mock");
  // #endregion

  // #region msw-override
  // One test's own answer for one operation, typed by the package's types; first until reset.
  server.use(
    http.post<{ taskId: string }, never, ClaimTaskResponse>(`${baseUrl}/operations-manager/tasks/:taskId/claim`, ({ params }) =>
      HttpResponse.json({ message: "claimed", data: { _id: params.taskId, name: "a task of my own" } }),
    ),
  );
  const mine = await client.claimTask("7c1e5b2a-94d3-4f6e-8a0b-3d2c1f9e8b47"); // name: "a task of my own"
  server.resetHandlers(); // the contract's answers again
  server.close();
  // #endregion
  void mine;
}
