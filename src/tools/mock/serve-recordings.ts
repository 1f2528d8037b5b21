// The mock serves recordings: each recorded 2xx answer becomes a named example of its operation's
// answer (`recorded-<label>`), picked with `Prefer: example=…` or the mock's `example` option. A
// recording that breaks the contract is served all the same, since it is what the platform said;
// one line is logged for it, naming its violations as the contract judges it today (the generated
// validators, not the verdict the file carries). The committed spec is never changed: this works
// on a copy.
import { responseValidators } from "../../../generated/response-validators.js";
import { bodyViolations, describeViolations } from "../../contract/validation.js";
import { readRecordings, recordedExampleName } from "../recording/format.js";
import type { OperationId } from "../../contract/types.js";
import { addRecordedExamples, type RecordedExample } from "./recorded-examples.js";
import type { JsonObject } from "../spec/spec-nav.js";

interface ServedRecordings {
  /** The example names added. */
  names: string[];
  /** Whether any recording breaks the contract as the contract is today. */
  anyBroken: boolean;
}

/**
 * The 2xx recordings in `dir`, as examples to serve; each that breaks the contract (judged by the
 * generated validators against today's contract, whatever its file says) is logged once.
 */
export function readRecordedExamples(
  dir: string,
  log: (message: string) => void = () => {},
): RecordedExample[] & { anyBroken: boolean } {
  const out: RecordedExample[] = [];
  let anyBroken = false;
  for (const { file, recording } of readRecordings(dir)) {
    if (recording.status < 200 || recording.status > 299) continue;
    const mediaType = recording.contentType ?? (typeof recording.body === "string" ? "text/plain" : "application/json");
    const name = recordedExampleName(recording.label ?? "");
    const violations =
      bodyViolations(
        responseValidators,
        recording.operationId as OperationId,
        recording.status,
        mediaType,
        recording.body,
      ) ?? [];
    if (violations.length > 0) {
      anyBroken = true;
      const shown =
        describeViolations(violations.slice(0, 5)) +
        (violations.length > 5 ? `; and ${violations.length - 5} more` : "");
      log(
        `${file}: served as ${name} although it breaks the contract (${violations.length} violation(s): ${shown}), because it is what the platform answered`,
      );
    }
    out.push({
      file,
      operationId: recording.operationId,
      status: recording.status,
      contentType: recording.contentType ?? null,
      name,
      summary: `Recorded from ${recording.label} at ${recording.recordedAt}`,
      body: recording.body,
    });
  }
  return Object.assign(out, { anyBroken });
}

/** Adds the 2xx recordings in `dir` to `spec` (a bundle, changed in place) as named examples. */
export function addRecordings(
  spec: { [key: string]: unknown },
  dir: string,
  log: (message: string) => void,
): ServedRecordings {
  const recordings = readRecordedExamples(dir, log);
  return { names: addRecordedExamples(spec as JsonObject, recordings, log), anyBroken: recordings.anyBroken };
}
