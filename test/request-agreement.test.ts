// One judge of requests: the mock refuses exactly what the client's own checks refuse. Requests are
// generated from the spec, valid and not (path parameters, bodies, content types, null, strings,
// deep values); for each, the client decides (nothing sent, kind invalid-request, or sent) and the
// mock answers. They must agree, and the mock never answers 5xx. Thousands of cases run against the
// guard in this process (in front of a stub standing in for Prism, so that what the guard lets
// through is seen as such); a bounded number against the real Prism mock.
import http from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { createOperationsManagerClient, OperationsManagerError } from "../src/index";
import { bundledSpec } from "../src/tools/spec/bundled-spec";
import { reachableUrl, startGuard, unplainTarget, type GuardedServer } from "../src/tools/mock/request-guard";
import { createPreflight } from "../src/tools/mock/answers";
import { deep, hostileSegments, mutated, valid } from "./support/arbitraries";
import { BASIC, JOB_ID, TASK_ID, TASK_KEY } from "./support/constants";
import { deref, loadSpec, type Json, type JsonObject } from "./support/spec";

const spec = loadSpec();

/** The schema of an operation's path parameter and the media types of its body, from the spec. */
function parameterSchema(operationId: string, name: string): Json {
  for (const pathItem of Object.values(spec.paths as JsonObject)) {
    for (const operation of Object.values(pathItem as JsonObject)) {
      const op = operation as JsonObject;
      if (op.operationId !== operationId) continue;
      for (const p of (op.parameters ?? []) as Json[]) {
        const param = deref(spec, p) as JsonObject;
        if (param.name === name) return param.schema!;
      }
    }
  }
  throw new Error(`${operationId} has no parameter ${name}`);
}
const finishBody = deref(
  spec,
  (spec.paths as any)["/operations-manager/jobs/{jobId}/tasks/{taskId}/finish"].post.requestBody,
) as JsonObject;
const finishTypes = Object.keys(finishBody.content as JsonObject);
const finishSchema = (finishBody.content as any)["application/json"].schema as Json;

const param = (operationId: string, name: string) =>
  fc.oneof(
    { weight: 2, arbitrary: valid(spec, parameterSchema(operationId, name)) },
    { weight: 1, arbitrary: hostileSegments },
  );

/** Finish bodies: none, valid ones, each mutated, any JSON, null, strings, deep values, text that is not JSON. */
const bodies: fc.Arbitrary<{ value?: unknown; text?: string }> = fc.oneof(
  fc.constant({}),
  valid(spec, finishSchema).map((value) => ({ value })),
  valid(spec, finishSchema)
    .chain((v) => mutated(v, fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(null), fc.string())))
    .map((value) => ({ value })),
  fc.jsonValue({ maxDepth: 4 }).map((value) => ({ value })),
  fc
    .constantFrom<unknown>(
      null,
      "",
      "x",
      0,
      true,
      [],
      [{}],
      { taskData: null },
      { taskData: [] },
      { taskData: "x" },
      { taskdata: {} },
    )
    .map((value) => ({ value })),
  fc
    .integer({ min: 10, max: 60 })
    .chain((n) => fc.boolean().map((array) => ({ value: { taskData: { variables: { deep: deep(n, array) } } } }))),
  fc.constantFrom('{"taskData":', "{taskData}", "nul", "\u00ff").map((text) => ({ text })),
);
const contentTypes = fc.oneof(
  { weight: 4, arbitrary: fc.constant("application/json") },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "application/json; charset=utf-8",
      "text/plain",
      "application/x-www-form-urlencoded",
      "application/merge-patch+json",
      "APPLICATION/JSON",
    ),
  },
);

type Case =
  | { operationId: "claimTask"; taskId: string }
  | {
      operationId: "finishManualTask";
      jobId: string;
      taskId: string;
      body: { value?: unknown; text?: string };
      contentType: string;
    };

const cases: fc.Arbitrary<Case> = fc.oneof(
  param("claimTask", "taskId").map((taskId) => ({ operationId: "claimTask" as const, taskId: String(taskId) })),
  fc
    .record({
      jobId: param("finishManualTask", "jobId"),
      taskId: param("finishManualTask", "taskId"),
      body: bodies,
      contentType: contentTypes,
    })
    .map((c) => ({ operationId: "finishManualTask" as const, ...c, jobId: String(c.jobId), taskId: String(c.taskId) })),
);

