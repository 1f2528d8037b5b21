// operations-manager-tasks-contract/msw: the contract's mock as MSW handlers, no Prism. Held to the
// Prism mock over the whole matrix (every operation × declared status × example × media type, and
// the mistakes: a bad id, a bad body, a JSON null, no credentials, an unknown scenario or code):
// same status, same media type, same body. Neither can drift alone. msw 2's dependencies are ESM
// only, which jest's CommonJS cannot load: the MSW side runs in one child process
// (support/msw-runner.mjs) with the built handlers, and this file judges what it reports.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { builtinModules } from "node:module";
import path from "node:path";
import { run } from "./support/children";
import { BASIC, claimAnswer, finishAnswer, JOB_ID, TASK_ID, TASK_KEY } from "./support/constants";
import { reachable } from "./support/reachable";
import { recordingOf } from "./support/recordings";
import { deref, loadSpec, operations, parameterExample, repoRoot, type JsonObject } from "./support/spec";

const { startMockServer } = require(path.join(repoRoot, "dist/cjs/src/mock.js")) as typeof import("../src/mock");

const BASE = "https://om.test";
const spec = loadSpec();

const prism = () => {
  const url = process.env.OM_MOCK_URL;
  if (!url) throw new Error("OM_MOCK_URL is not set: the jest global setup did not start Prism");
  return url;
};

interface Probe {
  name: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** POST unless given. */
  method?: string;
  /** The body's `PAD` replaced, in the runner, by this many `a`s (a body too large for an environment variable). */
  pad?: number;
}

/** A valid request of each operation, from the spec: its parameters' and request body's examples, Basic where it needs credentials. */
function validRequests(): Array<{
  operationId: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  responses: JsonObject;
}> {
  const out = [];
  for (const { path: template, operation } of operations(spec)) {
    const operationId = operation.operationId as string;
    const url = template.replace(/\{([^}]+)\}/g, (_m, name: string) =>
      encodeURIComponent(String(parameterExample(spec, operationId, name))),
    );
    const headers: Record<string, string> = {};
    const security = (operation.security ?? spec.security) as unknown[];
    if (security.length) headers.Authorization = BASIC;
    let body: string | undefined;
    const requestBody = deref(spec, operation.requestBody) as JsonObject | undefined;
    if (requestBody) {
      const [type, media] = Object.entries(requestBody.content as JsonObject)[0]!;
      const example = (deref(spec, Object.values((media as JsonObject).examples as JsonObject)[0]) as JsonObject).value;
      headers["Content-Type"] = type;
      body =
        type === "application/x-www-form-urlencoded"
          ? new URLSearchParams(example as Record<string, string>).toString()
          : JSON.stringify(example);
    }
    out.push({ operationId, path: url, headers, body, responses: operation.responses as JsonObject });
  }
  return out;
}

/** The matrix: each operation with no Prefer, each declared status, each of its examples, in each media type it answers. */
function matrix(): Probe[] {
  const probes: Probe[] = [];
  for (const r of validRequests()) {
    probes.push({ name: `${r.operationId} (no Prefer)`, ...r });
    for (const [status, response] of Object.entries(r.responses)) {
      const content = ((deref(spec, response) as JsonObject).content ?? {}) as JsonObject;
      probes.push({
        name: `${r.operationId} code=${status}`,
        ...r,
        headers: { ...r.headers, Prefer: `code=${status}` },
      });
      for (const [type, media] of Object.entries(content)) {
        for (const example of Object.keys(((media as JsonObject).examples ?? {}) as JsonObject)) {
          probes.push({
            name: `${r.operationId} code=${status} example=${example} (${type})`,
            ...r,
            headers: { ...r.headers, Accept: type, Prefer: `code=${status}, example=${example}` },
          });
          if (/^2/.test(status))
            probes.push({
              name: `${r.operationId} example=${example} (${type})`,
              ...r,
              headers: { ...r.headers, Accept: type, Prefer: `example=${example}` },
            });
        }
      }
    }
  }
  return probes;
}

