// The one rule for when dist/ is rebuilt (scripts/lib/build-stamp.cjs, used by ensure-built.mjs and
// build.mjs --if-stale), in-process on a temporary folder laid out as the repository is.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { STAMP, isStale } from "../scripts/lib/build-stamp.cjs";

// What dist/ is made from (a nested folder among them), listed here rather than read from INPUTS,
// so that dropping one fails.
const inputs = [
  "src/index.ts",
  "src/nested/deep.ts",
  "generated/openapi.json",
  "tsconfig.build.json",
  "package.json",
  "scripts/build.mjs",
];
const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
let root: string;

/** Writes a file of the fake repository with the given modification time. */
function file(name: string, at: Date) {
  const full = path.join(root, name);
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, "");
  utimesSync(full, at, at);
}

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "om-contract-build-stamp-"));
  // Every input written at t(0).
  for (const name of inputs) file(name, t(0));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("isStale", () => {
  it("is stale with no build, and current once the stamp is newer than every input", () => {
    expect(isStale(root)).toBe(true);
    file(STAMP, t(10));
    expect(isStale(root)).toBe(false);
  });

  it.each(inputs)("is stale again once %s is newer than the stamp", (input) => {
    file(STAMP, t(10));
    file(input, t(20));
    expect(isStale(root)).toBe(true);
  });

  it("a new file in an input folder makes it stale; a newer file elsewhere does not", () => {
    file(STAMP, t(10));
    file("README.md", t(20));
    file("test/x.test.ts", t(20));
    expect(isStale(root)).toBe(false);
    file("generated/new.ts", t(20));
    expect(isStale(root)).toBe(true);
  });

  it("an input that does not exist is no reason to rebuild", () => {
    rmSync(path.join(root, "tsconfig.build.json"));
    file(STAMP, t(10));
    expect(isStale(root)).toBe(false);
  });
});
