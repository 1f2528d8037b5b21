// Kept for tests written against the old path while other branches merge: run() lives in
// children.ts, the one helper every child process of a test goes through. Import from there.
export { run, type Run, type RunOptions } from "./children";
