// `verify --from DIR`: the recordings of an earlier `verify --record DIR` judged again against the
// contract as it is now, with no platform: after a spec change, which of them now pass.
import { readRecordings } from "../recording/format.js";
import { judgeRecorded, type VerifyResult } from "./classify.js";

export function judgeRecordings(dir: string): VerifyResult[] {
  return readRecordings(dir).map(({ recording }) =>
    judgeRecorded(recording.operationId, { method: recording.method, path: recording.path }, recording.status, recording.contentType, recording.body),
  );
}
