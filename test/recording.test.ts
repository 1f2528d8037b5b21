// The pieces of recording from the field, in-process: the drift of an answer from the contract
// (undeclared members, optional members left out) and the scrubbing of values that name people.
import { readFileSync } from "node:fs";
import path from "node:path";
import { driftEntry, driftOf, driftReport } from "../src/tools/recording/drift";
import { personalScrubber } from "../src/tools/recording/personal";
import { claimAnswer, finishAnswer } from "./support/constants";
import type { Recording } from "../src/tools/recording/format";
import { recordingOf } from "./support/recordings";
import { deref, loadSpec, repoRoot, type JsonObject } from "./support/spec";

const spec = loadSpec();
const fixture = (name: string) =>
  JSON.parse(readFileSync(path.join(repoRoot, "test/fixtures/real-platform", name), "utf8")) as JsonObject;
/** The drift of an operation's 200 JSON answer (the generated strict validators). */
const drift = (operationId: string, body: unknown) => driftOf(operationId, 200, "application/json", body);
const envelope = (data: unknown) => ({ message: "ok", data, metadata: {} });

describe("driftOf", () => {
  it("the spec's own examples declare every member they hold", () => {
    for (const [operationId, body] of [
      ["claimTask", claimAnswer],
      ["finishManualTask", finishAnswer],
    ] as const) {
      expect([operationId, drift(operationId, body).undeclared]).toEqual([operationId, []]);
    }
  });

  it("names exactly the members the contract does not declare, with their JSON types, map keys and indexes collapsed", () => {
    const job = structuredClone(finishAnswer.data) as any;
    // A workflow's own task (its key is a map key, not a reserved one) with two members too many.
    const own = structuredClone(job.tasks.workflow_start);
    own.metrics.server_id_x = "srv-1";
    own.transitions = { success: [{ task: "workflow_end", type: "standard", weight: 0.5 }] };
    job.tasks.beef = own;
    job.brand_new = { nested: [1] };
    const found = drift("finishManualTask", { ...finishAnswer, data: job, traceId: "abc" });
    expect(found.undeclared).toEqual([
      "/data/brand_new: object",
      "/data/tasks/*/metrics/server_id_x: string",
      "/data/tasks/*/transitions/*/*/weight: number",
      "/traceId: string",
    ]);
  });

  it("lists the optional members the answer left out, and never a required one", () => {
    const task = fixture("task-get.json") as any;
    const found = drift("claimTask", envelope(task));
    const declared = deref(spec, (spec.components as any).schemas.Task) as JsonObject;
    const optional = Object.keys(declared.properties as JsonObject).filter(
      (k) => !((declared.required as string[]) ?? []).includes(k),
    );
    const left = optional.filter((k) => !(k in task));
    expect(left.length).toBeGreaterThan(0);
    for (const k of left) expect(found.missingOptional).toContain(`/data/${k}`);
    delete task._id;
    expect(drift("claimTask", envelope(task)).missingOptional).not.toContain("/data/_id");
  });

  it("walks a body nested 20,000 levels deep without overflowing", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 20_000; i++) deep = { a: deep };
    expect(drift("claimTask", { ...envelope({}), extra: deep }).undeclared).toEqual(["/extra: object"]);
  });
});

describe("driftOf on an answer of very many undeclared members", () => {
  it("stops at the validators' bound (memory stays bounded) and says so: the entry is stopped, the report not complete", () => {
    const data: Record<string, unknown> = { ...(claimAnswer.data as Record<string, unknown>) };
    for (let i = 0; i < 150_000; i++) data[`extra${i}`] = i;
    const found = drift("claimTask", { ...claimAnswer, data });
    expect(found.stopped).toBe(true);
    expect(found.undeclared.length).toBeGreaterThan(0);
    expect(found.undeclared.length).toBeLessThanOrEqual(100);
    const entry = driftEntry("claimTask.200.json", recordingOf({ body: { ...claimAnswer, data } }));
    expect(entry.stopped).toBe(true);
    expect(driftReport([entry]).complete).toBe(false);
    // An answer within the bound is judged whole, as before.
    expect(drift("claimTask", claimAnswer).stopped).toBeUndefined();
  });
});

