// Recordings are untrusted input, and recording writes are exclusive (issue 27, files): a table of
// hostile recording files read by `verify --from` and by the mock, a table of planted links and
// taken names for `--record DIR`, and DIR itself checked before any call. In-process, except the
// mock, which is the built package's (as users get it).
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  ftruncateSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { MAX_RECORDING_BYTES, readRecordings, recordingFile, RecordingFileError } from "../src/tools/recording/format";
import { recordDirProblem, writeExclusive } from "../src/tools/recording/record-dir";
import { writeRecordings } from "../src/tools/recording/write-recordings";
import { verifyCommand } from "../src/tools/verify/command";
import { UsageError } from "../src/tools/usage";
import { claimAnswer } from "./support/constants";
import { recordingOf } from "./support/recordings";
import { repoRoot } from "./support/spec";

const { startMockServer } = require(path.join(repoRoot, "dist/cjs/src/mock.js")) as typeof import("../src/mock");

const valid = recordingOf();
const PROTO_KEYS = ["__proto__", "constructor", "prototype"];
const polluted = () =>
  PROTO_KEYS.concat(["examples", "polluted", "content", "200", "application/json", "recorded-lab"]).filter(
    (k) => k in {} && k !== "constructor" && k !== "__proto__",
  );

let root: string;
beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), "recording-files-"));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
/** A fresh folder holding `files` (name → text). */
function folder(files: Record<string, string>): string {
  const dir = path.join(root, `d${++n}`);
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}
const replaced = (name: string, value: unknown) =>
  JSON.stringify({ ...valid, [name]: "\u0000" }).replace('"\\u0000"', JSON.stringify(value) ?? "null");

/** Files that are not recordings: each is refused naming it, whoever reads it. */
const hostile: Array<[string, string]> = [
  ["not JSON", "{ not json"],
  ["empty", ""],
  ["binary", "\u0000\u0001\uFFFD"],
  ["a JSON array", "[]"],
  ["JSON null", "null"],
  ["a JSON string", '"claimTask"'],
  ["contentType __proto__ (reached Object.prototype through the mock)", replaced("contentType", "__proto__")],
  ["contentType constructor", replaced("contentType", "constructor")],
  ["contentType prototype", replaced("contentType", "prototype")],
  ["contentType an object", replaced("contentType", { __proto__: 1 })],
  ["contentType a number", replaced("contentType", 42)],
  ["status __proto__", replaced("status", "__proto__")],
  ["status a string", replaced("status", "200")],
  ["status out of range", replaced("status", 2000)],
  ["status a fraction", replaced("status", 200.5)],
  ["operationId __proto__", replaced("operationId", "__proto__")],
  ["operationId with a path", replaced("operationId", "../../etc/passwd")],
  ["operationId an array", replaced("operationId", ["claimTask"])],
  ["method an object", replaced("method", { toString: "POST" })],
  ["path a number", replaced("path", 1)],
  ["label an object", replaced("label", { __proto__: { polluted: 1 } })],
  ["label huge", replaced("label", "x".repeat(10_000))],
  ["verdict unknown", replaced("verdict", "constructor")],
  ["violations an object", replaced("violations", { length: 1e9 })],
  ["violations with a wrong member", replaced("violations", [{ in: "body", path: 5, message: "m", source: "s" }])],
  ["violations holding null", replaced("violations", [null])],
  ["no body", JSON.stringify({ ...valid, body: undefined })],
  [
    "operationId only as a __proto__ member",
    JSON.stringify(valid).replace('"operationId":"claimTask"', '"__proto__":{"operationId":"claimTask"}'),
  ],
];

