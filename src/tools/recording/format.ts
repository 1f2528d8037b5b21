// A recording: one answer a platform gave `verify --record`, as a file
// `DIR/<operationId>.<status>.json`, scrubbed of credentials and personal values before it is
// written. verify writes them, `verify --from` judges them again, and the mock serves them.
// A recording read back is untrusted input (anyone may hand over a folder): it is read only from a
// regular file (never through a link), bounded in size, parsed as plain JSON (JSON.parse defines
// `__proto__` as an own member, never a prototype) and its shape is checked before any member is
// used, since its strings become keys elsewhere (a content type of "__proto__" once reached
// Object.prototype through the mock's spec copy). What is returned is a fresh object of the
// checked members only.
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/** An answer as verify's tap took it from the platform, before anything is scrubbed. */
export interface Tapped {
  method: string;
  /** The request's path, ids included (never its query, which may carry a token, or headers). */
  path: string;
  status: number;
  /** The answer's media type, without parameters; null when it had none. */
  contentType: string | null;
  text: string;
}

/** A tapped answer, once verify knows which operation it answered. */
export interface RecordedAnswer extends Tapped {
  operationId: string;
}

/** One way a recorded answer breaks the contract, as verify judged it (verify's VerifyViolation). */
export interface RecordedViolation {
  /** What broke: `status`, `body`, `content-type`, `header <name>`… */
  in: string;
  /** The JSON pointer of a body field, else null. */
  path: string | null;
  message: string;
  /** Who found it. */
  source: string;
}

/** A recording as written to DIR/<operationId>.<status>.json: the answer scrubbed, with verify's verdict. */
export interface Recording extends Omit<RecordedAnswer, "text"> {
  /** ISO 8601. */
  recordedAt: string;
  /** Names the platform (`--label`), such as `2023.2-staging`. */
  label: string;
  /** Parsed JSON when the answer was JSON, its text otherwise. */
  body: unknown;
  /** verify's verdict on the answer: pass, fail, not-checked or error. */
  verdict: string;
  violations: RecordedViolation[];
}

/** A recording file that cannot be used: `file` names it, the message says why. */
export class RecordingFileError extends Error {
  readonly code = "ERR_BAD_RECORDING";
  constructor(
    readonly file: string,
    why: string,
  ) {
    super(`${file}: ${why}`);
    this.name = "RecordingFileError";
  }
}

/** The largest recording read: real answers run from kilobytes to a few megabytes. */
export const MAX_RECORDING_BYTES = 64 * 1024 * 1024;

/** What a recording's file is named; the pattern every name written or read must match (no separator, no `..`). */
export const RECORDING_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,99}\.[1-5]\d\d\.json$/;

/** The file a recording is written to; throws for an operationId or status that would not make a plain file name. */
export function recordingFile(operationId: string, status: number): string {
  const name = `${operationId}.${status}.json`;
  if (!RECORDING_NAME.test(name) || path.basename(name) !== name)
    throw new RangeError(`not a recording's file name: ${JSON.stringify(name)}`);
  return name;
}

/** The example name a recording is served under: `recorded-<label>`, with anything but `[A-Za-z0-9._-]` as `-`. */
export function recordedExampleName(label: string): string {
  return `recorded-${label.replace(/[^A-Za-z0-9._-]+/g, "-") || "platform"}`;
}

/** The recordings' names in `dir`, in name order (links included: reading one refuses it). */
function recordingNames(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    throw new RecordingFileError(
      dir,
      `is not a folder that can be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  return names.filter((name) => RECORDING_NAME.test(name)).sort();
}

/**
 * Every recording in `dir` (files named `<operationId>.<status>.json`), in name order. A file that
 * is not one (a link, too big, not JSON, the wrong shape) is a RecordingFileError naming it.
 */
export function readRecordings(dir: string): Array<{ file: string; recording: Recording }> {
  return recordingNames(dir).map((name) => {
    const file = path.join(dir, name);
    return { file, recording: parseRecording(readRegularFile(file), file) };
  });
}

/** A regular file's text, never through a link, at most MAX_RECORDING_BYTES. */
function readRegularFile(file: string): string {
  let fd: number;
  try {
    if (lstatSync(file).isSymbolicLink())
      throw new RecordingFileError(file, "is a link; recordings are read from regular files only");
    fd = openSync(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch (error) {
    if (error instanceof RecordingFileError) throw error;
    throw new RecordingFileError(
      file,
      `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new RecordingFileError(file, "is not a regular file");
    if (stat.size > MAX_RECORDING_BYTES)
      throw new RecordingFileError(file, `is ${stat.size} bytes, over the ${MAX_RECORDING_BYTES} a recording may have`);
    return readFileSync(fd, "utf8");
  } finally {
    closeSync(fd);
  }
}

const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;
const VERDICTS = new Set(["pass", "fail", "not-checked", "error"]);

/** A recording from its text, shape checked; `file` names it in the error. */
function parseRecording(text: string, file: string): Recording {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new RecordingFileError(file, `is not JSON (${(error as Error).message.slice(0, 200)})`);
  }
  const bad = (why: string) => new RecordingFileError(file, `is not a recording: ${why}`);
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw bad("not a JSON object");
  const r = parsed as Record<string, unknown>;
  const own = (name: string) => (Object.hasOwn(r, name) ? r[name] : undefined);
  const text_ = (name: string, pattern?: RegExp, max = 8192): string => {
    const value = own(name);
    if (typeof value !== "string" || value.length > max || (pattern && !pattern.test(value)))
      throw bad(
        `${name} must be ${pattern ? `a string of the form ${pattern.source}` : `a string of at most ${max} characters`}`,
      );
    return value;
  };
  const operationId = text_("operationId", /^[A-Za-z][A-Za-z0-9_-]{0,99}$/);
  const method = text_("method", /^[A-Za-z]{1,16}$/);
  const requestPath = text_("path");
  const status = own("status");
  if (typeof status !== "number" || !Number.isInteger(status) || status < 100 || status > 599)
    throw bad("status must be an HTTP status (an integer from 100 to 599)");
  const contentType = own("contentType");
  if (contentType !== null && (typeof contentType !== "string" || !MEDIA_TYPE.test(contentType)))
    throw bad("contentType must be null or a media type such as application/json");
  const recordedAt = text_("recordedAt", undefined, 100);
  const label = text_("label", undefined, 200);
  if (!Object.hasOwn(r, "body")) throw bad("body is missing");
  const verdict = own("verdict");
  if (typeof verdict !== "string" || !VERDICTS.has(verdict))
    throw bad(`verdict must be one of ${[...VERDICTS].join(", ")}`);
  const listed = own("violations");
  if (!Array.isArray(listed)) throw bad("violations must be an array");
  const violations = listed.map((v: unknown, i) => {
    const o = v as Record<string, unknown> | null;
    const field = (name: string) =>
      o !== null && typeof o === "object" && !Array.isArray(o) && Object.hasOwn(o, name) ? o[name] : undefined;
    const [where, at, message, source] = [field("in"), field("path"), field("message"), field("source")];
    if (
      typeof where !== "string" ||
      (at !== null && typeof at !== "string") ||
      typeof message !== "string" ||
      typeof source !== "string"
    ) {
      throw bad(`violations/${i} must be { in, path, message, source } (strings; path may be null)`);
    }
    return { in: where, path: at, message, source };
  });
  return {
    operationId,
    method,
    path: requestPath,
    status,
    contentType,
    recordedAt,
    label,
    body: r.body,
    verdict,
    violations,
  };
}
