// verify --record against a hostile platform and a hostile folder (review findings F6-F9), each
// defended as a class: DIR is a link or becomes one while the calls run; our own processing of an
// answer throws (a person's member nested 200,000 deep); an answer inflates without bound (a gzip
// bomb); a line printed as its call ends quotes a person only a later answer names. The tap and
// the folder are driven in-process; the bin end to end against a fake platform on 127.0.0.1.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { MAX_RECORDING_BYTES } from "../src/tools/recording/format";
import { personalScrubber } from "../src/tools/recording/personal";
import { driftEntry, driftReport, MAX_LISTED_PER_ANSWER } from "../src/tools/recording/drift";
import { openRecordDir, recordDirProblem } from "../src/tools/recording/record-dir";
import { writeRecordings } from "../src/tools/recording/write-recordings";
import { startTap, type NotTaken, type Tapped } from "../src/tools/recording/tap";
import { classify } from "../src/tools/verify/classify";
import { verifyCommand } from "../src/tools/verify/command";
import { driftReportLines, PRINTED_PER_LIST, resultLines } from "../src/tools/verify/report";
import { UsageError } from "../src/tools/usage";
import { run as runCommand } from "./support/children";
import { claimAnswer } from "./support/constants";
import { recordingOf } from "./support/recordings";
import { startRecordingServer } from "./support/recording-server";
import { repoRoot } from "./support/spec";

let root: string;
beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), "record-hostile-"));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = (name = "d") => path.join(root, `${name}${++n}`);

const recording = (operationId: string, status: number) => recordingOf({ operationId, status });

describe("F6: --record DIR is never written through a link at DIR itself, before or during the calls", () => {
  it("DIR a link (to a folder, dangling, to a link) is refused before any call, exit 2, nothing written in its target", async () => {
    const target = fresh("target");
    mkdirSync(target);
    const dangling = fresh("dangling");
    const links = [fresh("link"), fresh("link"), fresh("link")];
    symlinkSync(target, links[0]!);
    symlinkSync(dangling, links[1]!);
    symlinkSync(links[0]!, links[2]!);
    const platform = await startRecordingServer();
    try {
      for (const link of links) {
        expect(recordDirProblem(link)).toMatch(/is a link; recordings are written in a real folder only/);
        const out: string[] = [];
        await expect(
          verifyCommand(
            ["--upstream", platform.url, "--record", link],
            { OM_AUTH: "none" },
            { out: (t) => out.push(t), err: (t) => out.push(t) },
          ),
        ).rejects.toThrow(UsageError);
        expect(out).toEqual([]);
      }
      expect(platform.requests).toEqual([]);
      expect(readdirSync(target)).toEqual([]);
      expect(existsSync(dangling)).toBe(false);
    } finally {
      await platform.close();
    }
  });

  it("DIR swapped for a link after the check (deleted, or moved away): no file lands in the link's target", () => {
    for (const swap of ["deleted", "moved"] as const) {
      const dir = fresh();
      const target = fresh("target");
      mkdirSync(target);
      const opened = openRecordDir(dir);
      if (typeof opened === "string") throw new Error(opened);
      const moved = fresh("moved");
      try {
        if (swap === "deleted") rmSync(dir, { recursive: true });
        else renameSync(dir, moved);
        symlinkSync(target, dir);
        const { failures, written } = writeRecordings(opened, [
          recording("claimTask", 200),
          recording("finishManualTask", 200),
        ]);
        expect(readdirSync(target)).toEqual([]);
        // Into the folder checked (it still exists where it was moved), or not at all, said so.
        const landed = swap === "moved" ? readdirSync(moved) : [];
        expect(landed.length + failures.length).toBe(3);
        expect(written).toBe(landed.filter((f) => f !== "report.json").length);
        for (const failure of failures)
          expect(failure).toMatch(
            /was not written \((the folder checked before the calls is gone|.* is no longer the folder checked before the calls)\)/,
          );
      } finally {
        opened.close();
      }
    }
  });
});

/** A platform answering `claim` (status 200) with whatever `answer` writes. */
async function platformWith(answer: Parameters<Awaited<ReturnType<typeof startRecordingServer>>["answer"]>[0]) {
  const platform = await startRecordingServer();
  platform.answer(answer);
  return platform;
}

/** A request through a tap to `upstream`; what the tap's hooks heard, and what it answered. */
async function throughTap(upstream: string, onAnswer: (a: Tapped) => void, maxBytes?: number) {
  const notTaken: NotTaken[] = [];
  const noAnswers: string[] = [];
  const tap = await startTap(upstream, onAnswer, 20_000, {
    onNoAnswer: (f) => noAnswers.push(f.reason),
    onNotTaken: (a) => notTaken.push(a),
    ...(maxBytes ? { maxBytes } : {}),
  });
  try {
    const response = await fetch(`${tap.url}/operations-manager/tasks/x/claim`, { method: "POST" });
    return { status: response.status, text: await response.text(), notTaken, noAnswers };
  } finally {
    await tap.close();
  }
}