describe("hostile recordings are refused, naming the file; the process is unaffected", () => {
  it.each(hostile)("verify --from: %s", async (_what, text) => {
    const dir = folder({ "claimTask.200.json": text });
    expect(() => readRecordings(dir)).toThrow(RecordingFileError);
    expect(() => readRecordings(dir)).toThrow(path.join(dir, "claimTask.200.json"));
    const out: string[] = [];
    const run = verifyCommand(["--from", dir], {}, { out: (t) => out.push(t), err: (t) => out.push(t) });
    await expect(run).rejects.toThrow(UsageError);
    await expect(run).rejects.toThrow(/^--from: .*claimTask\.200\.json/);
    expect(out).toEqual([]);
    expect(polluted()).toEqual([]);
  });

  it.each(hostile)("the mock: %s", async (_what, text) => {
    const dir = folder({ "claimTask.200.json": text });
    await expect(startMockServer({ examples: dir })).rejects.toThrow(path.join(dir, "claimTask.200.json"));
    expect(polluted()).toEqual([]);
  });

  it("a file over the size bound, a link (dangling, to a recording outside, to /etc/passwd) and a folder under a recording's name are refused", async () => {
    const outside = folder({ "claimTask.200.json": JSON.stringify(valid) });
    const cases: Array<[string, (dir: string) => void, RegExp]> = [
      [
        "huge",
        (dir) => {
          const fd = openSync(path.join(dir, "claimTask.200.json"), "w");
          ftruncateSync(fd, MAX_RECORDING_BYTES + 1); // sparse: nothing is really written
          closeSync(fd);
        },
        /over the/,
      ],
      [
        "a link to a recording outside",
        (dir) => symlinkSync(path.join(outside, "claimTask.200.json"), path.join(dir, "claimTask.200.json")),
        /is a link/,
      ],
      [
        "a dangling link",
        (dir) => symlinkSync(path.join(root, "nowhere.json"), path.join(dir, "claimTask.200.json")),
        /is a link/,
      ],
      ["a link to /etc/passwd", (dir) => symlinkSync("/etc/passwd", path.join(dir, "claimTask.200.json")), /is a link/],
      ["a folder", (dir) => mkdirSync(path.join(dir, "claimTask.200.json")), /not a regular file|cannot be read/],
    ];
    for (const [what, plant, why] of cases) {
      const dir = folder({});
      plant(dir);
      expect([what, () => readRecordings(dir)]).toEqual([what, expect.any(Function)]);
      expect(() => readRecordings(dir)).toThrow(why);
      await expect(startMockServer({ examples: dir })).rejects.toThrow(path.join(dir, "claimTask.200.json"));
    }
    expect(polluted()).toEqual([]);
  });

  it("prototype members at several depths of a body are plain members: read as they are, served, and Object.prototype untouched", async () => {
    const body = JSON.parse(
      JSON.stringify({
        ...claimAnswer,
        data: {
          ...(claimAnswer.data as object),
          variables: { incoming: { x: { y: { z: 1 } } }, outgoing: {}, decorators: [] },
        },
      })
        .replace(
          '"message":',
          '"__proto__":{"polluted":"top"},"constructor":{"prototype":{"polluted":"ctor"}},"message":',
        )
        .replace('"z":1', '"z":1,"__proto__":{"polluted":"deep"},"prototype":{"polluted":"deep2"}'),
    );
    const dir = folder({
      "claimTask.200.json": JSON.stringify({ ...valid, body }).replace(
        '"label":"lab"',
        '"label":"lab","__proto__":{"polluted":"recording"}',
      ),
    });
    const { recording } = readRecordings(dir)[0]!;
    expect(Object.getPrototypeOf(recording)).toBe(Object.prototype);
    expect(Object.hasOwn(recording.body as object, "__proto__")).toBe(true);
    expect(((recording.body as any).data.variables.incoming.x.y as object).hasOwnProperty("prototype")).toBe(true);
    expect(polluted()).toEqual([]);
    const mock = await startMockServer({ examples: dir });
    try {
      const answer = await fetch(`${mock.url}/operations-manager/tasks/${(claimAnswer.data as any)._id}/claim`, {
        method: "POST",
        headers: { Authorization: "Basic YTpi", Prefer: "example=recorded-lab" },
      });
      expect(answer.status).toBe(200);
      await answer.text();
    } finally {
      await mock.close();
    }
    expect(polluted()).toEqual([]);
    expect(({} as any).polluted).toBeUndefined();
  });

  it("after every refusal above, a new mock starts and answers", async () => {
    const mock = await startMockServer();
    try {
      const answer = await fetch(`${mock.url}/operations-manager/tasks/${(claimAnswer.data as any)._id}/claim`, {
        method: "POST",
        headers: { Authorization: "Basic YTpi" },
      });
      expect(answer.status).toBe(200);
      await answer.text();
    } finally {
      await mock.close();
    }
  });
});