/** Mistakes, each answered by both mocks. */
const claimPath = `/operations-manager/tasks/${TASK_ID}/claim`;
const finishPath = `/operations-manager/jobs/${JOB_ID}/tasks/${TASK_KEY}/finish`;
const json = { "Content-Type": "application/json", Authorization: BASIC };
/** A mistake in a finish call: its body sent with these headers. */
const finishing = (name: string, headers: Record<string, string>, body: string): Probe => ({
  name,
  path: finishPath,
  headers,
  body,
});
const mistakes: Probe[] = [
  { name: "a bad task id", path: "/operations-manager/tasks/not-a-uuid/claim", headers: { Authorization: BASIC } },
  { name: "a bad job id and key", path: "/operations-manager/jobs/NOPE/tasks/a%20b/finish", headers: json, body: "{}" },
  finishing("a JSON null finish body", json, "null"),
  finishing("a misspelt member", json, '{"taskdata":{}}'),
  finishing("taskData not an object", json, '{"taskData":[1]}'),
  { name: "no credentials, claim", path: claimPath, headers: {} },
  finishing("no credentials, finish, asking for 500", { "Content-Type": "application/json", Prefer: "code=500" }, "{}"),
  { name: "a scheme the contract does not name", path: claimPath, headers: { Authorization: "Digest abc" } },
  { name: "an empty Basic", path: claimPath, headers: { Authorization: "Basic" } },
  { name: "a bearer token", path: claimPath, headers: { Authorization: "Bearer abc" } },
  { name: "the login cookie", path: claimPath, headers: { Cookie: "token=abc" } },
  { name: "the login query parameter", path: `${claimPath}?token=abc`, headers: {} },
  {
    name: "a token request as JSON",
    path: "/oauth/token",
    headers: { "Content-Type": "application/json" },
    body: "{}",
  },
  {
    name: "a token form without its secret",
    path: "/oauth/token",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: "grant_type=client_credentials&client_id=a",
  },
  {
    name: "a login without user",
    path: "/login",
    headers: { "Content-Type": "application/json" },
    body: '{"username":"a"}',
  },
  {
    name: "login as text",
    path: "/login",
    headers: { "Content-Type": "application/json", Accept: "text/plain" },
    body: '{"user":{"username":"a","password":"b"}}',
  },
  {
    name: "login as JSON",
    path: "/login",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: '{"user":{"username":"a","password":"b"}}',
  },
  { name: "an unknown scenario", path: claimPath, headers: { Authorization: BASIC, Prefer: "example=nope" } },
  {
    name: "a claim with a bad id and a body: both named",
    path: "/operations-manager/tasks/not-a-task/claim",
    headers: { Authorization: BASIC, "Content-Type": "application/json" },
    body: "{}",
  },
  // An empty or bare preference names nothing: a 404 listing the known ones (Prism alone answered a 422).
  ...["example=", "code=", "example", "code", 'example=""'].map((prefer) => ({
    name: `an empty preference (Prefer: ${prefer})`,
    path: claimPath,
    headers: { Authorization: BASIC, Prefer: prefer },
  })),
  { name: "an empty query preference (?__code=)", path: `${claimPath}?__code=`, headers: { Authorization: BASIC } },
  // What only the guard in front of Prism used to answer, now the preflight both mocks share.
  {
    name: "a preference given twice (the first counts)",
    path: claimPath,
    headers: { Authorization: BASIC, Prefer: "code=500, code=401" },
  },
  {
    name: "an example preference given twice",
    path: claimPath,
    headers: { Authorization: BASIC, Prefer: "example=rejected, example=approved" },
  },
  finishing("an Accept no answer's media type meets", { ...json, Accept: "text/html" }, "{}"),
  finishing("an Accept that is no media range", { ...json, Accept: "garbage" }, "{}"),
  finishing("a body behind a byte order mark", json, '\ufeff{"taskData":{}}'),
  finishing(
    "a UTF-8 body said to be UTF-16",
    { ...json, "Content-Type": "application/json; charset=utf-16" },
    '{"taskData":{}}',
  ),
  { ...finishing("a body over the 10 MB limit", json, '{"taskData":{"x":"PAD"}}'), pad: 11 * 1024 * 1024 },
  finishing("JSON that does not parse", json, '{"taskData":'),
  finishing("a Content-Type that is no media type", { ...json, "Content-Type": "json" }, "{}"),
  {
    name: "a bad escape in a path parameter",
    path: `/operations-manager/jobs/${JOB_ID}/tasks/%zz/finish`,
    headers: json,
    body: "{}",
  },
  { name: "a body to claim, which takes none", path: claimPath, headers: json, body: '{"x":1}' },
  {
    name: "a bearer scheme in lower case (RFC 9110: case-insensitive)",
    path: claimPath,
    headers: { Authorization: "bearer x" },
  },
  {
    name: "a basic scheme in upper case",
    path: claimPath,
    headers: { Authorization: BASIC.replace(/^Basic/, "BASIC") },
  },
  { name: "GET on claim's path", method: "GET", path: claimPath, headers: { Authorization: BASIC } },
  { name: "HEAD on login's path", method: "HEAD", path: "/login", headers: {} },
  { name: "OPTIONS on claim's path", method: "OPTIONS", path: claimPath, headers: {} },
  { name: "DELETE on finish's path", method: "DELETE", path: finishPath, headers: { Authorization: BASIC } },
  { name: "a path no operation has", path: "/nope", headers: {} },
  {
    name: "Prism's query form of Prefer: ?__code=500",
    path: `${claimPath}?__code=500`,
    headers: { Authorization: BASIC },
  },
  {
    name: "Prism's query form of Prefer: ?__example=rejected",
    path: `${claimPath}?__example=rejected`,
    headers: { Authorization: BASIC },
  },
  {
    name: "Prism's query form naming a code claim has not: ?__code=418",
    path: `${claimPath}?__code=418`,
    headers: { Authorization: BASIC },
  },
  {
    name: "a Prefer header wins over the query form",
    path: `${claimPath}?__code=500`,
    headers: { Authorization: BASIC, Prefer: "code=401" },
  },
  { name: "a literal segment escaped", path: finishPath.replace("/finish", "/%66inish"), headers: json, body: "null" },
];

