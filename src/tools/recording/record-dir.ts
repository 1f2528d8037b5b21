// A recording session's folder: checked before any call is made, held open, and written only
// exclusively (never over a file, never through a link, never outside the folder checked).
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
import { RECORDING_NAME } from "./format.js";

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

export const REPORT = "report.json";

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