describe("F7: our own processing of an answer throws: the answer was received, and is said so", () => {
  it("onAnswer throwing: the answer is still relayed, reported as not taken, never as no answer", async () => {
    const platform = await platformWith((_req, res) =>
      res.writeHead(200, { "Content-Type": "application/json" }).end('{"ok":true}'),
    );
    try {
      const heard = await throughTap(platform.url, () => {
        throw new RangeError("Maximum call stack size exceeded");
      });
      expect([heard.status, heard.text, heard.noAnswers]).toEqual([200, '{"ok":true}', []]);
      expect(heard.notTaken).toEqual([
        {
          method: "POST",
          path: "/operations-manager/tasks/x/claim",
          status: 200,
          failed: "RangeError: Maximum call stack size exceeded",
        },
      ]);
    } finally {
      await platform.close();
    }
  });

  it("a person's member nested 200,000 deep becomes one placeholder, walked without recursion", () => {
    let deep = "1";
    for (let i = 0; i < 200_000; i++) deep = `[${deep}]`;
    const personal = personalScrubber();
    const scrubbed = personal(
      JSON.parse(`{"data":{"email":${deep},"username":[[["jane.roe"]]]}}`) as { data: Record<string, unknown> },
    );
    expect(scrubbed.data.email).toMatch(/^person-\d+@example\.com$/);
    expect(scrubbed.data.username).toMatch(/^username-\d+$/);
    expect(personal.inText("held by jane.roe")).toBe(`held by ${scrubbed.data.username as string}`);
  });

  it("an answer too deep to write is named as not written, never a crash; the rest is written", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    const dir = fresh();
    mkdirSync(dir);
    const { failures, written } = writeRecordings(dir, [
      { ...recording("claimTask", 200), body: { data: deep } },
      recording("finishManualTask", 200),
    ]);
    expect(failures).toEqual([expect.stringMatching(/claimTask\.200\.json was not written \(.*call stack/)]);
    expect(written).toBe(1);
    expect(readdirSync(dir).sort()).toEqual(["finishManualTask.200.json", "report.json"]);
  });
});

describe("F8: the tap reads an answer through a decoded-size bound", () => {
  it("a gzip answer inflating past the bound: reading stops, reported as the platform's too-large answer, never given to onAnswer", async () => {
    const bomb = gzipSync(Buffer.alloc(8 * 1024 * 1024));
    const platform = await platformWith((_req, res) =>
      res.writeHead(200, { "Content-Type": "application/json", "Content-Encoding": "gzip" }).end(bomb),
    );
    try {
      const answers: Tapped[] = [];
      const heard = await throughTap(platform.url, (a) => answers.push(a), 1024 * 1024);
      expect(answers).toEqual([]);
      expect(heard.noAnswers).toEqual([]);
      expect(heard.notTaken).toEqual([
        { method: "POST", path: "/operations-manager/tasks/x/claim", status: 200, tooLarge: 1024 * 1024 },
      ]);
      expect(heard.status).toBe(502);
    } finally {
      await platform.close();
    }
  });

  it("by default the bound is what a recording may hold, and memory stays near it (1 GB inflated from ~1 MB)", async () => {
    // Gzip members concatenated decode as one stream: 16 × 64 MB of zeros.
    const member = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    const bomb = Buffer.concat(Array.from({ length: 16 }, () => member));
    const platform = await platformWith((_req, res) =>
      res.writeHead(200, { "Content-Type": "application/json", "Content-Encoding": "gzip" }).end(bomb),
    );
    try {
      const before = process.resourceUsage().maxRSS * 1024;
      const heard = await throughTap(platform.url, () => {});
      expect(heard.notTaken).toEqual([expect.objectContaining({ status: 200, tooLarge: MAX_RECORDING_BYTES })]);
      expect(process.resourceUsage().maxRSS * 1024 - before).toBeLessThan(512 * 1024 * 1024);
    } finally {
      await platform.close();
    }
  });

  it("classify: the platform's status, ERROR answer too large, not 'no answer'", () => {
    const verdict = classify(
      "claimTask",
      { method: "POST", path: "/p" },
      {
        response: new Response("x", { status: 502 }),
        text: "x",
        upstreamStatus: 502,
        tooLarge: { status: 200, maxBytes: 10 },
      },
      { defaulted: [], secrets: [] },
    );
    expect(verdict).toMatchObject({
      status: 200,
      result: "error",
      error: expect.stringMatching(/^answer too large \(over 10 bytes\)/),
    });
  });
});

