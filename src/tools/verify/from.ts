// `verify --from DIR`: the recordings of an earlier `verify --record DIR` judged again against the
// contract as it is now, with no platform: after a spec change, which of them now pass, and their
// drift, as --record reports it. A folder with no recordings, or a file that is not one, is bad
// usage (exit 2), in one line naming it.
import path from "node:path";
import { UsageError } from "../usage.js";
import { readRecordings, RecordingFileError } from "../recording/format.js";
import { driftEntry, type DriftEntry } from "../recording/drift.js";
import { judgeRecorded, type VerifyResult } from "./classify.js";

export function judgeRecordings(dir: string): { results: VerifyResult[]; entries: DriftEntry[] } {
  let found;
  try {
    found = readRecordings(dir);
  } catch (error) {
    if (error instanceof RecordingFileError) throw new UsageError(`--from: ${error.message}`, "verify");
    throw error;
  }
  if (found.length === 0)
    throw new UsageError(
      `--from: no recordings in ${JSON.stringify(dir)} (files named <operationId>.<status>.json, as verify --record writes them)`,
      "verify",
    );
  const results: VerifyResult[] = [];
  const entries: DriftEntry[] = [];
  for (const { file, recording } of found) {
    const request = { method: recording.method, path: recording.path };
    let result: VerifyResult;
    try {
      result = judgeRecorded(recording.operationId, request, recording.status, recording.contentType, recording.body);
    } catch (error) {
      result = {
        operationId: recording.operationId,
        ...request,
        status: recording.status,
        result: "error",
        violations: [],
        error: `verify could not judge ${path.basename(file)} (${(error as Error)?.message ?? String(error)})`,
      };
    }
    results.push(result);
    entries.push(
      driftEntry(path.basename(file), { ...recording, verdict: result.result, violations: result.violations }),
    );
  }
  return { results, entries };
}
