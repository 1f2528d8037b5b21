// A mock nothing can kill: requests Prism 5.12 cannot read (it throws outside any catch, and the
// process hosting it dies) are answered 400 with a problem body by the guard in front of it, and
// the mock keeps serving. Checked in a child process (where a crash would show as its exit) and in
// this one (the answers themselves).
import type { ChildProcess } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { malformedBody, malformedRequest } from "../src/tools/mock/answers";
import { addRecordedExamples, MAX_RECORDED_DEPTH } from "../src/tools/mock/recorded-examples";
import { bundledSpec } from "../src/tools/spec/bundled-spec";
import { BASIC, TASK_ID } from "./support/constants";
import { repoRoot } from "./support/spec";
import { start } from "./support/children";

const { startMockServer, readRecordedExamples } = require(
  path.join(repoRoot, "dist/cjs/src/mock.js"),
) as typeof import("../src/mock");

const FORM = "application/x-www-form-urlencoded";
const CLAIM = `/operations-manager/tasks/${TASK_ID}/claim`;
const SECRET = "client-s3cret-never-echoed";

/** Requests that ended the process before the guard, and others it answers the same way. */
const malformed: Array<[what: string, path: string, init: RequestInit]> = [
  ["a form body `%`", "/oauth/token", { headers: { "Content-Type": FORM }, body: "%" }],
  ["a form body `%zz=1`", "/oauth/token", { headers: { "Content-Type": FORM }, body: "%zz=1" }],
  // In UTF-7, `+ACU-` is `%`: Prism decodes the body in its charset, the guard must not read UTF-8 past it.
  [
    "a UTF-7 form body `+ACU-`",
    "/oauth/token",
    { headers: { "Content-Type": `${FORM}; charset=utf-7` }, body: "+ACU-" },
  ],
  // Prism's parser takes the last of two charsets.
  [
    "a UTF-7 form body behind a first charset=utf-8",
    "/oauth/token",
    { headers: { "Content-Type": `${FORM}; charset=utf-8; charset=utf-7` }, body: "+ACU-" },
  ],
  [
    "a form body with a bad escape beside a secret",
    "/oauth/token",
    {
      headers: { "Content-Type": FORM },
      body: `grant_type=client_credentials&client_id=%E0%A4%A&client_secret=${SECRET}`,
    },
  ],
  [
    "a multipart part name `%`",
    "/oauth/token",
    {
      headers: { "Content-Type": "multipart/form-data; boundary=B" },
      body: '--B\r\nContent-Disposition: form-data; name="%"\r\n\r\nx\r\n--B--\r\n',
    },
  ],
  ["JSON that does not parse", "/login", { headers: { "Content-Type": "application/json" }, body: '{"user":' }],
  [
    "JSON that does not parse, to finish",
    "/operations-manager/jobs/6745f1c2a9b3d84e2c7f0a15/tasks/3b7e/finish",
    { headers: { "Content-Type": "application/json", Authorization: BASIC }, body: "{taskData" },
  ],
  [
    "a path parameter with a bad escape",
    "/operations-manager/tasks/%E0%A4%A/claim",
    { headers: { Authorization: BASIC } },
  ],
  ["an Accept that is no media range", CLAIM, { headers: { Authorization: BASIC, Accept: "%%%/???" } }],
  ["a Content-Type that is no media type", CLAIM, { headers: { Authorization: BASIC, "Content-Type": "%%%" } }],
];

