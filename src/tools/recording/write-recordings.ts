// `verify --record DIR`: each answer the platform gave is written as a recording
// (DIR/<operationId>.<status>.json) with verify's verdict, and DIR/report.json says where each
// departs from the contract. What is written was scrubbed first (to-recording.ts), and no request
// header is kept.
import path from "node:path";
import { driftEntry, driftReport, type DriftEntry } from "./drift.js";
import { MAX_RECORDING_BYTES, recordingFile, type Recording } from "./format.js";
import { REPORT, writeExclusive, type RecordDir } from "./record-dir.js";

/** Writes the recordings and DIR/report.json, each exclusively; returns the report's entries and the files not written. */
export function writeRecordings(
  dir: string | RecordDir,
  recordings: readonly Recording[],
): { entries: DriftEntry[]; failures: string[]; written: number } {
  const entries: DriftEntry[] = [];
  let written = 0;
  const failures: string[] = [];
  const folder =
    typeof dir === "string"
      ? { path: dir, write: (name: string, text: string) => writeExclusive(dir, name, text) }
      : dir;
  const write = (name: string, value: unknown) => {
    try {
      // Indented when that stays within what a recording may hold (what --from and the mock read), else compact.
      let text = `${JSON.stringify(value, null, 2)}\n`;
      if (Buffer.byteLength(text) > MAX_RECORDING_BYTES) text = `${JSON.stringify(value)}\n`;
      const size = Buffer.byteLength(text);
      if (size > MAX_RECORDING_BYTES)
        throw new Error(
          `${path.join(folder.path, name)} was not written (${size} bytes, over the ${MAX_RECORDING_BYTES} a recording may have)`,
        );
      folder.write(name, text);
      if (name !== REPORT) written++;
    } catch (error) {
      // Our own failure too (an answer too deep to serialize): named, never a crash.
      const message = (error as Error)?.message ?? String(error);
      failures.push(
        message.includes(" was not written ")
          ? message
          : `${path.join(folder.path, name)} was not written (${message.slice(0, 200)})`,
      );
    }
  };
  for (const recording of recordings) {
    let file: string;
    try {
      file = recordingFile(recording.operationId, recording.status);
    } catch (error) {
      failures.push((error as Error).message);
      continue;
    }
    write(file, recording);
    try {
      entries.push(driftEntry(file, recording));
    } catch (error) {
      failures.push(`${file}: no drift reported (${String((error as Error)?.message ?? error).slice(0, 200)})`);
    }
  }
  // The same three sections verify prints, then each answer's own drift.
  write(REPORT, {
    recordedAt: recordings[0]?.recordedAt ?? null,
    label: recordings[0]?.label ?? null,
    ...driftReport(entries),
    answers: entries,
  });
  return { entries, failures, written };
}