type Answer = { status: number; type: string; body: unknown; cookie: string | null; authenticate: string | null };
type Outcome = { ok: boolean; kind?: string; status?: number; value?: unknown };
interface Report {
  pairs: Record<string, [ours: Answer, prism: Answer]>;
  checks: {
    firstClaim: boolean;
    firstClaimMs: number;
    flows: Record<string, { flow: Outcome; e500: [string, number]; e401: [string, number] }>;
    afterLoginWithoutCredentials: number;
    acceptSeen: string;
    overridden: string;
    afterReset: string;
    prefixed: boolean;
    badBaseUrls: string[];
    recordedDefault: string;
    unknownDefault: { name: string; code: string; message: string };
  };
}

const probes = [...matrix(), ...mistakes];
let report: Report;

/** Recordings (one that keeps the contract, one that breaks it), served by both mocks. */
const recorded = {
  headers: { Authorization: BASIC, "Content-Type": "application/json", Prefer: "example=recorded-field" },
};
const recordingProbes: Probe[] = [
  { name: "recorded claim", path: claimPath, headers: recorded.headers },
  { name: "recorded finish that breaks the contract", path: finishPath, headers: recorded.headers, body: "{}" },
  { name: "no Prefer, with recordings served", path: claimPath, headers: { Authorization: BASIC } },
  {
    name: "a recorded scenario an operation has not",
    path: "/oauth/token",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Prefer: "example=recorded-field" },
    body: "grant_type=client_credentials&client_id=a&client_secret=b",
  },
];
function writeRecordings(dir: string) {
  const recording = (operationId: string, body: unknown) => recordingOf({ operationId, body, label: "field" });
  writeFileSync(
    path.join(dir, "claimTask.200.json"),
    JSON.stringify(
      recording("claimTask", { ...claimAnswer, data: { ...(claimAnswer.data as JsonObject), name: "Recorded" } }),
    ),
  );
  writeFileSync(
    path.join(dir, "finishManualTask.200.json"),
    JSON.stringify(
      recording("finishManualTask", { ...finishAnswer, data: { ...(finishAnswer.data as JsonObject), name: 42 } }),
    ),
  );
}

beforeAll(async () => {
  const rejecting = await startMockServer({ example: "rejected" });
  const recordings = mkdtempSync(path.join(os.tmpdir(), "msw-recordings-"));
  writeRecordings(recordings);
  const withRecordings = await startMockServer({ examples: recordings });
  try {
    const input = {
      probes,
      base: BASE,
      prism: prism(),
      rejectingPrism: rejecting.url,
      taskId: TASK_ID,
      jobId: JOB_ID,
      taskKey: TASK_KEY,
      claimAnswer,
      recordings,
      recordingProbes,
      recordingPrism: withRecordings.url,
    };
    const result = await run(process.execPath, [path.join(repoRoot, "test/support/msw-runner.mjs")], {
      cwd: repoRoot,
      env: { REPO_ROOT: repoRoot, MSW_PROBES: JSON.stringify(input) },
    });
    if (result.code !== 0) throw new Error(`the MSW runner failed (${result.code}):\n${result.stderr}`);
    report = JSON.parse(result.stdout) as Report;
  } finally {
    await Promise.all([rejecting.close(), withRecordings.close()]);
    rmSync(recordings, { recursive: true, force: true });
  }
}, 120_000);

