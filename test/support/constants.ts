// What the tests call with: ids from the spec's own parameter examples, answers from its own
// examples (the bundle), the reference pages' bodies from where they live (../shared/seeds), and
// credentials for the mock, whose headers the client builds (credentialHeaders). One home for each.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { credentialHeaders } from "../../src/auth";
import { loadSpec, parameterExample, repoRoot, responseExamples, type JsonObject } from "./spec";

const spec = loadSpec();

/** A task iteration's UUID: claimTask's taskId example. */
export const TASK_ID = parameterExample(spec, "claimTask", "taskId") as string;
/** A job id: finishManualTask's jobId example. */
export const JOB_ID = parameterExample(spec, "finishManualTask", "jobId") as string;
/** A workflow task key: finishManualTask's taskId example. */
export const TASK_KEY = parameterExample(spec, "finishManualTask", "taskId") as string;

/** Credentials the mock accepts (it checks that some are sent, not which). */
export const USERNAME = "automation";
export const PASSWORD = "s3cr3t";
export const BASIC = credentialHeaders.basic(USERNAME, PASSWORD).Authorization;

/** The spec's `reference` example of each operation's 200 answer, from the bundle. */
export const claimAnswer = responseExamples(spec, "claimTask", 200).reference as JsonObject;
export const finishAnswer = responseExamples(spec, "finishManualTask", 200).reference as JsonObject;

/**
 * The reference pages' own example bodies (../shared/seeds/examples, exact JSON), which the spec's
 * examples follow but for placeholders: the independent account the spec is tested against.
 */
export function referenceBody(operation: "claim-task" | "finish-manual-task"): JsonObject {
  const file = path.resolve(repoRoot, "../shared/seeds/examples", `${operation}.200.json`);
  if (!existsSync(file)) throw new Error(`${file} is missing: the reference pages live in ../shared/seeds beside the repository`);
  return JSON.parse(readFileSync(file, "utf8")) as JsonObject;
}
