// `verify --record DIR`: each answer the platform gave is written as a recording
// (DIR/<operationId>.<status>.json) with verify's verdict, and DIR/report.json says where each
// departs from the contract. Nothing secret is written: credentials and tokens are scrubbed in
// every form (the package's redactor), values that name people are replaced by placeholders, and
// no request header is kept.
import {
  accessSync,
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  statSync,
  writeSync,
} from "node:fs";
import path from "node:path";
import { parseMediaType } from "../../util/media-type.js";
import { bundledSpec, deref, findOperation, isObject, operations, type Json } from "../spec/bundled-spec.js";
import { createRedactor } from "../../errors/redaction/redactor.js";
import { driftOf } from "./drift.js";
import { MAX_RECORDING_BYTES, RECORDING_NAME, recordingFile, type RecordedAnswer, type Recording } from "./format.js";
import { personalScrubber } from "./personal.js";
import { parseJson } from "../../util/values.js";

export type { RecordedAnswer } from "./format.js";

export interface Verdict {
  result: string;
  violations: Recording["violations"];
}

/** One line of DIR/report.json. */
export interface DriftEntry {
  file: string;
  operationId: string;
  status: number;
  verdict: string;
  /** The contract's violations: what broke (`body /data/name`, `status`…) and how. */
  violations: string[];
  /** `pointer: JSON type` of each member the contract does not declare. */
  undeclared: string[];
  /** Each optional member the contract declares that the answer left out. */
  missingOptional: string[];
  /** How many of each there are: each list above holds the first MAX_LISTED_PER_ANSWER only. */
  counts: { violations: number; undeclared: number; missingOptional: number };
}

/** How many items of each list an answer's drift entry holds (report.json stays bounded whatever an answer holds). */
export const MAX_LISTED_PER_ANSWER = 200;

/** The recording of an answer, scrubbed: secrets in every form, then people's values. */
export function toRecording(
  answer: RecordedAnswer,
  verdict: Verdict,
  label: string,
  secrets: readonly string[],
  personal: ReturnType<typeof personalScrubber>,
  recordedAt = new Date(),
): Recording {
  const redact = createRedactor([...secrets]);
  const text = answer.contentType !== null && answer.contentType.toLowerCase().startsWith("text/");
  const parsed = parseJson(answer.text);
  let body: unknown;
  if (isTokenStep(answer.operationId)) {
    // What a token step receives is a credential, wherever the platform put it (the client's own
    // rule): an answer that is not a JSON object (text, a JSON string, a form) is or holds the
    // token; a JSON one keeps only its structure. The placeholder is one the contract's token
    // patterns take, so --from still judges it a token.
    body =
      parsed !== null && typeof parsed === "object"
        ? credentialStructure(parsed, declaredNames(answer.operationId))
        : TOKEN_PLACEHOLDER;
  } else if (parsed !== undefined && typeof parsed === "object") {
    // JSON, whatever its media type says: its members are scrubbed; kept as text if it came as text.
    const scrubbed = personal(redact(parsed));
    body = text ? JSON.stringify(scrubbed) : scrubbed;
  } else {
    body = text || parsed === undefined ? redact(answer.text) : redact(parsed);
  }
  return {
    operationId: answer.operationId,
    method: answer.method,
    path: redact(answer.path),
    status: answer.status,
    contentType: answer.contentType === null ? null : redact(answer.contentType).toLowerCase(),
    recordedAt: recordedAt.toISOString(),
    label,
    body,
    verdict: verdict.result,
    violations: redact(verdict.violations),
  };
}

const TOKEN_PLACEHOLDER = "REDACTED";

/**
 * A token step's JSON answer with no value that could be a credential: every string becomes the
 * placeholder, a member name the contract does not declare for the step's answers (it may be a
 * token used as a key) becomes a numbered one, and a number too long to be a lifetime
 * (expires_in) becomes 0. Its structure stays, for --from and the drift report; below 8 levels
 * it is the placeholder.
 */
