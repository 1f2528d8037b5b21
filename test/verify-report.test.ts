// verify's report (issue 30) and its verdicts on hostile answers (issue 27), in-process: `--from`
// on recordings (the same report as --record), the three sections and the line above them, and
// classify on answers shaped like Prism's own violations problem with members of any type.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { UsageError } from "../src/tools/usage";
import { classify, type Outcome } from "../src/tools/verify/classify";
import { verifyCommand } from "../src/tools/verify/command";
import { driftReportLines } from "../src/tools/verify/report";
import { driftReport, type DriftEntry } from "../src/tools/recording/drift";
import { claimAnswer, finishAnswer } from "./support/constants";
import { recordingOf } from "./support/recordings";

const recording = (operationId: string, status: number, body: unknown) =>
  recordingOf({ operationId, status, body, path: `/recorded/${operationId}` });

let root: string;
beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), "verify-report-"));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function from(files: Record<string, unknown>, ...flags: string[]) {
  const dir = path.join(root, `from-${Math.random().toString(36).slice(2)}`);
  mkdirSync(dir);
  for (const [name, value] of Object.entries(files))
    writeFileSync(path.join(dir, name), typeof value === "string" ? value : JSON.stringify(value));
  const out: string[] = [];
  const err: string[] = [];
  const code = await verifyCommand(["--from", dir, ...flags], {}, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, stdout: out.join("\n"), stderr: err.join("\n"), dir };
}