/** The client's verdict: true when it sends the request, false when it refuses it (nothing sent). */
async function clientSends(c: Case): Promise<boolean> {
  let sent = false;
  const om = createOperationsManagerClient({
    baseUrl: "http://127.0.0.1:9",
    auth: { username: "automation", password: "s3cr3t" },
    fetch: async () => {
      sent = true;
      return new Response('{"message":"ok","data":{}}', { headers: { "content-type": "application/json" } });
    },
  });
  try {
    if (c.operationId === "claimTask") await om.claimTask(c.taskId);
    else if (c.body.text !== undefined)
      return false; // text that is not JSON: the client has no way to send it
    else if (!("value" in c.body)) await om.finishManualTask(c.jobId, c.taskId);
    else await om.finishManualTask(c.jobId, c.taskId, c.body.value as never);
  } catch (error) {
    if (!(error instanceof OperationsManagerError) || error.kind !== "invalid-request") throw error;
    expect(sent).toBe(false);
    return false;
  }
  expect(sent).toBe(true);
  return true;
}

/** A path segment as sent: percent-encoded, dots too (fetch would resolve `..` before sending). */
const segment = (value: string) => encodeURIComponent(value).replace(/\./g, "%2E");

/** The mock's answer to the case: its status and body. */
async function mockAnswers(base: string, c: Case): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = { Authorization: BASIC };
  let path: string;
  let body: string | undefined;
  if (c.operationId === "claimTask") path = `/operations-manager/tasks/${segment(c.taskId)}/claim`;
  else {
    path = `/operations-manager/jobs/${segment(c.jobId)}/tasks/${segment(c.taskId)}/finish`;
    body = c.body.text ?? ("value" in c.body ? JSON.stringify(c.body.value) : undefined);
    if (body !== undefined) headers["Content-Type"] = c.contentType;
  }
  return send(base, path, headers, body);
}

/** One request with its path exactly as given: fetch would resolve a dot segment, even an escaped one. */
function send(
  base: string,
  path: string,
  headers: Record<string, string>,
  body: string | undefined,
): Promise<{ status: number; text: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: "POST",
        path,
        headers: { ...headers, "content-length": Buffer.byteLength(body ?? "") },
        agent,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.once("end", () => resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString("utf8") }));
        res.once("error", reject);
      },
    );
    req.once("error", reject);
    req.end(body);
  });
}
const agent = new http.Agent({ keepAlive: true });

/** What the mock should do: the client sends it, in a media type the operation takes. */
function mockShouldTake(c: Case, clientVerdict: boolean): boolean {
  if (c.operationId === "claimTask" || !("value" in c.body)) return clientVerdict;
  return clientVerdict && finishTypes.includes(c.contentType.split(";")[0]!.trim().toLowerCase());
}

let guard: GuardedServer;
let stub: http.Server;
let passed = 0;

beforeAll(async () => {
  // Stands in for Prism: whatever the guard lets through is answered 299, so it is told apart.
  stub = http.createServer((req, res) => {
    passed++;
    req
      .resume()
      .once("end", () =>
        res.writeHead(299, { "content-type": "application/json" }).end('{"message":"passed","data":{}}'),
      );
  });
  await new Promise<void>((resolve) => stub.listen(0, "127.0.0.1", resolve));
  const port = (stub.address() as AddressInfo).port;
  guard = await startGuard(
    `http://127.0.0.1:${port}`,
    0,
    "127.0.0.1",
    () => new Promise((resolve) => stub.close(() => resolve())),
    createPreflight(bundledSpec()),
  );
});

afterAll(async () => {
  agent.destroy();
  await guard.close();
});

