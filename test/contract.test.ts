// Contract tests: the Prism that jest's global setup started serves the bundled spec; every
// declared answer of both operations, and the usual wrong requests, are checked against the spec.
import fc from "fast-check";
import { createOperationsManagerClient, OperationsManagerError } from "../src/index";
import { answerOf, contractViolations } from "./support/contract";
import { readFileSync } from "node:fs";
import path from "node:path";
import { deref, repoRoot, SpecValidator, type JsonObject } from "./support/spec";
import { TASK_ID, JOB_ID, TASK_KEY, BASIC, claimAnswer } from "./support/constants";

const v = new SpecValidator();
const base = () => {
  const url = process.env.OM_MOCK_URL;
  if (!url) throw new Error("OM_MOCK_URL is not set: the jest global setup did not start Prism");
  return url;
};
const AUTH = BASIC;

const FORM = "application/x-www-form-urlencoded";
const credentials = { grant_type: "client_credentials", client_id: "svc-automation", client_secret: "client-s3cret" };
const requests: Record<string, { path: string; body?: unknown; type?: string }> = {
  claimTask: { path: `/operations-manager/tasks/${TASK_ID}/claim` },
  finishManualTask: {
    path: `/operations-manager/jobs/${JOB_ID}/tasks/${TASK_KEY}/finish`,
    body: { taskData: { finish_state: "success" } },
  },
  getOAuthToken: { path: "/oauth/token", body: credentials, type: FORM },
  login: { path: "/login", body: { user: { username: "automation", password: "s3cr3t" } } },
};

function post(
  path: string,
  {
    headers = {},
    body,
    type = "application/json",
  }: { headers?: Record<string, string>; body?: unknown; type?: string } = {},
) {
  return fetch(`${base()}${path}`, {
    method: "POST",
    headers: { Authorization: AUTH, ...(body === undefined ? {} : { "Content-Type": type }), ...headers },
    body:
      body === undefined
        ? undefined
        : type === FORM
          ? new URLSearchParams(body as Record<string, string>).toString()
          : JSON.stringify(body),
  });
}

const declared = v
  .operationIds()
  .flatMap((operationId) =>
    Object.keys(v.operation(operationId).operation.responses as JsonObject).map(
      (status) => [operationId, status] as const,
    ),
  );

describe("every declared answer of every operation keeps the contract", () => {
  it("covers every operation and their 200, 400, 401 (and 500, 415)", () => {
    expect(declared).toEqual(
      expect.arrayContaining([
        ["claimTask", "200"],
        ["claimTask", "400"],
        ["claimTask", "401"],
        ["claimTask", "500"],
        ["finishManualTask", "200"],
        ["finishManualTask", "400"],
        ["finishManualTask", "401"],
        ["finishManualTask", "500"],
        ["getOAuthToken", "200"],
        ["getOAuthToken", "400"],
        ["getOAuthToken", "401"],
        ["getOAuthToken", "415"],
        ["login", "200"],
        ["login", "400"],
        ["login", "401"],
      ]),
    );
    expect(Object.keys(requests).sort()).toEqual(v.operationIds().sort());
  });

  it.each(declared)("%s %s (Prefer: code=…)", async (operationId, status) => {
    const { path, body, type } = requests[operationId]!;
    const answer = await answerOf(await post(path, { headers: { Prefer: `code=${status}` }, body, type }));
    expect(answer.status).toBe(Number(status));
    expect(contractViolations(v, operationId, answer)).toEqual([]);
  });

  it.each(v.operationIds())("%s 200 with a generated body (Prefer: dynamic=true)", async (operationId) => {
    const { path, body, type } = requests[operationId]!;
    for (let i = 0; i < 3; i++) {
      const answer = await answerOf(await post(path, { headers: { Prefer: "code=200, dynamic=true" }, body, type }));
      expect(answer.status).toBe(200);
      expect(contractViolations(v, operationId, answer)).toEqual([]);
    }
  });
});

/** The named examples of an operation's 200 answer, from the bundle: { name: value }. */
function namedExamples(operationId: string): Record<string, unknown> {
  const media = (v.operation(operationId).operation.responses as JsonObject)["200"] as JsonObject;
  const examples = ((media.content as JsonObject)["application/json"] as JsonObject).examples as JsonObject;
  return Object.fromEntries(
    Object.entries(examples).map(([name, ex]) => [name, (deref(v.spec, ex) as JsonObject).value]),
  );
}

