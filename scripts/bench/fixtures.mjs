// What the benchmarked calls send and get back: the contract's own examples, so that the answers
// have the size and shape the spec documents.
import { readFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "../lib/run.mjs";

const spec = JSON.parse(readFileSync(path.join(repoRoot, "generated/openapi.json"), "utf8"));
const example = (name) => {
  const found = spec.components?.examples?.[name]?.value;
  if (found === undefined) throw new Error(`bench: generated/openapi.json has no example ${name}`);
  return found;
};

export const claimEnvelope = example("ClaimTaskResponse");
export const finishEnvelope = example("FinishManualTaskResponse");
export const finishBody = example("FinishManualTaskBodyWithTaskData");
export const claimJson = JSON.stringify(claimEnvelope);
export const finishJson = JSON.stringify(finishEnvelope);

export const username = "bench-user";
export const password = "bench-pässword";
export const authorization = `Basic ${Buffer.from(`${username}:${password}`, "utf8").toString("base64")}`;

export const taskId = "8f2c6a1e-3b4d-4c5e-9f60-7a8b9c0d1e2f";
export const jobId = "67be20c2a1b2c3d4e5f60718";
export const workflowTaskKey = "defc";

export const claimPath = "/operations-manager/tasks/{taskId}/claim";
export const finishPath = "/operations-manager/jobs/{jobId}/tasks/{taskId}/finish";
