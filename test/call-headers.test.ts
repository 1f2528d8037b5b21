// A call's own headers (CallOptions.headers) against a real Prism, for every way in: they reach the
// operation's request and never a token request, and they are how a consumer's test picks the
// mock's answer: a 500, a 401, or a named scenario.
import path from "node:path";
import { createOperationsManagerClient, type OperationsManagerClientOptions } from "../src/index";
import { failure } from "./support/failure";
import { loadSpec, repoRoot, responseExamples, type JsonObject } from "./support/spec";

// The built mock, as a consumer's tests load it (jest's globalSetup builds dist/).
const { startMockServer } = require(path.join(repoRoot, "dist/cjs/src/mock.js")) as typeof import("../src/mock");

const spec = loadSpec();
const claims = responseExamples(spec, "claimTask", 200) as Record<string, { data: JsonObject }>;
const finishes = responseExamples(spec, "finishManualTask", 200) as Record<string, { data: JsonObject }>;

let mock: Awaited<ReturnType<typeof startMockServer>>;
beforeAll(async () => {
  mock = await startMockServer();
});
afterAll(() => mock.close());

const ways: Array<[string, OperationsManagerClientOptions["auth"]]> = [
  ["basic", { username: "automation", password: "s3cr3t" }],
  ["login", { username: "automation", password: "s3cr3t", method: "login" }],
  ["oauth", { clientId: "approval-bot", clientSecret: "any-secret" }],
  ["token", { token: "a-token-you-manage" }],
];

/** A client whose fetch records each request's path and headers. */
function recordingClient(auth: OperationsManagerClientOptions["auth"]) {
  const sent: Array<{ path: string; headers: Headers }> = [];
  const client = createOperationsManagerClient({
    baseUrl: mock.url,
    auth,
    validate: "throw",
    fetch: (url, init) => {
      sent.push({ path: new URL(url).pathname, headers: new Headers(init.headers) });
      return fetch(url, init);
    },
  });
  return { client, sent };
}

describe.each(ways)("%s", (_name, auth) => {
  it("headers reach the operation's request, never a token request", async () => {
    const { client, sent } = recordingClient(auth);
    const task = await client.claimTask(claims.approved!.data._id as string, {
      headers: { Prefer: "example=approved", "X-Trace": "t-1" },
    });
    const job = (task as { job: { _id: string; task: string } }).job;
    await client.finishManualTask(
      job._id,
      job.task,
      { taskData: { finish_state: "success" } },
      { headers: { "X-Trace": "t-2" } },
    );
    const operations = sent.filter((r) => r.path.startsWith("/operations-manager/"));
    expect(operations.map((r) => r.headers.get("x-trace"))).toEqual(["t-1", "t-2"]);
    expect(operations[0]!.headers.get("prefer")).toBe("example=approved");
    for (const r of sent.filter((r) => !r.path.startsWith("/operations-manager/"))) {
      expect([r.path, r.headers.get("x-trace"), r.headers.get("prefer")]).toEqual([r.path, null, null]);
    }
  });

  it.each([500, 401])(
    "Prefer: code=%i comes back as kind http with that status, from either operation",
    async (status) => {
      const { client } = recordingClient(auth);
      const headers = { Prefer: `code=${status}` };
      const claim = await failure(client.claimTask(claims.approved!.data._id as string, { headers }));
      expect([claim.kind, claim.status, claim.operationId]).toEqual(["http", status, "claimTask"]);
      const finish = await failure(
        client.finishManualTask(
          finishes.approved!.data._id as string,
          (claims.approved!.data.job as JsonObject).task as string,
          {},
          { headers },
        ),
      );
      expect([finish.kind, finish.status, finish.operationId]).toEqual(["http", status, "finishManualTask"]);
    },
  );

  it.each(["approved", "rejected"])(
    "Prefer: example=%s answers that scenario's data, claim and finish alike",
    async (scenario) => {
      const { client } = recordingClient(auth);
      const headers = { Prefer: `example=${scenario}` };
      const task = await client.claimTask(claims[scenario]!.data._id as string, { headers });
      expect(task).toEqual(claims[scenario]!.data);
      const job = await client.finishManualTask(
        task.job!._id!,
        task.job!.task!,
        { taskData: { finish_state: scenario === "approved" ? "success" : "failure" } },
        { headers },
      );
      expect(job).toEqual(finishes[scenario]!.data);
    },
  );
});