async function problemOf(response: Response) {
  return {
    status: response.status,
    type: response.headers.get("content-type"),
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe("startMockServer() in a child process", () => {
  let child: ChildProcess;
  let url: string;
  let exited: Promise<number | null>;

  beforeAll(async () => {
    const mock = pathToFileURL(path.join(repoRoot, "dist/esm/src/mock.js")).href;
    const script = `const { startMockServer } = await import(${JSON.stringify(mock)}); const s = await startMockServer(); console.log("url " + s.url);`;
    child = start(process.execPath, ["--input-type=module", "-e", script], { cwd: repoRoot });
    exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
    let output = "";
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the mock did not start within 30 s:\n${output}`)), 30_000);
      child.stdout!.on("data", (chunk: Buffer) => {
        output += chunk.toString("utf8");
        const m = /^url (\S+)$/m.exec(output);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
      void exited.then((code) => reject(new Error(`the mock exited (${code}) before listening:\n${output}`)));
    });
  }, 40_000);

  afterAll(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await exited;
    }
  });

  it("answers every malformed request 4xx, then still answers a claim, and is still alive", async () => {
    const statuses: Array<[string, number]> = [];
    for (const [what, p, init] of malformed) {
      const response = await fetch(url + p, { method: "POST", ...init, signal: AbortSignal.timeout(10_000) });
      await response.arrayBuffer();
      statuses.push([what, response.status]);
    }
    expect(statuses.filter(([, status]) => status < 400 || status >= 500)).toEqual([]);
    const claim = await fetch(url + CLAIM, { method: "POST", headers: { Authorization: BASIC } });
    expect(claim.status).toBe(200);
    expect(((await claim.json()) as { data: { _id: string } }).data._id).toBeDefined();
    expect([child.exitCode, child.signalCode]).toEqual([null, null]);
  }, 60_000);
});

describe("the guard's answers (in this process)", () => {
  let mock: Awaited<ReturnType<typeof startMockServer>>;
  beforeAll(async () => {
    mock = await startMockServer();
  });
  afterAll(() => mock.close());

  it.each(malformed)(
    "%s: 400 application/problem+json naming what was wrong, never the body",
    async (_what, p, init) => {
      const problem = await problemOf(await fetch(mock.url + p, { method: "POST", ...init }));
      expect(problem.status).toBe(400);
      expect(problem.type).toBe("application/problem+json");
      expect(problem.body).toMatchObject({
        status: 400,
        title: expect.stringMatching(/^Malformed request/),
        detail: expect.stringContaining(new URL(mock.url + p).pathname),
      });
      expect(JSON.stringify(problem.body)).not.toContain(SECRET);
    },
  );

  it("a body over Prism's 10 MB limit is 413, as a problem", async () => {
    const problem = await problemOf(
      await fetch(mock.url + "/login", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: `"${"x".repeat(10 * 1024 * 1024)}"`,
      }),
    );
    expect([problem.status, problem.type]).toEqual([413, "application/problem+json"]);
  });

  it("passes well-formed requests through unchanged: a form token request, a JSON login, Prism's own 400 and 401", async () => {
    const form = new URLSearchParams({
      grant_type: "client_credentials",
      client_id: "svc",
      client_secret: SECRET,
    }).toString();
    const token = await fetch(mock.url + "/oauth/token", {
      method: "POST",
      headers: { "Content-Type": FORM },
      body: form,
    });
    expect([token.status, ((await token.json()) as { token_type: string }).token_type]).toEqual([200, "bearer"]);
    const login = await fetch(mock.url + "/login", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "text/plain" },
      body: JSON.stringify({ user: { username: "u", password: "p" } }),
    });
    expect([login.status, login.headers.get("content-type")]).toEqual([200, expect.stringContaining("text/plain")]);
    await login.arrayBuffer();
    const invalid = await fetch(mock.url + "/operations-manager/tasks/not-a-uuid/claim", {
      method: "POST",
      headers: { Authorization: BASIC },
    });
    expect([invalid.status, invalid.headers.get("sl-violations")]).toEqual([400, expect.stringContaining('"path"')]);
    await invalid.arrayBuffer();
    const anonymous = await fetch(mock.url + CLAIM, { method: "POST" });
    expect(anonymous.status).toBe(401);
    await anonymous.arrayBuffer();
  });
});

describe("what the guard reads as malformed", () => {
  const body = (text: string) => text;
  it("form bodies: a % that starts no UTF-8 escape, in a name or a value; not a well-formed form", () => {
    for (const bad of ["%", "%zz=1", "a=%", "a=%E0%A4%A", "%C3%28=1"])
      expect([bad, malformedBody(FORM, body(bad))]).toEqual([bad, expect.any(String)]);
    for (const good of ["a=1&b=%20+x", "client_secret=%25%26", "=&&==", ""])
      expect([good, malformedBody(`${FORM}; charset=utf-8`, body(good))]).toEqual([good, undefined]);
  });
  it("JSON bodies (application/json and +json) must parse; other media types are Prism's to judge", () => {
    expect(malformedBody("application/json", body("{"))).toMatch(/not JSON/);
    expect(malformedBody("application/problem+json", body("nope"))).toMatch(/not JSON/);
    expect(malformedBody("application/json", body('"%"'))).toBeUndefined();
    expect(malformedBody("text/plain", body("{%"))).toBeUndefined();
    expect(malformedBody(`${FORM}; charset=utf-7`, body("+ACU-"))).toMatch(/charset "utf-7" is not taken/);
    expect(malformedBody('application/json; charset="UTF-16"', body("{}"))).toMatch(/charset/);
    expect(malformedBody("application/json; charset=UTF-8", body("{}"))).toBeUndefined();
    expect(malformedBody(`${FORM}; charset=utf-8; charset=utf-7`, body("+ACU-"))).toMatch(/charset "utf-7"/);
    expect(malformedBody(`${FORM}; charset='utf-7'`, body("+ACU-"))).toMatch(/charset "utf-7"/);
  });
  it("paths, Accept and Content-Type", () => {
    expect(malformedRequest("/a/%zz/b", undefined, undefined)).toMatch(/path/);
    expect(
      malformedRequest("/a/%25/b", "application/json, text/*;q=0.5, */*", "application/json; charset=utf-8"),
    ).toBeUndefined();
    expect(malformedRequest("/a", "text/html; level", undefined)).toMatch(/Accept/);
    expect(malformedRequest("/a", "application/json,,", undefined)).toMatch(/Accept/);
    expect(malformedRequest("/a", undefined, "application/json;;")).toMatch(/Content-Type/);
  });
});

describe("a recording nested too deep for the mock", () => {
  const write = (dir: string, depth: number) => {
    let body = "1";
    for (let i = 0; i < depth; i++) body = `{"a":${body}}`;
    const recording = `{"operationId":"claimTask","method":"POST","path":"/recorded","status":200,"contentType":"application/json","recordedAt":"2026-12-06T06:00:00.000Z","label":"deep","body":${body},"verdict":"fail","violations":[]}`;
    writeFileSync(path.join(dir, "claimTask.200.json"), recording);
  };
  it("is refused at start, naming its file (not a bare RangeError of Prism's recursion); the MSW handlers refuse it alike", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "deep-recording-"));
    try {
      write(dir, 100_000);
      const file = path.join(dir, "claimTask.200.json");
      const started = startMockServer({ examples: dir });
      await expect(started).rejects.toMatchObject({
        code: "ERR_RECORDING_TOO_DEEP",
        message: expect.stringContaining(file),
      });
      await expect(started).rejects.toThrow(/nests deeper than \d+ levels/);
      const spec = structuredClone(bundledSpec());
      expect(() => addRecordedExamples(spec, readRecordedExamples(dir), () => {})).toThrow(file);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
  it("one as deep as the bound is served", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "deep-recording-"));
    const mock = await (async () => {
      write(dir, MAX_RECORDED_DEPTH - 1);
      return startMockServer({ examples: dir });
    })().finally(() => rmSync(dir, { recursive: true, force: true }));
    try {
      const res = await fetch(mock.url + CLAIM, {
        method: "POST",
        headers: { Authorization: BASIC, Prefer: "example=recorded-deep" },
      });
      expect(res.status).toBe(200);
      expect(JSON.stringify(await res.json())).toContain('{"a":{"a":1}}');
    } finally {
      await mock.close();
    }
  }, 60_000);
});
