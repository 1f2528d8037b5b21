// What the tests call with: ids from the spec's own parameter examples, answers from its own
// examples (the bundle), the reference pages' bodies (test/fixtures/reference), and
// credentials for the mock, whose headers the client builds (credentialHeaders). One home for each.
import { readFileSync } from "node:fs";
import path from "node:path";
import { credentialHeaders } from "../../src/auth/authenticator";
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
 * The reference pages' own example bodies (test/fixtures/reference, exact JSON; its README names
 * their source), which the spec's examples follow but for placeholders: the independent account
 * the spec is tested against.
 */
export function referenceBody(operation: "claim-task" | "finish-manual-task"): JsonObject {
  return JSON.parse(
    readFileSync(path.join(repoRoot, "test/fixtures/reference", `${operation}.200.json`), "utf8"),
  ) as JsonObject;
}