function credentialStructure(value: unknown, declared: ReadonlySet<string>, depth = 8): unknown {
  if (typeof value === "string") return TOKEN_PLACEHOLDER;
  if (typeof value === "number") return Math.abs(value) < 1e10 ? value : 0;
  if (value === null || typeof value !== "object") return value;
  if (depth <= 0) return TOKEN_PLACEHOLDER;
  if (Array.isArray(value)) return value.map((item) => credentialStructure(item, declared, depth - 1));
  const copy: Record<string, unknown> = {};
  let renamed = 0;
  for (const [name, member] of Object.entries(value)) {
    const key = declared.has(name) ? name : `undeclared-member-${++renamed}`;
    Object.defineProperty(copy, key, {
      value: credentialStructure(member, declared, depth - 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}

/** Every member name the contract declares anywhere in an operation's answers ($refs followed). */
function declaredNames(operationId: string): Set<string> {
  const spec = bundledSpec();
  const names = new Set<string>();
  const seen = new Set<Json>();
  const walk = (node: Json | undefined): void => {
    const resolved = deref(spec, node);
    if (resolved === undefined || resolved === null || typeof resolved !== "object" || seen.has(resolved)) return;
    seen.add(resolved);
    if (isObject(resolved) && isObject(resolved.properties))
      for (const name of Object.keys(resolved.properties)) names.add(name);
    for (const child of Object.values(resolved)) walk(child);
  };
  walk(findOperation(spec, operationId).operation.responses);
  return names;
}

/** The operations that get a token (the spec's Authentication tag). */
function isTokenStep(operationId: string): boolean {
  try {
    return ((findOperation(bundledSpec(), operationId).operation.tags as string[] | undefined) ?? []).includes(
      "Authentication",
    );
  } catch {
    return false;
  }
}

/** Where a recording departs from the contract: its violations, undeclared members, optional members left out. */
export function driftEntry(file: string, recording: Recording): DriftEntry {
  const violations = recording.violations.map((v) => `${v.in}${v.path ? ` ${v.path}` : ""}: ${v.message}`);
  const mediaType =
    parseMediaType(recording.contentType) ?? (typeof recording.body === "string" ? "text/plain" : "application/json");
  const drift = driftOf(recording.operationId, recording.status, mediaType, recording.body);
  const first = (items: string[]) => items.slice(0, MAX_LISTED_PER_ANSWER);
  return {
    file,
    operationId: recording.operationId,
    status: recording.status,
    verdict: recording.verdict,
    violations: first(violations),
    undeclared: first(drift.undeclared),
    missingOptional: first(drift.missingOptional),
    counts: {
      violations: violations.length,
      undeclared: drift.undeclared.length,
      missingOptional: drift.missingOptional.length,
    },
  };
}

/**
 * A folder checked to take a recording session, held open: every file is created in the folder
 * that was checked, never in whatever DIR names later (DIR swapped for a link while the calls run).
 */
export interface RecordDir {
  readonly path: string;
  /** Creates `name` in the checked folder, exclusively; throws naming the file. */
  write(name: string, text: string): void;
  close(): void;
}

/**
 * Opens `dir` for a recording session, or says why it cannot take one: it is (or is made) a folder
 * this process can write, not a link, holding no recording and no report.json yet (nothing is
 * ever written over). Called before any call is made: the calls are real and cannot be repeated.
 */
export function openRecordDir(dir: string): RecordDir | string {
  const link = `${JSON.stringify(dir)} is a link; recordings are written in a real folder only`;
  try {
    // lstat first: a link at DIR itself (dangling or not) would carry every file to its target.
    if (lstatSync(dir).isSymbolicLink()) return link;
  } catch {
    // Nothing there yet: made below.
  }
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "EEXIST" || code === "ENOTDIR"
      ? `${JSON.stringify(dir)} is not a folder`
      : `cannot create the folder ${JSON.stringify(dir)} (${code ?? (error as Error).message})`;
  }
  let fd: number | undefined;
  let checked: { dev: number; ino: number };
  try {
    const stat = lstatSync(dir);
    if (stat.isSymbolicLink()) return link;
    if (!stat.isDirectory()) return `${JSON.stringify(dir)} is not a folder`;
    accessSync(dir, constants.W_OK | constants.X_OK);
    checked = { dev: stat.dev, ino: stat.ino };
    // Held open (no link followed): where /proc/self/fd exists, files are created through it, in
    // this very folder whatever DIR's name points to later (Node has no openat).
    if (constants.O_DIRECTORY !== undefined && constants.O_NOFOLLOW !== undefined) {
      fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
      const held = fstatSync(fd);
      if (held.dev !== checked.dev || held.ino !== checked.ino)
        throw Object.assign(new Error("replaced while checked"), { code: "ECHANGED" });
    }
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    return `cannot write in the folder ${JSON.stringify(dir)} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
  const taken = readdirSync(dir).filter((name) => name === REPORT || RECORDING_NAME.test(name));
  if (taken.length > 0) {
    if (fd !== undefined) closeSync(fd);
    return `${JSON.stringify(dir)} already holds ${taken.slice(0, 3).join(", ")}${taken.length > 3 ? ", …" : ""}: recordings are never written over; pick a new folder`;
  }
  const viaFd = fd !== undefined && sameFolder(`/proc/self/fd/${fd}`, checked) ? `/proc/self/fd/${fd}` : undefined;
  return {
    path: dir,
    write(name, text) {
      if (viaFd === undefined) {
        // No way to name the open folder: DIR must still be it, not a link, right before each file.
        let now: ReturnType<typeof lstatSync> | undefined;
        try {
          now = lstatSync(dir);
        } catch {
          now = undefined;
        }
        if (!now || now.isSymbolicLink() || now.dev !== checked.dev || now.ino !== checked.ino) {
          throw new Error(
            `${path.join(dir, name)} was not written (${JSON.stringify(dir)} is no longer the folder checked before the calls)`,
          );
        }
      }
      try {
        writeExclusive(dir, name, text, viaFd);
      } catch (error) {
        // Through the held folder, ENOENT means it was deleted (a folder deleted takes no new file).
        if (viaFd !== undefined && (error as Error).message.includes("(ENOENT;"))
          throw new Error(`${path.join(dir, name)} was not written (the folder checked before the calls is gone)`);
        throw error;
      }
    },
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

function sameFolder(where: string, checked: { dev: number; ino: number }): boolean {
  try {
    const stat = statSync(where);
    return stat.isDirectory() && stat.dev === checked.dev && stat.ino === checked.ino;
  } catch {
    return false;
  }
}

/** Why `dir` cannot take a recording session, or undefined when it can (openRecordDir, closed again). */
export function recordDirProblem(dir: string): string | undefined {
  const opened = openRecordDir(dir);
  if (typeof opened === "string") return opened;
  opened.close();
  return undefined;
}

const REPORT = "report.json";

/**
 * Creates `dir/name` and writes `text` to it, exclusively: never through a link (dangling or not),
 * never over a file, never outside `dir` (`name` is a plain file name). `openAt`, when given, is
 * the path the file is created under instead (the held folder's /proc/self/fd entry); `dir`
 * still names it in errors. Throws naming the file.
 */
export function writeExclusive(dir: string, name: string, text: string, openAt = dir): void {
  if (name !== path.basename(name) || name === "." || name === "..")
    throw new Error(`not a plain file name: ${JSON.stringify(name)}`);
  const file = path.join(dir, name);
  const created = path.join(openAt, name);
  let fd: number;
  try {
    fd = openSync(
      created,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0),
      0o644,
    );
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    let what = code ?? (error as Error).message;
    try {
      if (lstatSync(created).isSymbolicLink()) what = "a link is there";
      else what = "a file is there";
    } catch {
      // Nothing there after all: the code says why.
    }
    throw new Error(`${file} was not written (${what}; recordings are never written over or through links)`);
  }
  try {
    const bytes = Buffer.from(text, "utf8");
    for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at);
  } finally {
    closeSync(fd);
  }
}

/** The drift of a set of answers, in three sections, each sorted, deduplicated and counted. */
export interface DriftReport {
  /** Whether anything needs action: a violation (the contract is broken) or an undeclared member (the contract may need it). */
  needsAction: boolean;
  /** What breaks the contract. */
  violations: Array<{ operationId: string; status: number; violation: string }>;
  /** The members the platform sends that the contract does not declare: paths collapsed (`*`), with their JSON types. */
  undeclared: Array<{ operationId: string; status: number; member: string }>;
  /** The optional members the contract declares that the answers left out. */
  optionalLeftOut: Array<{ operationId: string; status: number; member: string }>;
  /** False when an answer held more than its entry lists (MAX_LISTED_PER_ANSWER; its `counts` say how many). */
  complete: boolean;
}

const byPlace =
  <T extends { operationId: string; status: number }>(key: (t: T) => string) =>
  (a: T, b: T) =>
    a.operationId.localeCompare(b.operationId) || a.status - b.status || key(a).localeCompare(key(b));

function unique<T>(items: T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => (seen.has(key(item)) ? false : (seen.add(key(item)), true)));
}

/** The three sections from the drift of each answer. */
export function driftReport(entries: readonly DriftEntry[]): DriftReport {
  const place = (e: DriftEntry) => ({ operationId: e.operationId, status: e.status });
  const violations = unique(
    entries.flatMap((e) => e.violations.map((violation) => ({ ...place(e), violation }))),
    (v) => `${v.operationId} ${v.status} ${v.violation}`,
  ).sort(byPlace((v) => v.violation));
  const undeclared = unique(
    entries.flatMap((e) => e.undeclared.map((member) => ({ ...place(e), member }))),
    (v) => `${v.operationId} ${v.status} ${v.member}`,
  ).sort(byPlace((v) => v.member));
  const optionalLeftOut = unique(
    entries.flatMap((e) => e.missingOptional.map((member) => ({ ...place(e), member }))),
    (v) => `${v.operationId} ${v.status} ${v.member}`,
  ).sort(byPlace((v) => v.member));
  const complete = entries.every(
    (e) =>
      !e.counts ||
      (e.counts.violations <= e.violations.length &&
        e.counts.undeclared <= e.undeclared.length &&
        e.counts.missingOptional <= e.missingOptional.length),
  );
  return {
    needsAction: violations.length > 0 || undeclared.length > 0,
    violations,
    undeclared,
    optionalLeftOut,
    complete,
  };
}

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

/** The operation a request was for, by its method and path against the spec's path templates. */
export function operationFor(method: string, requestPath: string): string | undefined {
  for (const { path: template, method: m, operation } of operations(bundledSpec())) {
    if (m.toUpperCase() !== method.toUpperCase()) continue;
    const pattern = new RegExp(
      `^${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\?\{[^}]+\\?\}/g, "[^/]+")}$`,
    );
    if (pattern.test(requestPath)) return operation.operationId as string;
  }
  return undefined;
}
