// A recording: one answer a platform gave `verify --record`, as a file
// `DIR/<operationId>.<status>.json`, scrubbed of credentials and personal values before it is
// written. verify writes them, `verify --from` judges them again, and the mock serves them.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

export interface Recording {
  operationId: string;
  method: string;
  /** The request's path, ids included (never its query or headers). */
  path: string;
  status: number;
  /** The answer's media type, without parameters; null when it had none. */
  contentType: string | null;
  /** ISO 8601. */
  recordedAt: string;
  /** Names the platform (`--label`), such as `2023.2-staging`. */
  label: string;
  /** Parsed JSON when the answer was JSON, its text otherwise. */
  body: unknown;
  /** verify's verdict on the answer: pass, fail or not-checked. */
  verdict: string;
  violations: Array<{ in: string; path: string | null; message: string; source: string }>;
}

/** The file a recording is written to. */
export function recordingFile(operationId: string, status: number): string {
  return `${operationId}.${status}.json`;
}

/** The example name a recording is served under: `recorded-<label>`, with anything but `[A-Za-z0-9._-]` as `-`. */
export function recordedExampleName(label: string): string {
  return `recorded-${label.replace(/[^A-Za-z0-9._-]+/g, "-") || "platform"}`;
}

/** Every recording in `dir` (files named `<operationId>.<status>.json`), in name order; a file that is not one is an error naming it. */
export function readRecordings(dir: string): Array<{ file: string; recording: Recording }> {
  const files = readdirSync(dir)
    .filter((name) => /^[A-Za-z][\w-]*\.\d{3}\.json$/.test(name))
    .sort();
  return files.map((name) => {
    const file = path.join(dir, name);
    let recording: Recording;
    try {
      recording = JSON.parse(readFileSync(file, "utf8")) as Recording;
    } catch (error) {
      throw new Error(`${file} is not JSON (${(error as Error).message})`);
    }
    if (!recording || typeof recording !== "object" || typeof recording.operationId !== "string" || typeof recording.status !== "number" || !("body" in recording)) {
      throw new Error(`${file} is not a recording: it needs operationId, status and body`);
    }
    return { file, recording };
  });
}
