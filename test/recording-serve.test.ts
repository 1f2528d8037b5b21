// Recordings served as recorded: a recording that breaks the contract is answered exactly as the
// platform gave it, whatever the verdict its file carries (files are untrusted), and its
// violations, as the contract judges it today, are logged once.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { claimAnswer, finishAnswer, TASK_ID } from "./support/constants";
import { recordingOf } from "./support/recordings";
import { repoRoot, type JsonObject } from "./support/spec";

const { startMockServer } = require(path.join(repoRoot, "dist/cjs/src/mock.js")) as typeof import("../src/mock");
const { createOperationsManagerClient } = require("../src/index") as typeof import("../src/index");

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "recordings-served-"));
  const recording = (operationId: string, body: unknown, verdict: string) =>
    recordingOf({ operationId, body, verdict, label: "field" });
  // Both break the contract, though their files say they passed (a file is not trusted).
  const task = {
    ...claimAnswer,
    data: { ...(claimAnswer.data as JsonObject), _id: "not-a-uuid", encodingVersion: "one" },
  };
  const job = { ...finishAnswer, data: { ...(finishAnswer.data as JsonObject), name: 42 } };
  writeFileSync(path.join(dir, "claimTask.200.json"), JSON.stringify(recording("claimTask", task, "pass")));
  writeFileSync(
    path.join(dir, "finishManualTask.200.json"),
    JSON.stringify(recording("finishManualTask", job, "pass")),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("answers each broken recording as recorded (never Prism's 500), and logs its violations once", async () => {
  const lines: string[] = [];
  const mock = await startMockServer({ examples: dir, log: (_level, message) => lines.push(message) });
  try {
    const headers = {
      Authorization: `Basic ${Buffer.from("u:p").toString("base64")}`,
      Prefer: "example=recorded-field",
      "Content-Type": "application/json",
    };
    for (let i = 0; i < 3; i++) {
      const claim = await fetch(`${mock.url}/operations-manager/tasks/${TASK_ID}/claim`, { method: "POST", headers });
      expect([claim.status, ((await claim.json()) as { data: JsonObject }).data._id]).toEqual([200, "not-a-uuid"]);
      const finish = await fetch(`${mock.url}/operations-manager/jobs/6745f1c2a9b3d84e2c7f0a15/tasks/3b7e/finish`, {
        method: "POST",
        headers,
        body: "{}",
      });
      expect([finish.status, ((await finish.json()) as { data: JsonObject }).data.name]).toEqual([200, 42]);
    }
    // The client with validate: "throw" sees what the platform would have said: a broken answer.
    const om = createOperationsManagerClient({
      baseUrl: mock.url,
      auth: { username: "u", password: "p" },
      validate: "throw",
    });
    await expect(om.claimTask(TASK_ID, { headers: { Prefer: "example=recorded-field" } })).rejects.toMatchObject({
      kind: "invalid-response",
      status: 200,
    });
    // The spec's own answers are served as before.
    expect((await om.claimTask(TASK_ID))._id).toBe(TASK_ID);
  } finally {
    await mock.close();
  }
  const claimLines = lines.filter((l) => l.includes("claimTask.200.json"));
  expect(claimLines).toHaveLength(1);
  expect(claimLines[0]).toMatch(
    /breaks the contract \(2 violation\(s\): .*\/data\/_id must match pattern.*\/data\/encodingVersion must be integer/,
  );
  expect(lines.filter((l) => l.includes("finishManualTask.200.json"))).toEqual([
    expect.stringContaining("/data/name must be string"),
  ]);
});