describe("the MSW handlers answer as the Prism mock, over the whole matrix", () => {
  it("covers every operation, every declared status and every named example", () => {
    const names = probes.map((p) => p.name).join("\n");
    for (const { operation } of operations(spec)) {
      for (const status of Object.keys(operation.responses as JsonObject))
        expect(names).toContain(`${operation.operationId} code=${status}`);
    }
    for (const scenario of ["approved", "rejected", "jobError", "reference"])
      expect(names).toContain(`claimTask example=${scenario}`);
    expect(probes.length).toBeGreaterThan(40);
  });

  it.each(probes.map((p) => [p.name]))("%s", (name) => {
    const [ours, theirs] = report.pairs[name]!;
    expect(ours).toEqual(theirs);
  });

  it("a body refused whole (none expected) still names what the path broke, in both mocks", () => {
    const [ours, theirs] = report.pairs["a claim with a bad id and a body: both named"]!;
    expect(ours).toEqual(theirs);
    expect(JSON.stringify(ours)).toMatch(/takes no request body; path parameter taskId must match pattern/);
  });

  it.each(validRequests().map((r) => [r.operationId]))(
    "with example \"rejected\", %s's default answer is the Prism mock's with the same option",
    (operationId) => {
      const [ours, theirs] = report.pairs[`example rejected: ${operationId} (no Prefer)`]!;
      expect(ours).toEqual(theirs);
    },
  );
});

describe("recordings (readRecordedExamples from ./mock, then createHandlers({ examples })) are served as the Prism mock serves them", () => {
  it.each(recordingProbes.map((p) => [p.name]))("%s", (name) => {
    const [ours, theirs] = report.pairs[`recordings: ${name}`]!;
    expect(ours).toEqual(theirs);
  });

  it("the broken recording is answered as recorded, and the recorded scenario is a default", () => {
    expect(
      (report.pairs["recordings: recorded finish that breaks the contract"]![0].body as { data: JsonObject }).data.name,
    ).toBe(42);
    expect(report.checks.recordedDefault).toBe("Recorded");
  });
});

describe("createHandlers, in process with msw/node", () => {
  it("answers the first claim in the same breath as createHandlers (the bench times it)", () => {
    expect(report.checks.firstClaim).toBe(true);
  });

  it.each(["OAuth", "login", "Basic"])(
    "with %s: claim → claim again with task._id → finish, the rejected scenario chained, a 500 and a 401 per call",
    (name) => {
      expect(report.checks.flows[name]).toEqual({
        flow: { ok: true, value: { chained: true, rejectedState: "failure" } },
        e500: ["http", 500],
        e401: ["http", 401],
      });
    },
  );

  it("a login's Set-Cookie does not ride on later requests (answered with a plain Response, not through MSW's cookie store)", () => {
    expect(report.checks.afterLoginWithoutCredentials).toBe(401);
  });

  it("a request through MSW may carry no Accept: it is answered as */* (the login probes above compare it with Prism)", () => {
    expect(["null", "*/*"]).toContain(report.checks.acceptSeen);
  });

  it("a test's server.use answer comes first, and resetHandlers brings the contract's back", () => {
    expect([report.checks.overridden, report.checks.afterReset]).toEqual([
      "overridden",
      (claimAnswer.data as JsonObject).name,
    ]);
  });

  it("serves below a base URL's path", () => {
    expect(report.checks.prefixed).toBe(true);
  });
  it("a baseUrl that is no URL is a TypeError; an unknown default scenario a RangeError naming the known ones", () => {
    expect(report.checks.badBaseUrls).toEqual(["TypeError", "TypeError", "TypeError", "TypeError"]);
    expect(report.checks.unknownDefault).toMatchObject({ name: "RangeError", code: "ERR_UNKNOWN_EXAMPLE" });
    expect(report.checks.unknownDefault.message).toContain("approved");
  });

  it("the handlers module and all it imports use no Node built-in (msw/browser can serve them)", () => {
    const bare = new Set<string>();
    const seen = reachable(path.join(repoRoot, "dist/esm/src/msw.js"), (file) => {
      const code = readFileSync(file, "utf8");
      const specs = [
        ...code.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?from\s*["']([^"']+)["']/g),
        ...code.matchAll(/import\(\s*["']([^"']+)["']\s*\)/g),
      ].map(([, spec]) => spec!);
      for (const spec of specs) if (!spec.startsWith(".")) bare.add(spec);
      return specs.filter((spec) => spec.startsWith(".")).map((spec) => path.resolve(path.dirname(file), spec));
    });
    expect(seen.size).toBeGreaterThan(5);
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    expect([...bare].filter((m) => m.startsWith("node:") || builtins.has(m))).toEqual([]);
    expect([...bare].sort()).toEqual(["msw"]);
  });
});
