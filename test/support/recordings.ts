// A recording file's members, as verify --record writes them, for the tests that hand recordings
// to the writer, to verify --from and to the mocks.
import type { Recording } from "../../src/tools/recording/format";
import { claimAnswer } from "./constants";

/** A recording of claimTask's 200 JSON answer that passed, labelled "lab"; `over` replaces members. */
export function recordingOf(over: Partial<Recording> = {}): Recording {
  return {
    operationId: "claimTask",
    method: "POST",
    path: "/operations-manager/tasks/x/claim",
    status: 200,
    contentType: "application/json",
    recordedAt: "2026-12-06T00:00:00.000Z",
    label: "lab",
    body: claimAnswer,
    verdict: "pass",
    violations: [],
    ...over,
  };
}