describe("verify --from: the same report as --record", () => {
  it("names a member added to a recording, under the line that says action is needed", async () => {
    const claim = { ...claimAnswer, data: { ...(claimAnswer.data as object), addedByPlatform: { nested: 1 } } };
    const { code, stdout } = await from({
      "claimTask.200.json": recording("claimTask", 200, claim),
      "finishManualTask.200.json": recording("finishManualTask", 200, finishAnswer),
    });
    expect(code).toBe(0); // an undeclared member breaks no contract: every operation passes
    const lines = stdout.split("\n");
    expect(lines).toContain("2 passed, 0 failed, 0 not checked, 0 errors");
    expect(lines).toContain(
      "drift: action needed: 1 undeclared member to review (the platform sends more than the contract declares)",
    );
    expect(lines.slice(lines.indexOf("undeclared members (1):"), lines.indexOf("undeclared members (1):") + 2)).toEqual(
      ["undeclared members (1):", "  claimTask 200 /data/addedByPlatform: object"],
    );
    expect(lines).toContain("violations (0)");
    expect(
      lines.filter((l) =>
        /^optional members left out \(\d+, which the contract allows; --verbose lists them\)$/.test(l),
      ),
    ).toHaveLength(1);
  });

  it("the report's sections come in order, each sorted and counted; --verbose lists the optional members; a violation needs action", async () => {
    const broken = { ...finishAnswer, data: { ...(finishAnswer.data as object), name: 42 } };
    const files = {
      "finishManualTask.200.json": recording("finishManualTask", 200, broken),
      "claimTask.200.json": recording("claimTask", 200, claimAnswer),
    };
    const { code, stdout } = await from(files, "--verbose");
    expect(code).toBe(1);
    const lines = stdout.split("\n");
    const at = (prefix: string) => lines.findIndex((l) => l.startsWith(prefix));
    expect(lines[at("drift:")]).toBe("drift: action needed: 1 violation to fix (the platform breaks the contract)");
    expect([at("drift:"), at("violations ("), at("undeclared members ("), at("optional members left out (")]).toEqual(
      [...[at("drift:"), at("violations ("), at("undeclared members ("), at("optional members left out (")]].sort(
        (a, b) => a - b,
      ),
    );
    expect(lines[at("violations (") + 1]).toBe("  finishManualTask 200 body /data/name: must be string");
    const optional = lines.slice(at("optional members left out (") + 1);
    const count = Number(/\((\d+),/.exec(lines[at("optional members left out (")]!)![1]);
    expect(optional).toHaveLength(count);
    expect(optional).toEqual(
      [...optional].sort((a, b) => {
        const [oa, sa, pa] = a.trim().split(" ");
        const [ob, sb, pb] = b.trim().split(" ");
        return oa!.localeCompare(ob!) || Number(sa) - Number(sb) || pa!.localeCompare(pb!);
      }),
    );
  });

  it("--json carries the same sections", async () => {
    const claim = { ...claimAnswer, data: { ...(claimAnswer.data as object), addedByPlatform: true } };
    const { stdout } = await from({ "claimTask.200.json": recording("claimTask", 200, claim) }, "--json");
    const report = JSON.parse(stdout);
    expect(report.recorded).toMatchObject({
      needsAction: true,
      violations: [],
      undeclared: [{ operationId: "claimTask", status: 200, member: "/data/addedByPlatform: boolean" }],
    });
    expect(Array.isArray(report.recorded.optionalLeftOut)).toBe(true);
  });

  it.each([
    ["an empty folder", {}],
    ["a folder with other files only", { "report.json": "{}", "notes.txt": "x", "claimTask.json": "{}" }],
  ])("%s is bad usage: a UsageError (exit 2) naming the folder, nothing printed", async (_what, files) => {
    const run = from(files);
    await expect(run).rejects.toThrow(UsageError);
    await expect(run).rejects.toThrow(/^--from: no recordings in ".*from-[a-z0-9]+"/);
  });
});

describe("the drift report's words", () => {
  const entry = (over: Partial<DriftEntry>): DriftEntry => ({
    file: "f",
    operationId: "claimTask",
    status: 200,
    verdict: "pass",
    violations: [],
    undeclared: [],
    missingOptional: [],
    counts: { violations: 0, undeclared: 0, missingOptional: 0 },
    ...over,
  });

  it("nothing to do is said so; duplicates across answers are listed once; optional members folded to a count", () => {
    const quiet = driftReport([
      entry({ missingOptional: ["/data/b", "/data/a"] }),
      entry({ file: "g", missingOptional: ["/data/a"] }),
    ]);
    expect(quiet.needsAction).toBe(false);
    expect(quiet.optionalLeftOut.map((m) => m.member)).toEqual(["/data/a", "/data/b"]);
    expect(driftReportLines(quiet, false)).toEqual([
      "drift: no action needed: no violation, no undeclared member",
      "violations (0)",
      "undeclared members (0)",
      "optional members left out (2, which the contract allows; --verbose lists them)",
    ]);
  });
});

describe("classify: an answer shaped like Prism's violations problem, members of any type, always a verdict", () => {
  const request = { method: "POST", path: "/operations-manager/tasks/x/claim" };
  const context = { defaulted: [] as const, check: "OM_USERNAME/OM_PASSWORD", secrets: [] };
  const problem = (validation: unknown, extra: object = {}): Outcome => {
    const text = JSON.stringify({
      type: "https://stoplight.io/prism/errors#VIOLATIONS",
      title: "Request/Response not valid",
      validation,
      ...extra,
    });
    return {
      response: new Response(text, { status: 500, headers: { "content-type": "application/problem+json" } }),
      text,
      upstreamStatus: 200,
    };
  };
  it.each([
    ["validation a number", 5],
    ["validation a string", "response"],
    ["validation an object", { length: 3 }],
    ["validation null", null],
    ["an entry null", [null]],
    ["an entry a string", ["x"]],
    ["location an object, message an object", [{ location: { 0: "response" }, message: { text: "m" } }]],
    ["location holding objects, message a number", [{ location: ["response", "body", { a: 1 }, null], message: 7 }]],
    ["location a string", [{ location: "response", message: "m" }]],
    ["message missing", [{ location: ["response", "body", "data"] }]],
  ])("%s", (_what, validation) => {
    const verdict = classify("claimTask", request, problem(validation), context);
    expect(["pass", "fail", "not-checked", "error"]).toContain(verdict.result);
    expect(verdict.status).toBe(200);
    for (const v of verdict.violations) expect(typeof v.message).toBe("string");
  });

  it("no answer from the platform is an ERROR naming it, whatever status Prism passed on", () => {
    const text = "the tap got no answer";
    const verdict = classify(
      "claimTask",
      request,
      {
        response: new Response(text, { status: 502 }),
        text,
        upstreamStatus: 502,
        noAnswer: "connection refused (127.0.0.1:1, ECONNREFUSED)",
      },
      context,
    );
    expect(verdict).toMatchObject({
      result: "error",
      status: null,
      error: "no answer from the platform: connection refused (127.0.0.1:1, ECONNREFUSED)",
    });
  });
});
