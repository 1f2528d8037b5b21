// What verify calls is read from the spec, not listed in src/tools/verify/: every operation but the
// token steps (`security: []`), each path parameter filled by its flag or else by the spec's example.
import { FLAGS, requestFor, verified } from "../src/tools/verify/operations";
import { findOperation, loadSpec, operations, type JsonObject } from "../scripts/lib/spec.cjs";
import { JOB_ID, TASK_ID, TASK_KEY } from "./support/constants";

const spec = loadSpec();
const none = { ids: {}, bodies: {} };

describe("verify's operations come from the spec", () => {
  it("verifies every operation that is not a token step", () => {
    const tokenStep = (operation: JsonObject) => Array.isArray(operation.security) && operation.security.length === 0;
    const expected = [...operations(spec)]
      .filter(({ operation }) => !tokenStep(operation))
      .map(({ operation }) => operation.operationId);
    expect(expected.length).toBeGreaterThan(0);
    expect([...verified].sort()).toEqual([...expected].sort());
  });

  it("calls each with the spec's method and request media type, its ids the spec's examples by default", () => {
    // claimTask declares no body: none is sent.
    expect(requestFor("claimTask", none)).toEqual({
      method: "POST",
      path: `/operations-manager/tasks/${TASK_ID}/claim`,
      accept: "application/json",
    });
    expect(requestFor("finishManualTask", none)).toMatchObject({
      method: "POST",
      path: `/operations-manager/jobs/${JOB_ID}/tasks/${TASK_KEY}/finish`,
      contentType: "application/json",
      body: "{}",
    });
  });

  it("puts each flag's value where its parameter is, percent-encoded, and --task-data in the finish body", () => {
    const ids = { "--task-id": "t/1", "--job-id": "j 2", "--task-key": "k?3" } as const;
    expect(requestFor("claimTask", { ids, bodies: {} }).path).toBe("/operations-manager/tasks/t%2F1/claim");
    const finish = requestFor("finishManualTask", { ids, bodies: { finishManualTask: { taskData: { a: 1 } } } });
    expect(finish.path).toBe("/operations-manager/jobs/j%202/tasks/k%3F3/finish");
    expect(finish.body).toBe('{"taskData":{"a":1}}');
  });

  it("has a flag for every path parameter of what it verifies", () => {
    for (const operationId of verified) {
      const template = findOperation(spec, operationId).path;
      const parameters = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const flagged = Object.values(FLAGS)
        .filter((f) => f.operationId === operationId)
        .map((f) => f.parameter);
      expect(flagged.sort()).toEqual(parameters.sort());
    }
  });
});
