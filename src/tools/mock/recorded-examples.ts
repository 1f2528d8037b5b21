// Recorded answers added to a spec as named examples of their operations' answers, with no Node
// built-in: the Prism mock adds them to its copy of the bundle (recording/serve.ts reads the
// files), and the MSW handlers to theirs (msw.ts), so both serve a recording alike.
import { deref, findOperation, isObject, type Json, type JsonObject } from "../spec/spec-nav.js";
import { nestsDeeper } from "../../util/walk.js";

/** One recorded 2xx answer, read from `verify --record`'s files by the mock's `readRecordedExamples`. */
export interface RecordedExample {
  /** Where it was read from, for the log. */
  file: string;
  operationId: string;
  status: number;
  contentType: string | null;
  /** The example name it is served under: `recorded-<label>`. */
  name: string;
  summary: string;
  body: unknown;
}

/** `parent[key]`, made an object there when it is none. */
function objectAt(parent: JsonObject, key: string): JsonObject {
  const found = parent[key];
  return isObject(found) ? found : (parent[key] = {});
}

/**
 * How deep a recorded body may nest. Prism reads the spec it serves with recursive code (its
 * `$ref` crawl), which a body nested some thousands deep overflows: a bare RangeError that named
 * no file. No platform answer comes near this.
 */
export const MAX_RECORDED_DEPTH = 256;

/** Adds each recording to `spec` (changed in place) as a named example; the names added. */
export function addRecordedExamples(
  spec: JsonObject,
  recordings: readonly RecordedExample[],
  log: (message: string) => void,
): string[] {
  const names = new Set<string>();
  for (const recording of recordings) {
    if (nestsDeeper(recording.body, MAX_RECORDED_DEPTH)) {
      throw Object.assign(
        new RangeError(
          `${recording.file}: the recorded body nests deeper than ${MAX_RECORDED_DEPTH} levels, more than the mock can serve; no platform answers so (re-record it, or remove the file)`,
        ),
        {
          code: "ERR_RECORDING_TOO_DEEP",
        },
      );
    }
    let operation: JsonObject;
    try {
      operation = findOperation(spec, recording.operationId).operation;
    } catch {
      log(`${recording.file}: no operation ${JSON.stringify(recording.operationId)} in the contract; not served`);
      continue;
    }
    const status = String(recording.status);
    const responses = objectAt(operation, "responses");
    // A shared response ($ref) is copied into this operation before it changes.
    const declared = deref(spec, responses[status]);
    const response: JsonObject = !isObject(declared)
      ? { description: "An answer recorded from a platform." }
      : declared === responses[status]
        ? declared
        : structuredClone(declared);
    responses[status] = response;
    const mediaType = recording.contentType ?? (typeof recording.body === "string" ? "text/plain" : "application/json");
    const media = objectAt(objectAt(response, "content"), mediaType);
    media.examples = {
      ...objectAt(media, "examples"),
      [recording.name]: { summary: recording.summary, value: recording.body as Json },
    };
    names.add(recording.name);
  }
  return [...names];
}