describe("driftOf on the real recorded jobs (test/fixtures/real-platform), against lists written by hand from the fixtures and the spec", () => {
  const jobDrift = (name: string) => drift("finishManualTask", envelope(fixture(name)));
  // Each task-map entry under its key collapsed (reserved keys included: the map is one), once.
  it("2023.1: the task entries' members JobTask does not list; reserved keys left out named as such; `type` is a listed member", () => {
    const found = jobDrift("job-2023.1-complete.json");
    expect(found.undeclared).toEqual([
      "/data/tasks/*/canvasName: string",
      "/data/tasks/*/displayName: string",
      "/data/tasks/*/endTasks: object",
      "/data/tasks/*/locationType: null",
      "/data/tasks/*/previous: object",
    ]);
    // workflow_start has no `type`: an optional member left out, not undeclared.
    expect(found.missingOptional).toEqual(
      expect.arrayContaining([
        "/data/tasks/*/type",
        "/data/tasks/error_handler",
        "/data/tasks/*/x",
        "/data/tasks/*/metrics/user",
      ]),
    );
    expect(found.missingOptional).not.toContain("/data/tasks/workflow_start");
    expect(found.missingOptional).not.toContain("/data/tasks/workflow_end");
    expect(found.missingOptional.filter((p) => /\/tasks\/(workflow_start|workflow_end|f00d)\//.test(p))).toEqual([]);
  });

  it("2021.1: also the task iteration document each entry carries (_id, job, view, metrics.retrying)", () => {
    expect(jobDrift("job-2021.1-complete.json").undeclared).toEqual([
      "/data/tasks/*/_id: string",
      "/data/tasks/*/canvasName: string",
      "/data/tasks/*/deprecated: boolean",
      "/data/tasks/*/displayName: string",
      "/data/tasks/*/endTasks: object",
      "/data/tasks/*/job: object",
      "/data/tasks/*/locationType: null",
      "/data/tasks/*/metrics/retrying: null",
      "/data/tasks/*/previous: object",
      "/data/tasks/*/view: null",
    ]);
  });

  it("a job whose error messages are objects declares every member it holds", () => {
    expect(jobDrift("job-error-object-message.json").undeclared).toEqual([]);
  });

  it("a member named `type`, `__proto__` or `constructor` the contract does not declare is named like any other, with its types joined", () => {
    const job = fixture("job-2023.1-complete.json") as any;
    job.tasks.f00d.metrics = { type: "x", __proto__: null };
    Object.defineProperty(job.tasks.f00d.metrics, "__proto__", { value: 1, enumerable: true });
    job.tasks.workflow_end.metrics.type = 5;
    job.constructor = "c";
    expect(drift("finishManualTask", envelope(job)).undeclared).toEqual(
      expect.arrayContaining([
        "/data/constructor: string",
        "/data/tasks/*/metrics/__proto__: integer",
        "/data/tasks/*/metrics/type: integer|string",
      ]),
    );
  });
});

describe("driftOf through anyOf: what passed is what is declared (Ajv's unevaluatedProperties)", () => {
  it.each([
    [
      "the platform's error envelope, a member too many",
      "getOAuthToken",
      401,
      { message: "no", extra: 1 },
      ["/extra: integer"],
    ],
    [
      "an OAuth 2 error, a member too many",
      "getOAuthToken",
      401,
      { error: "invalid_client", error_description: "d", extra: 1 },
      ["/extra: integer"],
    ],
    [
      "both error forms at once: each member declared by a branch that passed",
      "getOAuthToken",
      401,
      { error: "invalid_client", message: "both" },
      [],
    ],
    [
      "a job variable pointer with a member too many, an inline object (open), an inline array",
      "finishManualTask",
      200,
      {
        ...finishAnswer,
        data: {
          ...(finishAnswer.data as JsonObject),
          variables: { a: { location: "x", _id: "y", extra: 1 }, b: { any: { thing: 1 } }, c: [1, { z: 2 }] },
        },
      },
      ["/data/variables/*/extra: integer"],
    ],
    [
      "a user (or its id) with a member too many, in a list of ids and users",
      "finishManualTask",
      200,
      {
        ...finishAnswer,
        data: {
          ...(finishAnswer.data as JsonObject),
          created_by: { _id: "u", username: "n", extra: 2 },
          watchers: ["id", { _id: "u2", x: 1 }],
        },
      },
      ["/data/created_by/extra: integer", "/data/watchers/*/x: integer"],
    ],
  ] as const)("%s", (_what, operationId, status, body, undeclared) => {
    expect(driftOf(operationId, status, "application/json", body).undeclared).toEqual(undeclared);
  });

  it("an operation, status or media type the contract does not declare has no drift (its violations say so)", () => {
    expect(driftOf("noSuchOperation", 200, "application/json", { a: 1 })).toEqual({
      undeclared: [],
      missingOptional: [],
    });
    expect(driftOf("claimTask", 418, "application/json", { a: 1 })).toEqual({ undeclared: [], missingOptional: [] });
    expect(driftOf("claimTask", 200, "text/html", { a: 1 })).toEqual({ undeclared: [], missingOptional: [] });
    expect(driftOf("__proto__", "constructor", "toString", { a: 1 })).toEqual({ undeclared: [], missingOptional: [] });
  });
});

describe("personalScrubber", () => {
  it("replaces the values of people's members at any depth, any case, with stable placeholders that keep an e-mail an e-mail", () => {
    const scrub = personalScrubber(["Phone"]);
    const body = {
      data: {
        metrics: {
          user: { _id: "u1", email: "jane.doe@corp.example", username: "jdoe", firstname: "Jane", lastname: "Doe" },
        },
        watchers: [{ Email: "jane.doe@corp.example", USERNAME: "jdoe", phone: "+1 555 0100" }],
        name: "Port turn-up",
      },
    };
    const out = scrub(body) as any;
    const text = JSON.stringify(out);
    for (const personal of ["jane.doe@corp.example", "jdoe", "Jane", "Doe", "555 0100"])
      expect(text).not.toContain(personal);
    expect(out.data.metrics.user.email).toMatch(/^[^@\s]+@example\.com$/);
    expect(out.data.watchers[0].Email).toBe(out.data.metrics.user.email);
    expect(out.data.watchers[0].USERNAME).toBe(out.data.metrics.user.username);
    expect(out.data.name).toBe("Port turn-up");
    expect(body.data.metrics.user.email).toBe("jane.doe@corp.example"); // the input is not changed
    expect(scrub.replaced).toBe(5);
  });
});

describe("personalScrubber.inStrings: a person's value replaced where it stands whole, never in keys or inside longer words", () => {
  it("--redact name on a real recorded job keeps every task and key, and leaves no person's value", () => {
    const job = fixture("job-2023.1-complete.json") as any;
    job.variables.note = "query done for Port turn-up; queryCount and delaySeconds stay";
    const scrub = personalScrubber(["name"]);
    const out = scrub.inStrings(scrub(envelope(job))) as any;
    const names: string[] = [];
    JSON.stringify(job, (k, v) => (k === "name" && typeof v === "string" && names.push(v), v));
    expect(names.length).toBeGreaterThan(3);
    // Every key kept, at every depth: the same members, only string values changed.
    const keys = (v: unknown): string[] =>
      v && typeof v === "object"
        ? Object.entries(v).flatMap(([k, inner]) => [k, ...keys(inner).map((x) => `${k}/${x}`)])
        : [];
    expect(keys(out.data)).toEqual(keys(job));
    expect(Object.keys(out.data.tasks)).toEqual(Object.keys(job.tasks));
    // No person's value left as a value, or as a word in one.
    const values: string[] = [];
    JSON.stringify(out, (_k, v) => (typeof v === "string" && values.push(v), v));
    for (const name of names) {
      const word = new RegExp(
        `(?<![\\p{L}\\p{N}_])${name.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}(?![\\p{L}\\p{N}_])`,
        "u",
      );
      expect([name, values.filter((v) => word.test(v))]).toEqual([name, []]);
    }
    expect(out.data.variables.note).toMatch(/^name-\d+ done for name-\d+; queryCount and delaySeconds stay$/);
    // Two members never collapse: each task keeps its own entry.
    expect(Object.keys(out.data.tasks)).toHaveLength(Object.keys(job.tasks).length);
  });
});

describe("wholeValueReplacer: a value replaced only where it stands as whole words", () => {
  const { wholeValueReplacer } =
    require("../src/tools/recording/personal") as typeof import("../src/tools/recording/personal");
  const values = new Map([
    ["Jane", "firstname-1"],
    ["Jane Doe", "name-2"],
    ["jane.doe@corp.example", "person-3@example.com"],
    ["+1 555 0100", "phone-4"],
    ["delay", "name-5"],
    ["Zoë", "firstname-6"],
  ]);
  const replace = wholeValueReplacer(values);
  it.each([
    ["Jane", "firstname-1"],
    ["Assigned to Jane Doe <jane.doe@corp.example>", "Assigned to name-2 <person-3@example.com>"],
    [
      "Janet and Jane_x and xJane and Jane1 stay; Jane, Jane. (Jane) go",
      "Janet and Jane_x and xJane and Jane1 stay; firstname-1, firstname-1. (firstname-1) go",
    ],
    ["delaySeconds, delay_2 and predelay stay; delay goes", "delaySeconds, delay_2 and predelay stay; name-5 goes"],
    ["call +1 555 0100 now, not x+1 555 01001", "call phone-4 now, not x+1 555 01001"],
    ["Zoë and Zoëy and 😀Zoë", "firstname-6 and Zoëy and 😀firstname-6"],
    ["", ""],
  ])("%j", (text, expected) => {
    expect(replace(text)).toBe(expected);
  });

  it("agrees with the regular expression it stands for, on random texts", () => {
    const escape = (o: string) => o.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const keys = [...values.keys()].sort((a, b) => b.length - a.length);
    const reference = new RegExp(`(?<![\\p{L}\\p{N}_])(?:${keys.map(escape).join("|")})(?![\\p{L}\\p{N}_])`, "gu");
    const pieces = [...values.keys(), " ", ".", "x", "_", "1", "Jan", "e", "Doe", "ë", "😀", "@", "+", "-"];
    let seed = 7;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let i = 0; i < 2000; i++) {
      const text = Array.from({ length: random(12) }, () => pieces[random(pieces.length)]).join("");
      expect([text, replace(text)]).toEqual([
        text,
        values.get(text) ?? text.replace(reference, (found) => values.get(found)!),
      ]);
    }
  });
});

describe("toRecording: what a recording never holds", () => {
  const { toRecording } =
    require("../src/tools/recording/to-recording") as typeof import("../src/tools/recording/to-recording");
  /** The recording of a 200 answer that passed, with `text` as its body, `secrets` the caller's. */
  const recorded = (operationId: string, contentType: string, text: string, secrets: string[] = []) =>
    toRecording(
      { operationId, method: "POST", path: "/x", status: 200, contentType, text },
      { result: "pass", violations: [] },
      "l",
      secrets,
      personalScrubber(),
    );

  it("a token answer's other tokens, and a token the client could not use, are written as [redacted]", () => {
    const body = JSON.stringify({
      access_token: "LIVE SECRET TOKEN 123",
      refresh_token: "LIVE-REFRESH-999",
      id_token: "LIVE-ID",
      token_type: "Bearer",
      expires_in: 3600,
    });
    const written = JSON.stringify(recorded("getOAuthToken", "application/json", body));
    for (const secret of ["LIVE SECRET TOKEN 123", "LIVE-REFRESH-999", "LIVE-ID"])
      expect(written).not.toContain(secret);
    // Its structure stays (the contract's members, a number as 0; others numbered): --from and the drift report read it.
    expect(JSON.parse(written).body).toEqual({
      access_token: "REDACTED",
      "undeclared-member-1": "REDACTED",
      "undeclared-member-2": "REDACTED",
      token_type: "REDACTED",
      expires_in: 0,
    });
    const login = recorded("login", "text/plain", "has spaces so never a secret");
    expect(login.body).toBe("REDACTED");
  });

  // What a token step receives is a credential wherever the platform put it, as the client treats it.
  it.each([
    ["a member of another name", { jwt: "LIVE-TOKEN-1" }],
    ["the platform's envelope", { message: "ok", data: { token: "LIVE-TOKEN-1" }, metadata: {} }],
    ["nested in a list", { tokens: [{ value: "LIVE-TOKEN-1" }] }],
    ["a member name", { "LIVE-TOKEN-1": true }],
    ["a long plain name", { LIVETOKENLIVETOKENLIVETOKEN1: 1 }],
    ["a number", { access_token: 123456789012345, expires_in: 3600 }],
    ["a short number", { access_token: 987654321, expires_in: 3600 }],
    ["a number with a fraction", { access_token: 4242424242.5 }],
    ["deep", JSON.parse(`${'{"a":'.repeat(20)}"LIVE-TOKEN-1"${"}".repeat(20)}`)],
  ])("a token step's JSON answer with the token as %s is written without it", (_how, body) => {
    for (const operationId of ["getOAuthToken", "login"]) {
      const written = JSON.stringify(recorded(operationId, "application/json", JSON.stringify(body)));
      expect(written).not.toMatch(/LIVE-?TOKEN|123456789012345|987654321|4242424242|3600/);
    }
  });

  it("a token answer sent as a form, and a content type that names a secret, are scrubbed", () => {
    const form = recorded(
      "getOAuthToken",
      "application/x-www-form-urlencoded",
      "access_token=gho_LIVEtoken123&token_type=bearer",
    );
    expect(form.body).toBe("REDACTED");
    const typed = recorded("claimTask", "Application/X-S3cr3t", "{}", ["S3cr3t"]);
    expect(JSON.stringify(typed)).not.toMatch(/s3cr3t/i);
  });

  it("people's values in JSON sent as text/plain, and in lists or objects, are replaced", () => {
    const text = JSON.stringify({
      data: { user: { email: "jane.doe@corp.com", username: "jdoe", firstname: "Jane" } },
    });
    const asText = recorded("claimTask", "text/plain", text);
    expect(typeof asText.body).toBe("string");
    for (const value of ["jane.doe@corp.com", "jdoe", "Jane"]) expect(asText.body as string).not.toContain(value);
    const nested = JSON.stringify({ data: { email: ["jane.doe@corp.com"], username: { name: "jdoe" } } });
    const written = JSON.stringify(recorded("claimTask", "application/json", nested).body);
    for (const value of ["jane.doe@corp.com", "jdoe"]) expect(written).not.toContain(value);
  });
});

describe("the mock serves recordings (startMockServer({ examples }))", () => {
  const { mkdtempSync, writeFileSync, rmSync } = require("node:fs") as typeof import("node:fs");
  const os = require("node:os") as typeof import("node:os");
  const { startMockServer } = require(path.join(repoRoot, "dist/cjs/src/mock.js")) as typeof import("../src/mock");
  const { createOperationsManagerClient } = require("../src/index") as typeof import("../src/index");
  const label = "2023.2 staging";
  const recording = (
    operationId: string,
    status: number,
    body: unknown,
    verdict = "pass",
    violations: Recording["violations"] = [],
  ) => recordingOf({ operationId, status, body, verdict, violations, label });
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "recordings-"));
    const task = {
      ...claimAnswer,
      data: { ...(claimAnswer.data as JsonObject), name: "Recorded approval", server_extra: true },
    };
    const job = { ...finishAnswer, data: { ...(finishAnswer.data as JsonObject), name: 42 } };
    writeFileSync(path.join(dir, "claimTask.200.json"), JSON.stringify(recording("claimTask", 200, task)));
    writeFileSync(
      path.join(dir, "finishManualTask.200.json"),
      JSON.stringify(
        recording("finishManualTask", 200, job, "fail", [
          { in: "body", path: "/data/name", message: "must be string", source: "validator" },
        ]),
      ),
    );
    writeFileSync(path.join(dir, "claimTask.401.json"), JSON.stringify(recording("claimTask", 401, { message: "no" })));
    writeFileSync(path.join(dir, "report.json"), "{}");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("answers a recording through the typed client with Prefer: example=recorded-<label>, and by default with example", async () => {
    const lines: string[] = [];
    const mock = await startMockServer({ examples: dir, log: (_level, message) => lines.push(message) });
    try {
      const client = createOperationsManagerClient({ baseUrl: mock.url, auth: { username: "u", password: "p" } });
      const taskId = (claimAnswer.data as JsonObject)._id as string;
      const headers = { Prefer: "example=recorded-2023.2-staging" };
      const task = await client.claimTask(taskId, { headers });
      expect(task).toMatchObject({ name: "Recorded approval", server_extra: true });
      expect((await client.claimTask(taskId)).name).not.toBe("Recorded approval"); // the spec's own default still
      // A recording that breaks the contract is served as recorded, and said once in the log.
      const job = await client.finishManualTask(task.job!._id!, task.job!.task!, {}, { headers });
      expect(job.name).toBe(42);
      expect(
        lines.filter((l) => l.includes("finishManualTask.200.json") && l.includes("breaks the contract")),
      ).toHaveLength(1);
    } finally {
      await mock.close();
    }
    const byDefault = await startMockServer({ examples: dir, example: "recorded-2023.2-staging" });
    try {
      const client = createOperationsManagerClient({ baseUrl: byDefault.url, auth: { username: "u", password: "p" } });
      expect((await client.claimTask((claimAnswer.data as JsonObject)._id as string)).name).toBe("Recorded approval");
    } finally {
      await byDefault.close();
    }
  });

  it("never changes the committed spec", () => {
    expect(JSON.stringify(loadSpec())).not.toContain("recorded-");
  });
});