describe("--record DIR writes exclusively", () => {
  const recording = (operationId: string, status: number) => ({ ...valid, operationId, status });
  const names = ["claimTask.200.json", "finishManualTask.200.json", "report.json"];

  it.each(names)(
    "a link planted at %s (dangling, or to a file outside DIR) is never written through; the rest is written",
    (planted) => {
      for (const kind of ["dangling", "existing"] as const) {
        const dir = folder({});
        const target = path.join(root, `target-${n}-${kind}.txt`);
        if (kind === "existing") writeFileSync(target, "precious");
        symlinkSync(target, path.join(dir, planted));
        const { failures } = writeRecordings(dir, [recording("claimTask", 200), recording("finishManualTask", 200)]);
        expect(failures).toEqual([
          expect.stringContaining(`${path.join(dir, planted)} was not written (a link is there`),
        ]);
        if (kind === "existing") expect(readFileSync(target, "utf8")).toBe("precious");
        else expect(existsSync(target)).toBe(false);
        for (const other of names.filter((name) => name !== planted))
          expect(JSON.parse(readFileSync(path.join(dir, other), "utf8"))).toBeTruthy();
      }
    },
  );

  it.each(names)("an existing file at %s is never written over", (taken) => {
    const dir = folder({ [taken]: "keep me" });
    const { failures } = writeRecordings(dir, [recording("claimTask", 200), recording("finishManualTask", 200)]);
    expect(failures).toEqual([expect.stringContaining(`${path.join(dir, taken)} was not written (a file is there`)]);
    expect(readFileSync(path.join(dir, taken), "utf8")).toBe("keep me");
  });

  it.each([
    ["../escape", 200],
    ["a/b", 200],
    ["..", 200],
    ["claimTask", 2000],
    ["claimTask", -1],
    ["claim\u0000Task", 200],
    ["", 200],
  ] as const)("a hostile name (operationId %j, status %j) never makes a file outside DIR", (operationId, status) => {
    expect(() => recordingFile(operationId, status)).toThrow(RangeError);
    const dir = folder({});
    const { failures } = writeRecordings(dir, [recording(operationId, status)]);
    expect(failures).toEqual([expect.stringMatching(/^not a recording's file name/)]);
    expect(readdirSync(dir)).toEqual(["report.json"]);
    expect(readdirSync(path.dirname(dir)).filter((name) => name.includes("escape"))).toEqual([]);
  });

  it("writeExclusive takes a plain file name only", () => {
    const dir = folder({});
    for (const name of ["../x.json", "sub/x.json", "..", "."])
      expect(() => writeExclusive(dir, name, "x")).toThrow(/not a plain file name/);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe("--record DIR is checked before any call", () => {
  it("DIR as an existing file, under a file, or holding recordings or a report (a link included) is refused; a new DIR is made", () => {
    const file = path.join(root, "a-file");
    writeFileSync(file, "x");
    expect(recordDirProblem(file)).toMatch(/is not a folder/);
    expect(recordDirProblem(path.join(file, "sub"))).toMatch(/not a folder|cannot create/);
    expect(recordDirProblem(folder({ "claimTask.200.json": "{}" }))).toMatch(/already holds claimTask\.200\.json/);
    const linked = folder({});
    symlinkSync(path.join(root, "nowhere"), path.join(linked, "report.json"));
    expect(recordDirProblem(linked)).toMatch(/already holds report\.json/);
    const fresh = path.join(root, "new", "nested");
    expect(recordDirProblem(fresh)).toBeUndefined();
    expect(readdirSync(fresh)).toEqual([]);
    expect(recordDirProblem(folder({ "notes.txt": "mine" }))).toBeUndefined();
  });
});