describe("the guard and the client agree on every generated request (in process)", () => {
  it("over thousands of cases: refused by one ⇔ refused by the other; 0 crashes, 0 5xx", async () => {
    const tally = { sent: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const sends = await clientSends(c);
        const answer = await mockAnswers(guard.url, c);
        tally[sends ? "sent" : "refused"]++;
        expect(answer.status).toBeLessThan(500);
        if (mockShouldTake(c, sends)) expect(answer.status).toBe(299);
        else {
          expect([400, 415]).toContain(answer.status);
          // The refusal says why: the declared error envelope's message, or (for a body that does
          // not even parse) the guard's problem detail.
          const body = JSON.parse(answer.text) as { message?: string; detail?: string };
          expect(typeof (body.message ?? body.detail)).toBe("string");
        }
      }),
      { numRuns: 3000 },
    );
    // Both sides of the property were exercised.
    expect(tally.sent).toBeGreaterThan(300);
    expect(tally.refused).toBeGreaterThan(300);
    expect(passed).toBeGreaterThan(300);
  }, 240_000);

  it("a JSON null finish body is refused, naming the whole body and the rule", async () => {
    const res = await fetch(`${guard.url}/operations-manager/jobs/${JOB_ID}/tasks/${TASK_KEY}/finish`, {
      method: "POST",
      headers: { Authorization: BASIC, "Content-Type": "application/json" },
      body: "null",
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      message: "Request breaks the contract: body / must be object",
      data: { violations: [{ in: "body", pointer: "", message: "must be object" }] },
      metadata: {},
    });
    expect(JSON.parse(res.headers.get("sl-violations")!)).toEqual([
      { location: ["body"], severity: "Error", code: "body", message: "must be object" },
    ]);
  });

  it.each([5_000, 100_000])("a finish body %i levels deep does not take the guard down", async (depth) => {
    for (const [open, close] of [
      ['{"a":', "}"],
      ["[", "]"],
    ]) {
      const text = `{"taskData":{"variables":{"deep":${open!.repeat(depth)}1${close!.repeat(depth)}}}}`;
      const c: Case = {
        operationId: "finishManualTask",
        jobId: JOB_ID,
        taskId: TASK_KEY,
        body: { text },
        contentType: "application/json",
      };
      const answer = await mockAnswers(guard.url, c);
      // Free-form variables keep the contract at any depth; a parser that gives up refuses it, never fails.
      expect([299, 400]).toContain(answer.status);
    }
    expect((await mockAnswers(guard.url, { operationId: "claimTask", taskId: TASK_ID })).status).toBe(299);
  });

  it("names each violation: every path parameter and every body pointer, with its rule", async () => {
    const res = await fetch(`${guard.url}/operations-manager/jobs/NOT-A-JOB/tasks/a%2Fb/finish`, {
      method: "POST",
      headers: { Authorization: BASIC, "Content-Type": "application/json" },
      body: JSON.stringify({ taskData: 1, taskdata: {} }),
    });
    expect(res.status).toBe(400);
    const { data } = (await res.json()) as { data: { violations: Array<Record<string, string>> } };
    expect(data.violations.map((v) => v.name ?? v.pointer).sort()).toEqual([
      "/taskData",
      "/taskdata",
      "jobId",
      "taskId",
    ]);
    expect(data.violations.every((v) => typeof v.message === "string" && v.message.length > 0)).toBe(true);
  });

  it.each([
    [
      "a login body without the nested user",
      "/login",
      "application/json",
      JSON.stringify({ username: "u", password: "p" }),
      400,
      "/user",
    ],
    [
      "a token form without client_secret",
      "/oauth/token",
      "application/x-www-form-urlencoded",
      "grant_type=client_credentials&client_id=x",
      400,
      "/client_secret",
    ],
    [
      "a token form with a repeated client_id",
      "/oauth/token",
      "application/x-www-form-urlencoded",
      "grant_type=client_credentials&client_id=x&client_id=y&client_secret=z",
      400,
      "/client_id",
    ],
    ["a token request as JSON (the operation declares 415)", "/oauth/token", "application/json", "{}", 415, ""],
    ["a login with no body", "/login", "application/json", "", 400, ""],
  ])("the token steps too: %s", async (_what, path, type, body, status, pointer) => {
    const res = await fetch(guard.url + path, {
      method: "POST",
      headers: { "Content-Type": type },
      body: body || undefined,
    });
    expect(res.status).toBe(status);
    const { data } = (await res.json()) as { data: { violations: Array<{ pointer?: string }> } };
    expect(data.violations.map((v) => v.pointer)).toContain(pointer);
  });

  it("a body with thousands of unknown members (long names too) gets a bounded answer a client can read", async () => {
    const members = Object.fromEntries(
      Array.from({ length: 5_000 }, (_, i) => [`${"m".repeat(i % 2 ? 500 : 3)}${i}`, i]),
    );
    const res = await fetch(`${guard.url}/operations-manager/jobs/${JOB_ID}/tasks/${TASK_KEY}/finish`, {
      method: "POST",
      headers: { Authorization: BASIC, "Content-Type": "application/json" },
      body: JSON.stringify(members),
    });
    const text = await res.text();
    expect(res.status).toBe(400);
    expect(res.headers.get("sl-violations")!.length).toBeLessThan(4_000);
    expect(text.length).toBeLessThan(40_000);
    const { message, data } = JSON.parse(text) as { message: string; data: { violations: unknown[]; more: number } };
    expect(message).toMatch(/; and 4990 more$/);
    expect([data.violations.length, data.more]).toEqual([100, 4_900]);
  });

  it("never echoes a body's values (a form may carry a client secret)", async () => {
    const secret = "s3cret-never-echoed";
    const res = await fetch(`${guard.url}/oauth/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: `grant_type=password&client_id=${secret}&client_secret=${secret}`,
    });
    expect(res.status).toBe(400);
    expect((await res.text()) + res.headers.get("sl-violations")).not.toContain(secret);
  });
});

/**
 * Ways to write a request's path that a URL parser (Prism routes `new URL(target)`'s pathname, then
 * decodes each segment) reads as another: dot segments, raw or escaped, anywhere; a fragment; an
 * absolute- or authority-form target; `//` and `\`; an escaped letter of a literal segment.
 */
const DOTS = [".", "..", "%2e", "%2E", ".%2e", "%2E.", "%2e%2E"];
const shapes: fc.Arbitrary<(path: string) => string> = fc.oneof(
  fc
    .record({ dot: fc.constantFrom(...DOTS), at: fc.nat(), back: fc.boolean() })
    .map(({ dot, at, back }) => (path: string) => {
      const parts = path.split("/");
      const i = 1 + (at % (parts.length - 1));
      const inserted = back && dot.replace(/%2e/gi, ".") === ".." ? [parts[i]!, dot] : [dot];
      return [...parts.slice(0, i), ...inserted, ...parts.slice(i)].join("/");
    }),
  fc.constantFrom("#", "#x", "#/../claim").map((fragment) => (path: string) => path + fragment),
  fc
    .constantFrom("http://evil", "http://127.0.0.1:1", "HTTP://om.test")
    .map((origin) => (path: string) => origin + path),
  fc.constant((path: string) => `/${path}`),
  fc.nat().map((at) => (path: string) => {
    const slashes = [...path.matchAll(/\//g)].map((m) => m.index);
    const i = slashes[1 + (at % (slashes.length - 1))]!;
    return `${path.slice(0, i)}\\${path.slice(i + 1)}`;
  }),
  fc.nat().map((at) => (path: string) => {
    const letters = [...path.matchAll(/[a-z]/g)]
      .map((m) => m.index)
      .filter((i) =>
        /\/(operations-manager|tasks|jobs|claim|finish)(\/|$)/.test(
          path.slice(path.lastIndexOf("/", i), path.indexOf("/", i + 1) === -1 ? undefined : path.indexOf("/", i + 1)),
        ),
      );
    const i = letters[at % letters.length]!;
    return `${path.slice(0, i)}%${path.charCodeAt(i).toString(16)}${path.slice(i + 1)}`;
  }),
);

/** The plain path of a case (its parameters as the client sends them). */
function plainPath(c: Case): string {
  return c.operationId === "claimTask"
    ? `/operations-manager/tasks/${segment(c.taskId)}/claim`
    : `/operations-manager/jobs/${segment(c.jobId)}/tasks/${segment(c.taskId)}/finish`;
}

describe("the guard judges the path Prism routes: no other target gets past it", () => {
  it("every generated path shape a URL parser would read as another path is answered by the guard (never passed on), 4xx naming why", async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        cases,
        shapes,
        fc.constantFrom("null", "{}", '{"taskData":{}}', '{"taskData":{},"extra":1}'),
        async (c, shape, body) => {
          const target = shape(plainPath(c));
          expect(target).not.toBe(plainPath(c));
          const before = passed;
          const answer = await send(
            guard.url,
            target,
            { Authorization: BASIC, "Content-Type": "application/json" },
            c.operationId === "claimTask" ? undefined : body,
          );
          expect([target, passed]).toEqual([target, before]);
          expect([target, answer.status]).toEqual([target, expect.any(Number)]);
          expect([400, 404]).toContain(answer.status);
          const said = JSON.parse(answer.text) as { detail?: string; message?: string };
          expect(typeof (said.detail ?? said.message)).toBe("string");
          seen.add(
            said.detail?.match(/dot segment|fragment|not a path|starts with \/\/|plain form|no operation/)?.[0] ??
              String(answer.status),
          );
        },
      ),
      { numRuns: 1500 },
    );
    // Each way of writing another path was met, and named.
    for (const why of ["dot segment", "fragment", "not a path", "starts with //", "plain form", "no operation"])
      expect([...seen]).toContain(why);
  }, 240_000);

  it.each([
    ["/operations-manager/./jobs/J/tasks/K/finish", /dot segment/],
    ["/operations-manager/jobs/J/tasks/K/../K/finish", /dot segment/],
    ["/operations-manager/jobs/J/tasks/%2e%2E/finish", /dot segment/],
    ["/operations-manager/jobs/J/tasks/K/finish#x", /fragment/],
    ["http://evil/operations-manager/jobs/J/tasks/K/finish", /not a path/],
    ["*", /not a path/],
    ["//operations-manager/jobs/J/tasks/K/finish", /starts with \/\//],
    ["/operations-manager\\jobs/J/tasks/K/finish", /plain form/],
  ])("%s is not a plain target (%s)", (target, why) => {
    expect(unplainTarget(target)).toMatch(why);
  });

  it.each([
    "/operations-manager/jobs/J/tasks/K/finish",
    "/operations-manager/jobs/J/tasks/a%2Eb/finish",
    "/a?x=..&y=/./",
    "/operations-manager/tasks/%25/claim",
  ])("%s is plain", (target) => {
    expect(unplainTarget(target)).toBeUndefined();
  });
});

describe("the Prism mock and the client agree (a bounded number of cases)", () => {
  it("refused by one ⇔ refused by the other; 0 5xx; what the client sends is answered 200", async () => {
    const base = process.env.OM_MOCK_URL;
    if (!base) throw new Error("OM_MOCK_URL is not set: the jest global setup did not start Prism");
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const sends = await clientSends(c);
        const answer = await mockAnswers(base, c);
        expect(answer.status).toBeLessThan(500);
        if (mockShouldTake(c, sends)) expect(answer.status).toBe(200);
        else expect([400, 415]).toContain(answer.status);
      }),
      { numRuns: 200 },
    );
    // No path shape gets a made-up success to a body the client refuses.
    await fc.assert(
      fc.asyncProperty(cases, shapes, async (c, shape) => {
        const target = shape(
          plainPath({ ...c, operationId: "finishManualTask", jobId: JOB_ID, taskId: TASK_KEY } as Case),
        );
        const answer = await send(base, target, { Authorization: BASIC, "Content-Type": "application/json" }, "null");
        expect([target, answer.status]).toEqual([target, expect.any(Number)]);
        expect([400, 404]).toContain(answer.status);
      }),
      { numRuns: 100 },
    );
    // The mock lived through all of it.
    expect(
      (
        await fetch(`${base}/operations-manager/tasks/${TASK_ID}/claim`, {
          method: "POST",
          headers: { Authorization: BASIC },
        })
      ).status,
    ).toBe(200);
  }, 120_000);
});

describe("the mock's URL is one a client can reach", () => {
  it.each([
    [{ address: "0.0.0.0", family: "IPv4", port: 4010 }, "http://127.0.0.1:4010"],
    [{ address: "::", family: "IPv6", port: 4010 }, "http://[::1]:4010"],
    [{ address: "127.0.0.1", family: "IPv4", port: 1 }, "http://127.0.0.1:1"],
    [{ address: "::1", family: "IPv6", port: 2 }, "http://[::1]:2"],
    [{ address: "192.168.1.7", family: "IPv4", port: 3 }, "http://192.168.1.7:3"],
  ])("listening on %j, it is %s (never the wildcard, which the banner printed)", (address, url) => {
    expect(reachableUrl(address)).toBe(url);
  });
});