describe("the bin end to end (Prism, a child process)", () => {
  const ids = [
    "--task-id",
    "7c1e5b2a-94d3-4f6e-8a0b-3d2c1f9e8b47",
    "--job-id",
    "6745f1c2a9b3d84e2c7f0a15",
    "--task-key",
    "3b7e",
  ];
  const verify = (url: string, dir: string) =>
    runCommand(
      process.execPath,
      ["scripts/cli.mjs", "verify", "--upstream", url, ...ids, "--record", dir, "--timeout", "30"],
      {
        cwd: repoRoot,
        env: {
          OM_AUTH: "none",
          OM_CLIENT_ID: undefined,
          OM_CLIENT_SECRET: undefined,
          OM_USERNAME: undefined,
          OM_PASSWORD: undefined,
        },
        timeout: 90_000,
      },
    );

  it("F9: a person a later answer names is in no line printed, nor in any file", async () => {
    const platform = await platformWith((req, res) => {
      const json = (status: number, body: unknown) =>
        res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(body));
      if (req.url.endsWith("/claim")) return json(500, { message: "task is held by jane.roe, ask her" });
      json(500, { message: "boom", data: { owner: { username: "jane.roe" } } });
    });
    const dir = fresh();
    try {
      const run = await verify(platform.url, dir);
      expect(run.code).toBe(1);
      const files = readdirSync(dir)
        .map((f) => readFileSync(path.join(dir, f), "utf8"))
        .join("\n");
      expect(run.stdout + run.stderr + files).not.toContain("jane.roe");
      // What the platform said is printed, scrubbed, once every answer is in.
      expect(run.stdout).toMatch(/^NOT CHECKED claimTask .* → 500 \(details below\)$/m);
      expect(run.stdout).toMatch(/^details:\nNOT CHECKED claimTask .* → 500: "task is held by username-\d+, ask her"/m);
    } finally {
      await platform.close();
    }
  }, 120_000);

  it("F7 and F8: a deep person's member and a gzip bomb are the platform's answers, judged; no 'no answer'", async () => {
    let deep = "1";
    for (let i = 0; i < 200_000; i++) deep = `[${deep}]`;
    const bomb = gzipSync(Buffer.alloc(MAX_RECORDING_BYTES + 1024 * 1024));
    const platform = await platformWith((req, res) => {
      if (req.url.endsWith("/claim"))
        return res
          .writeHead(200, { "Content-Type": "application/json" })
          .end(`{"message":"ok","data":{"email":${deep}},"metadata":{}}`);
      res.writeHead(200, { "Content-Type": "application/json", "Content-Encoding": "gzip" }).end(bomb);
    });
    const dir = fresh();
    try {
      const run = await verify(platform.url, dir);
      expect(run.code).toBe(1);
      expect(run.stdout).not.toMatch(/no answer/);
      expect(run.stdout).toMatch(/^FAIL claimTask .* → 200 \(details below\)$/m);
      expect(run.stdout).toMatch(/^ERROR finishManualTask .* → 200: answer too large \(over 67108864 bytes\)/m);
      expect(JSON.parse(readFileSync(path.join(dir, "claimTask.200.json"), "utf8")).body.data.email).toMatch(
        /^person-\d+@example\.com$/,
      );
      expect(readdirSync(dir).sort()).toEqual(["claimTask.200.json", "report.json"]);
    } finally {
      await platform.close();
    }
  }, 120_000);
});

describe("what is printed and report.json stay bounded whatever an answer holds", () => {
  const violations = Array.from({ length: 40_000 }, (_, i) => ({
    in: "body",
    path: `/data/${i}`,
    message: "must be string",
    source: "ajv" as const,
  }));

  it("an answer with 40,000 violations: the first 20 printed and a count (all with --verbose)", () => {
    const result = {
      operationId: "claimTask",
      method: "POST",
      path: "/p",
      status: 200,
      result: "fail" as const,
      violations,
    };
    const lines = resultLines(result);
    expect(lines).toHaveLength(1 + PRINTED_PER_LIST + 1);
    expect(lines.at(-1)).toBe(`  … and ${40_000 - PRINTED_PER_LIST} more (--verbose lists them)`);
    expect(resultLines(result, true)).toHaveLength(40_001);
  });

  it("20,000 undeclared members: report.json holds the first 200 of an answer with its counts; the printed section the first 20", () => {
    const members = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`extra${i}`, i]));
    const entry = driftEntry("claimTask.200.json", {
      ...recording("claimTask", 200),
      body: { ...claimAnswer, data: { ...(claimAnswer.data as object), ...members } },
      violations,
    });
    expect(entry.counts).toEqual({ violations: 40_000, undeclared: 20_000, missingOptional: expect.any(Number) });
    expect([entry.violations.length, entry.undeclared.length]).toEqual([MAX_LISTED_PER_ANSWER, MAX_LISTED_PER_ANSWER]);
    const lines = driftReportLines(driftReport([entry]), false);
    expect(lines.length).toBeLessThan(2 * PRINTED_PER_LIST + 10);
    expect(lines).toContain(`  … and ${MAX_LISTED_PER_ANSWER - PRINTED_PER_LIST} more (--verbose lists them)`);
    expect(lines[1]).toMatch(/an answer holds more than its first 200 of a kind.*its counts there say how many/);
  });
});