describe("named examples (Prefer: example=…)", () => {
  // The Operations Manager operations' answers; the token operations have one example each.
  const tasksOperations = v
    .operationIds()
    .filter((id) => (v.operation(id).operation.tags as string[]).includes("Operations Manager"));
  const named = tasksOperations.flatMap((operationId) =>
    Object.entries(namedExamples(operationId)).map(([name, value]) => [operationId, name, value] as const),
  );

  it("include the reference's answers and the scenarios that docs/testing-with-the-mock.md lists", () => {
    expect(named.map(([op, name]) => `${op} ${name}`)).toEqual(
      expect.arrayContaining([
        "claimTask approved",
        "claimTask rejected",
        "claimTask reference",
        "finishManualTask approved",
        "finishManualTask rejected",
        "finishManualTask reference",
      ]),
    );
    const guide = readFileSync(path.join(repoRoot, "docs/testing-with-the-mock.md"), "utf8");
    for (const [op, name] of named) expect([op, name, guide.includes(`| \`${name}\` |`)]).toEqual([op, name, true]);
  });

  it.each(named)("%s answers its %s example, as it is in the spec", async (operationId, name, value) => {
    const { path: p, body } = requests[operationId]!;
    const answer = await answerOf(await post(p, { headers: { Prefer: `example=${name}` }, body }));
    expect(answer.status).toBe(200);
    expect(contractViolations(v, operationId, answer)).toEqual([]);
    expect(JSON.parse(answer.text)).toEqual(value);
  });
});

describe("the contract check itself", () => {
  const claim = claimAnswer;
  const json = new Headers({ "content-type": "application/json" });
  it("names a body that breaks the contract by pointer, as the client and verify do", () => {
    const broken = { ...claim, data: { ...(claim.data as JsonObject), name: 42 } };
    expect(contractViolations(v, "claimTask", { status: 200, headers: json, text: JSON.stringify(broken) })).toEqual([
      "body: /data/name must be string",
    ]);
    expect(contractViolations(v, "claimTask", { status: 200, headers: json, text: JSON.stringify(claim) })).toEqual([]);
  });
});

describe("wrong requests", () => {
  it.each([
    ["no credentials at all", {}],
    ["Basic with no credentials", { Authorization: "Basic" }],
    ["Bearer with no token", { Authorization: "Bearer" }],
    ["a cookie other than token", { Cookie: "session=abc" }],
  ])("%s → 401 with the declared error body", async (_what, headers) => {
    const res = await fetch(`${base()}${requests.claimTask!.path}`, { method: "POST", headers });
    const answer = await answerOf(res);
    expect(answer.status).toBe(401);
    expect(contractViolations(v, "claimTask", { ...answer, headers: withoutViolations(answer.headers) })).toEqual([]);
  });

  it.each([
    ["claimTask", "a taskId that is not a UUID", "/operations-manager/tasks/not-a-uuid/claim"],
    [
      "finishManualTask",
      "an upper-case jobId",
      `/operations-manager/jobs/${JOB_ID.toUpperCase()}/tasks/${TASK_KEY}/finish`,
    ],
    ["finishManualTask", "a short jobId", "/operations-manager/jobs/67be20c2/tasks/defc/finish"],
    ["finishManualTask", "a dotted taskId", `/operations-manager/jobs/${JOB_ID}/tasks/a.b/finish`],
  ])("%s with %s → 400", async (operationId, _what, path) => {
    const answer = await answerOf(await post(path, { body: operationId === "finishManualTask" ? {} : undefined }));
    expect(answer.status).toBe(400);
    expect(contractViolations(v, operationId, { ...answer, headers: withoutViolations(answer.headers) })).toEqual([]);
  });

  it("finishManualTask with a misspelt taskData member → 400", async () => {
    const answer = await answerOf(
      await post(requests.finishManualTask!.path, { body: { taskdata: { finish_state: "success" } } }),
    );
    expect(answer.status).toBe(400);
    expect(
      contractViolations(v, "finishManualTask", { ...answer, headers: withoutViolations(answer.headers) }),
    ).toEqual([]);
  });

  it("finishManualTask with taskData that is not an object → 400", async () => {
    const answer = await answerOf(await post(requests.finishManualTask!.path, { body: { taskData: "done" } }));
    expect(answer.status).toBe(400);
  });

  it("a wrong method → 405", async () => {
    const res = await fetch(`${base()}${requests.claimTask!.path}`, {
      method: "GET",
      headers: { Authorization: AUTH },
    });
    expect(res.status).toBe(405);
  });

  it("an unknown path → 404", async () => {
    expect((await post("/operations-manager/tasks")).status).toBe(404);
    expect((await post(`/operations-manager/tasks/${TASK_ID}/release-everything`)).status).toBe(404);
  });
});

/** Prism flags the request it refused in sl-violations; the answer itself is what is checked. */
function withoutViolations(headers: Headers): Headers {
  const copy = new Headers(headers);
  copy.delete("sl-violations");
  return copy;
}

describe("every way in the contract names", () => {
  const tokenAnswer = async () => {
    const answer = await answerOf(await post("/oauth/token", { body: credentials, type: FORM }));
    expect(contractViolations(v, "getOAuthToken", answer)).toEqual([]);
    return (JSON.parse(answer.text) as { access_token: string }).access_token;
  };

  it.each([
    ["HTTP Basic", () => ({ headers: { Authorization: AUTH } })],
    ["an OAuth bearer token", async () => ({ headers: { Authorization: `Bearer ${await tokenAnswer()}` } })],
    ["the login token as cookie", () => ({ headers: { Cookie: "token=ZDJiNWQ4ZTM" } })],
    ["the login token as query parameter", () => ({ query: "?token=ZDJiNWQ4ZTM" })],
  ] as const)("%s is accepted by both operations", async (_name, how) => {
    const { headers = {}, query = "" } = (await how()) as { headers?: Record<string, string>; query?: string };
    for (const operationId of ["claimTask", "finishManualTask"]) {
      const { path, body } = requests[operationId]!;
      const res = await fetch(`${base()}${path}${query}`, {
        method: "POST",
        headers: { ...(body === undefined ? {} : { "Content-Type": "application/json" }), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const answer = await answerOf(res);
      expect([operationId, answer.status]).toEqual([operationId, 200]);
      expect(contractViolations(v, operationId, answer)).toEqual([]);
    }
  });

  it("getOAuthToken takes a form only: a JSON body is 415, a missing client_secret 400", async () => {
    const json = await answerOf(await post("/oauth/token", { body: credentials }));
    expect(json.status).toBe(415);
    expect(contractViolations(v, "getOAuthToken", { ...json, headers: withoutViolations(json.headers) })).toEqual([]);
    const { client_secret: _, ...partial } = credentials;
    const missing = await answerOf(await post("/oauth/token", { body: partial, type: FORM }));
    expect(missing.status).toBe(400);
    expect(missing.headers.get("sl-violations")).toContain("client_secret");
  });

  it.each(["text/plain", "application/json"])("login answers the token as %s", async (accept) => {
    const answer = await answerOf(await post("/login", { body: requests.login!.body, headers: { Accept: accept } }));
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toContain(accept);
    expect(contractViolations(v, "login", answer)).toEqual([]);
  });

  it("login refuses a body without the nested user", async () => {
    const answer = await answerOf(await post("/login", { body: { username: "automation", password: "s3cr3t" } }));
    expect(answer.status).toBe(400);
  });

  it.each([
    ["OAuth client credentials", { clientId: "svc-automation", clientSecret: "client-s3cret" }],
    ["login", { username: "automation", password: "s3cr3t", method: "login" as const }],
    ["a given token", { token: "a-token-you-manage" }],
  ])("the client with %s claims and finishes against the mock", async (_name, auth) => {
    const om = createOperationsManagerClient({ baseUrl: base(), auth });
    const task = await om.claimTask(TASK_ID);
    expect(v.validate("#/components/schemas/Task", task).valid).toBe(true);
    const job = await om.finishManualTask(JOB_ID, TASK_KEY, { taskData: { finish_state: "success" } });
    expect(v.validate("#/components/schemas/Job", job).valid).toBe(true);
  });
});

describe("the client against the mock", () => {
  const client = (prefer?: string) =>
    createOperationsManagerClient({
      baseUrl: base(),
      auth: { username: "automation", password: "s3cr3t" },
      fetch: (url, init) =>
        fetch(
          url,
          prefer ? { ...init, headers: { ...Object.fromEntries(new Headers(init.headers)), Prefer: prefer } } : init,
        ),
    });

  it("claimTask resolves to a Task that validates", async () => {
    const task = await client().claimTask(TASK_ID);
    expect(v.validate("#/components/schemas/Task", task).valid).toBe(true);
    expect(task._id).toBeDefined();
  });

  // The flow these two endpoints exist for, claim → finish with the claimed Task's job._id and
  // job.task, is tested for the default answers and every scenario in scenarios.test.ts.

  it("finishManualTask resolves to a Job that validates, with and without taskData", async () => {
    for (const body of [undefined, { taskData: { finish_state: "success", variables: { ok: true } } }]) {
      const job = await client().finishManualTask(JOB_ID, "workflow_start", body);
      expect(v.validate("#/components/schemas/Job", job).valid).toBe(true);
    }
  });

  it.each(["400", "401", "500"])("a mocked %s reaches the caller as kind http with the parsed body", async (status) => {
    const error = await client(`code=${status}`)
      .claimTask(TASK_ID)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperationsManagerError);
    expect(error).toMatchObject({ kind: "http", status: Number(status), operationId: "claimTask" });
    expect(v.validate("#/components/schemas/Error", (error as OperationsManagerError).body).valid).toBe(true);
  });
});

describe("mock and client agree on which ids are valid (property-based)", () => {
  const hex = (n: number) => fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: n, maxLength: n });
  const junk = fc.string({
    minLength: 1,
    maxLength: 40,
    unit: fc.constantFrom(..."abcdefXYZ0123456789-_.~!$&'()*+,;=:@ %"),
  });

  /** Does Prism serve this id (200), and does the client send it (anything but invalid-request)? */
  async function verdicts(path: (id: string) => string, call: (id: string) => Promise<unknown>, id: string) {
    const res = await post(path(encodeURIComponent(id)), { body: path === finishPath ? {} : undefined });
    await res.arrayBuffer();
    const refused = await call(id).then(
      () => false,
      (e: unknown) => e instanceof OperationsManagerError && e.kind === "invalid-request",
    );
    return { mock: res.status === 200, client: !refused };
  }
  const claimPath = (id: string) => `/operations-manager/tasks/${id}/claim`;
  const finishPath = (id: string) => `/operations-manager/jobs/${JOB_ID}/tasks/${id}/finish`;
  const om = () =>
    createOperationsManagerClient({ baseUrl: base(), auth: { username: "automation", password: "s3cr3t" } });

  it("claim taskIds: UUIDs of either case are valid for both, anything else for neither", async () => {
    const uuidLike = fc.tuple(hex(8), hex(4), hex(4), hex(4), hex(12)).map((parts) => parts.join("-"));
    const ids = fc.oneof(
      uuidLike,
      uuidLike.map((s) => s.toUpperCase()),
      junk,
      fc.uuid(),
    );
    await fc.assert(
      fc.asyncProperty(ids, async (id) => {
        const verdict = await verdicts(claimPath, (x) => om().claimTask(x), id);
        expect(verdict.client).toBe(verdict.mock);
      }),
      { numRuns: 40 },
    );
  });

  it("finish task keys: reserved and plain keys are valid for both, anything else for neither", async () => {
    const keys = fc.oneof(
      fc.constantFrom("workflow_start", "workflow_end", "error_handler"),
      fc.string({ unit: fc.constantFrom(..."abcdefXYZ0123456789_-"), minLength: 1, maxLength: 12 }),
      junk,
    );
    await fc.assert(
      fc.asyncProperty(keys, async (key) => {
        fc.pre(key !== "." && key !== ".."); // fetch resolves dot segments before anything is sent
        const verdict = await verdicts(finishPath, (x) => om().finishManualTask(JOB_ID, x), key);
        expect(verdict.client).toBe(verdict.mock);
      }),
      { numRuns: 40 },
    );
  });
});
