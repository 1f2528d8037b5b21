// The typed client against a recording loopback server: what it sends, and how every failure is
// reported — typed, with nothing sent for bad input and no credential anywhere in the error.
import { readFileSync } from "node:fs";
import path from "node:path";
import { runInNewContext } from "node:vm";
import {
  createOperationsManagerClient,
  isOperationsManagerError,
  OperationsManagerError,
  type OperationsManagerClient,
} from "../src/index";
import { readJson, repoRoot, type JsonObject } from "./support/spec";
import { startRecordingServer } from "./support/recording-server";
import { expectNoSecret, failure } from "./support/failure";
import { inspect } from "node:util";
import { TASK_ID, JOB_ID, TASK_KEY, claimAnswer, finishAnswer } from "./support/constants";

const USERNAME = "automation";
const PASSWORD = "s3cr3t-P@ss:w0rd";
const TOKEN = Buffer.from(`${USERNAME}:${PASSWORD}`).toString("base64");

const claimBody = claimAnswer;
const finishBody = finishAnswer;

let server: Awaited<ReturnType<typeof startRecordingServer>>;
let om: OperationsManagerClient;

beforeAll(async () => {
  server = await startRecordingServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  om = createOperationsManagerClient({
    baseUrl: server.url,
    auth: { username: USERNAME, password: PASSWORD },
    timeoutMs: 2_000,
  });
});

/** No credential of this file's client shows anywhere in an error, in any form. */
const expectNoSecretHere = (error: OperationsManagerError) => expectNoSecret(error, [PASSWORD, TOKEN]);

describe("claimTask", () => {
  it("POSTs to the task's claim path with Basic auth and no body, and resolves to the Task", async () => {
    server.json(200, claimBody);
    const task = await om.claimTask(TASK_ID);
    expect(task).toEqual(claimBody.data);
    expect(server.requests).toHaveLength(1);
    const [req] = server.requests;
    expect(req!.method).toBe("POST");
    expect(req!.url).toBe(`/operations-manager/tasks/${TASK_ID}/claim`);
    expect(req!.headers.authorization).toBe(`Basic ${TOKEN}`);
    expect(req!.body).toBe("");
  });

  it("encodes credentials as UTF-8 (RFC 7617)", async () => {
    server.json(200, claimBody);
    const client = createOperationsManagerClient({
      baseUrl: server.url,
      auth: { username: "jürgen", password: "pässwörd" },
    });
    await client.claimTask(TASK_ID);
    expect(server.requests[0]!.headers.authorization).toBe(
      `Basic ${Buffer.from("jürgen:pässwörd", "utf8").toString("base64")}`,
    );
  });

  it.each([
    ["not a UUID", "taskId"],
    ["empty", ""],
    ["a path traversal", "../../admin"],
    ["a UUID with a suffix", `${TASK_ID}/x`],
    ["a UUID missing a digit", TASK_ID.slice(1)],
  ])("refuses a taskId that is %s, sending nothing", async (_what, taskId) => {
    const error = await failure(om.claimTask(taskId));
    expect(error.kind).toBe("invalid-request");
    expect(error.operationId).toBe("claimTask");
    expect(error.message).toMatch(/taskId/);
    expect(server.requests).toHaveLength(0);
  });

  it("refuses a taskId that is not a string (from untyped callers)", async () => {
    const error = await failure(om.claimTask(42 as unknown as string));
    expect(error.kind).toBe("invalid-request");
    expect(error.message).toMatch(/path parameter taskId \(number\) must be string\. Nothing was sent\./);
    expect(server.requests).toHaveLength(0);
  });
});

describe("finishManualTask", () => {
  it("sends exactly {taskData} as JSON and resolves to the Job", async () => {
    server.json(200, finishBody);
    const taskData = { finish_state: "success", variables: { approved: true }, note: "extra members pass" };
    const job = await om.finishManualTask(JOB_ID, TASK_KEY, { taskData });
    expect(job).toEqual(finishBody.data);
    const [req] = server.requests;
    expect(req!.method).toBe("POST");
    expect(req!.url).toBe(`/operations-manager/jobs/${JOB_ID}/tasks/${TASK_KEY}/finish`);
    expect(req!.headers["content-type"]).toBe("application/json");
    expect(req!.headers.authorization).toBe(`Basic ${TOKEN}`);
    expect(JSON.parse(req!.body)).toEqual({ taskData });
  });

  it("takes taskData made in another realm, as jest hands out from response.json()", async () => {
    server.json(200, finishBody);
    const fromJson = (await new Response('{"finish_state":"success","variables":{"ok":true}}').json()) as Record<
      string,
      unknown
    >;
    const fromVm = runInNewContext('({ finish_state: "success", variables: { ok: true } })') as Record<string, unknown>;
    expect(Object.getPrototypeOf(fromVm)).not.toBe(Object.prototype);
    for (const taskData of [fromJson, fromVm]) await om.finishManualTask(JOB_ID, TASK_KEY, { taskData });
    expect(server.requests.map((r) => JSON.parse(r.body))).toEqual([
      { taskData: { finish_state: "success", variables: { ok: true } } },
      { taskData: { finish_state: "success", variables: { ok: true } } },
    ]);
  });

  it("judges what JSON sends, not the object: a dropped undefined member and a nested Date's string pass", async () => {
    server.json(200, finishBody);
    await om.finishManualTask(JOB_ID, TASK_KEY, {
      taskData: { finish_state: undefined, variables: { when: new Date(0), skip: undefined } },
    });
    // A member whose toJSON gives a string is a string on the wire, which is what the contract wants.
    await om.finishManualTask(JOB_ID, TASK_KEY, { taskData: { finish_state: { toJSON: () => "success" } } } as never);
    expect(server.requests.map((r) => JSON.parse(r.body))).toEqual([
      { taskData: { variables: { when: "1970-01-01T00:00:00.000Z" } } },
      { taskData: { finish_state: "success" } },
    ]);
  });

  it("sends {} when there is no task data, as the reference's curl does", async () => {
    server.json(200, finishBody);
    await om.finishManualTask(JOB_ID, "workflow_start");
    await om.finishManualTask(JOB_ID, "error_handler", {});
    expect(server.requests.map((r) => r.body)).toEqual(["{}", "{}"]);
  });

  it.each([
    ["a wrong-case jobId", "67BE20C2DDA0DF69EBE60824", TASK_KEY, undefined, /jobId/],
    ["a short jobId", "67be20c2", TASK_KEY, undefined, /jobId/],
    ["an empty taskId", JOB_ID, "", undefined, /taskId/],
    ["a taskId with a slash", JOB_ID, "a/b", undefined, /taskId/],
    ["a dotted taskId", JOB_ID, "..", undefined, /taskId/],
    [
      "taskData that is a string",
      JOB_ID,
      TASK_KEY,
      { taskData: "done" },
      /taskData must be a plain object, got a string/,
    ],
    ["taskData that is an array", JOB_ID, TASK_KEY, { taskData: [] }, /taskData must be a plain object, got an array/],
    ["taskData that is null", JOB_ID, TASK_KEY, { taskData: null }, /taskData must be a plain object, got null/],
    [
      "a finish_state that is not a string",
      JOB_ID,
      TASK_KEY,
      { taskData: { finish_state: 1 } },
      /body \/taskData\/finish_state must be string\. Nothing was sent\./,
    ],
    [
      "variables that are not an object",
      JOB_ID,
      TASK_KEY,
      { taskData: { variables: "x" } },
      /body \/taskData\/variables must be object/,
    ],
    [
      "a body with other members",
      JOB_ID,
      TASK_KEY,
      { taskData: {}, finish_state: "success" },
      /body \/finish_state is not allowed here/,
    ],
    [
      "a misspelt taskdata",
      JOB_ID,
      TASK_KEY,
      { taskdata: { finish_state: "success" } },
      /body \/taskdata is not allowed here/,
    ],
    [
      "a wrong finish_state and a misspelt member at once",
      JOB_ID,
      TASK_KEY,
      { taskData: { finish_state: 1 }, extra: 1 },
      /body \/extra is not allowed here; \/taskData\/finish_state must be string/,
    ],
    ["a body that is an array", JOB_ID, TASK_KEY, [], /body must be a plain object/],
    [
      "taskData that is a Date",
      JOB_ID,
      TASK_KEY,
      { taskData: new Date(0) },
      /taskData must be a plain object, got a Date/,
    ],
    [
      "taskData that is a Map",
      JOB_ID,
      TASK_KEY,
      { taskData: new Map([["a", 1]]) },
      /taskData must be a plain object, got a Map/,
    ],
    [
      "taskData with its own toJSON",
      JOB_ID,
      TASK_KEY,
      { taskData: { toJSON: () => "hi" } },
      /taskData must be a plain object, got an object with toJSON/,
    ],
    // A Date has a JSON form (its ISO string), which the contract then refuses where an object belongs.
    [
      "variables that are a Date",
      JOB_ID,
      TASK_KEY,
      { taskData: { variables: new Date(0) } },
      /body \/taskData\/variables must be object/,
    ],
    [
      "variables that are a Map",
      JOB_ID,
      TASK_KEY,
      { taskData: { variables: new Map([["a", 1]]) } },
      /a Map at "variables" has no JSON form/,
    ],
    [
      "a Set deeper in the variables",
      JOB_ID,
      TASK_KEY,
      { taskData: { variables: { ids: new Set([1]) } } },
      /a Set at "ids" has no JSON form/,
    ],
    [
      "circular taskData",
      JOB_ID,
      TASK_KEY,
      { taskData: circular() },
      /body cannot be serialized to JSON \(Converting circular structure/,
    ],
    [
      "a BigInt in taskData",
      JOB_ID,
      TASK_KEY,
      { taskData: { variables: { n: 10n } } },
      /body cannot be serialized to JSON \(Do not know how to serialize a BigInt/,
    ],
  ])("refuses %s, sending nothing", async (_what, jobId, taskId, body, message) => {
    const error = await failure(om.finishManualTask(jobId, taskId, body as never));
    expect(error.kind).toBe("invalid-request");
    expect(error.operationId).toBe("finishManualTask");
    expect(error.message).toMatch(message);
    expect(server.requests).toHaveLength(0);
  });
});

function circular() {
  const taskData: Record<string, unknown> = { finish_state: "success" };
  taskData.self = taskData;
  return taskData;
}

describe("failures", () => {
  it.each([302, 307])("a %i redirect: kind http with its status, not followed", async (status) => {
    server.answer((req, res) => {
      if (req.url === "/elsewhere")
        res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(claimBody));
      else res.writeHead(status, { Location: "/elsewhere" }).end();
    });
    const error = await failure(om.claimTask(TASK_ID));
    expect(error).toMatchObject({ kind: "http", status, operationId: "claimTask" });
    expect(error.message).toMatch(/a redirect to \/elsewhere, not followed/);
    expect(server.requests.map((r) => r.url)).toEqual([`/operations-manager/tasks/${TASK_ID}/claim`]);
  });

  it("a JSON error answer: kind http, with status and the parsed body", async () => {
    server.json(500, { message: "Internal Server Error", data: null, metadata: {} });
    const error = await failure(om.claimTask(TASK_ID));
    expect(error).toMatchObject({
      kind: "http",
      status: 500,
      operationId: "claimTask",
      body: { message: "Internal Server Error" },
    });
    expect(error.message).toMatch(/500.*Internal Server Error/);
  });

  it("an HTML 502 page: kind http, the body as text", async () => {
    server.answer((_req, res) =>
      res.writeHead(502, { "Content-Type": "text/html" }).end("<html><body>Bad Gateway</body></html>"),
    );
    const error = await failure(om.finishManualTask(JOB_ID, TASK_KEY));
    expect(error).toMatchObject({ kind: "http", status: 502, body: "<html><body>Bad Gateway</body></html>" });
  });

  it("an empty error answer: kind http, no body", async () => {
    server.answer((_req, res) => res.writeHead(401).end());
    const error = await failure(om.claimTask(TASK_ID));
    expect(error).toMatchObject({ kind: "http", status: 401 });
    expect(error.body).toBeUndefined();
  });

  it.each([
    [
      "HTML",
      (res: import("node:http").ServerResponse) =>
        res.writeHead(200, { "Content-Type": "text/html" }).end("<html>login</html>"),
      /not JSON \(text\/html\)/,
      "<html>login</html>",
    ],
    ["an empty body", (res: import("node:http").ServerResponse) => res.writeHead(200).end(), /empty body/, undefined],
    [
      "JSON without data",
      (res: import("node:http").ServerResponse) =>
        res.writeHead(200, { "Content-Type": "application/json" }).end('{"message":"ok"}'),
      /not the envelope/,
      { message: "ok" },
    ],
    [
      "a JSON array",
      (res: import("node:http").ServerResponse) =>
        res.writeHead(200, { "Content-Type": "application/json" }).end("[1]"),
      /not the envelope/,
      [1],
    ],
    ["a 204", (res: import("node:http").ServerResponse) => res.writeHead(204).end(), /empty body/, undefined],
  ])("a 2xx with %s: kind invalid-response", async (_what, answer, message, body) => {
    server.answer((_req, res) => answer(res));
    const error = await failure(om.claimTask(TASK_ID));
    expect(error.kind).toBe("invalid-response");
    expect(error.message).toMatch(message);
    expect(error.body).toEqual(body);
  });

  it("no server: kind network", async () => {
    const closed = await startRecordingServer();
    await closed.close();
    const client = createOperationsManagerClient({
      baseUrl: closed.url,
      auth: { username: USERNAME, password: PASSWORD },
    });
    const error = await failure(client.claimTask(TASK_ID));
    expect(error.kind).toBe("network");
    expect(error.message).toMatch(/no answer from the server/);
    expect(error.cause).toBeDefined();
  });

  it("no answer within timeoutMs: kind timeout", async () => {
    server.answer(() => {
      /* never answers */
    });
    const client = createOperationsManagerClient({
      baseUrl: server.url,
      auth: { username: USERNAME, password: PASSWORD },
      timeoutMs: 100,
    });
    const error = await failure(client.claimTask(TASK_ID));
    expect(error.kind).toBe("timeout");
  });

  it("the caller's signal aborts: kind network; a timeout signal: kind timeout", async () => {
    server.answer(() => {
      /* never answers */
    });
    const controller = new AbortController();
    const pending = om.claimTask(TASK_ID, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const aborted = await failure(pending);
    expect(aborted.kind).toBe("network");
    expect(aborted.message).toMatch(/aborted by the caller's signal/);
    const timedOut = await failure(om.claimTask(TASK_ID, { signal: AbortSignal.timeout(50) }));
    expect(timedOut.kind).toBe("timeout");
  });

  it("with timeoutMs: Infinity a slow answer still arrives, and the caller's signal still aborts", async () => {
    const client = createOperationsManagerClient({
      baseUrl: server.url,
      auth: { username: USERNAME, password: PASSWORD },
      timeoutMs: Infinity,
    });
    server.answer((_req, res) => {
      setTimeout(() => res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(claimBody)), 150);
    });
    await expect(client.claimTask(TASK_ID)).resolves.toEqual(claimBody.data);
    server.answer(() => {
      /* never answers */
    });
    const controller = new AbortController();
    const pending = client.claimTask(TASK_ID, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect((await failure(pending)).kind).toBe("network");
    expect((await failure(client.claimTask(TASK_ID, { signal: AbortSignal.timeout(50) }))).kind).toBe("timeout");
  });

  it("an already aborted signal: nothing reaches the server", async () => {
    const error = await failure(om.claimTask(TASK_ID, { signal: AbortSignal.abort() }));
    expect(error.kind).toBe("network");
    expect(server.requests).toHaveLength(0);
  });
});

it("an OperationsManagerError from another copy of the module (the other build) passes instanceof", () => {
  let Other!: typeof OperationsManagerError;
  jest.isolateModules(() => {
    Other = (
      require("../src/errors/operations-manager-error") as typeof import("../src/errors/operations-manager-error")
    ).OperationsManagerError;
  });
  expect(Other).not.toBe(OperationsManagerError);
  const foreign = new Other("http", "claimTask: the server answered 500", { status: 500 });
  expect(foreign).toBeInstanceOf(OperationsManagerError);
  expect(isOperationsManagerError(foreign)).toBe(true);
  expect(new Error("x")).not.toBeInstanceOf(OperationsManagerError);
  expect(isOperationsManagerError({ name: "OperationsManagerError", kind: "http" })).toBe(false);
});

it("instanceof stays honest: subclasses check their prototype, a forged brand on a plain object is not an error", () => {
  class Special extends OperationsManagerError {}
  expect(new OperationsManagerError("http", "x")).not.toBeInstanceOf(Special);
  expect(new Special("http", "x")).toBeInstanceOf(Special);
  expect(new Special("http", "x")).toBeInstanceOf(OperationsManagerError);
  const forged = { [Symbol.for("operations-manager-tasks-contract@0")]: true };
  expect(forged).not.toBeInstanceOf(OperationsManagerError);
});

describe("credentials never leak", () => {
  it("not when the server echoes them in its error body and status text", async () => {
    server.answer((req, res) => {
      res.statusMessage = `Denied ${PASSWORD}`;
      res
        .writeHead(403, { "Content-Type": "application/json" })
        .end(JSON.stringify({ message: `bad ${req.headers.authorization} ${PASSWORD}`, [PASSWORD]: TOKEN }));
    });
    const error = await failure(om.claimTask(TASK_ID));
    expect(error.kind).toBe("http");
    expectNoSecretHere(error);
    expect(error.message).toMatch(/\[redacted\]/);
  });

  it("not when a 200 that is not JSON echoes them", async () => {
    server.answer((req, res) =>
      res.writeHead(200, { "Content-Type": "text/plain" }).end(`you sent ${req.headers.authorization}`),
    );
    const error = await failure(om.claimTask(TASK_ID));
    expect(error.kind).toBe("invalid-response");
    expectNoSecretHere(error);
  });

  it("not when a custom fetch throws an error that holds the header", async () => {
    const client = createOperationsManagerClient({
      baseUrl: server.url,
      auth: { username: USERNAME, password: PASSWORD },
      fetch: async (_url, init) => {
        throw new Error(`proxy refused ${new Headers(init.headers).get("authorization")}`);
      },
    });
    const error = await failure(client.claimTask(TASK_ID));
    expect(error.kind).toBe("network");
    expectNoSecretHere(error);
  });

  it("not in network, timeout or invalid-request errors, and the client logs nothing", async () => {
    const spies = (["log", "info", "warn", "error", "debug"] as const).map((m) =>
      jest.spyOn(console, m).mockImplementation(() => {}),
    );
    try {
      const errors = [
        await failure(om.claimTask("bad")),
        await failure(
          createOperationsManagerClient({
            baseUrl: "http://127.0.0.1:1",
            auth: { username: USERNAME, password: PASSWORD },
          }).claimTask(TASK_ID),
        ),
      ];
      errors.forEach(expectNoSecretHere);
      for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    } finally {
      spies.forEach((s) => s.mockRestore());
    }
  });

  it("the client object keeps no credential where it can be shown (its members, raw's included, at any depth)", () => {
    const shown = inspect(om, { depth: Infinity, showHidden: true, getters: true });
    expect(shown).toContain("claimTask");
    expect(shown).not.toContain(PASSWORD);
    expect(shown).not.toContain(TOKEN);
  });
});

describe("options", () => {
  it.each([
    [
      "a baseUrl with credentials",
      { baseUrl: `http://${USERNAME}:${PASSWORD}@127.0.0.1`, auth: { username: "a", password: "b" } },
      /must not contain credentials/,
    ],
    ["a relative baseUrl", { baseUrl: "/api", auth: { username: "a", password: "b" } }, /absolute http\(s\) URL/],
    ["a non-http baseUrl", { baseUrl: "ftp://host", auth: { username: "a", password: "b" } }, /http or https/],
    ["no auth", { baseUrl: "http://127.0.0.1" }, /auth is required/],
    [
      "a username with a colon",
      { baseUrl: "http://127.0.0.1", auth: { username: "a:b", password: "c" } },
      /must not contain ':'/,
    ],
    [
      "a negative timeout",
      { baseUrl: "http://127.0.0.1", auth: { username: "a", password: "b" }, timeoutMs: -1 },
      /timeoutMs/,
    ],
  ])("refuses %s with a typed error", (_what, options, message) => {
    let thrown: unknown;
    try {
      createOperationsManagerClient(options as never);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(OperationsManagerError);
    expect((thrown as OperationsManagerError).kind).toBe("invalid-request");
    expect((thrown as Error).message).toMatch(message);
    expect((thrown as Error).message).not.toContain(PASSWORD);
  });

  it("sends with the given fetch, as fetch(url, init)", async () => {
    const calls: Array<[string, RequestInit]> = [];
    const client = createOperationsManagerClient({
      baseUrl: "https://platform.invalid:3000/",
      auth: { username: USERNAME, password: PASSWORD },
      fetch: async (url, init) => {
        calls.push([url, init]);
        return new Response(JSON.stringify(claimBody), {
          status: 200,
          headers: { "Content-Type": "application/json" },
        });
      },
    });
    await expect(client.claimTask(TASK_ID)).resolves.toEqual(claimBody.data);
    expect(calls).toHaveLength(1);
    expect(calls[0]![0]).toBe(`https://platform.invalid:3000/operations-manager/tasks/${TASK_ID}/claim`);
    expect(calls[0]![1].method).toBe("POST");
    expect(new Headers(calls[0]![1].headers).get("authorization")).toBe(`Basic ${TOKEN}`);
  });

  it("raw is a plain openapi-fetch client with base URL and credentials", async () => {
    server.json(200, claimBody);
    const { data, response } = await om.raw.POST("/operations-manager/tasks/{taskId}/claim", {
      params: { path: { taskId: TASK_ID } },
    });
    expect(response.status).toBe(200);
    expect(data?.data._id).toBe((claimBody.data as JsonObject)._id);
    expect(server.requests[0]!.headers.authorization).toBe(`Basic ${TOKEN}`);
  });
});

describe("validate: answers checked against the contract", () => {
  const broken = { ...claimBody, data: { ...(claimBody.data as JsonObject), name: 42 } };
  const client = (validate: NonNullable<Parameters<typeof createOperationsManagerClient>[0]["validate"]>) =>
    createOperationsManagerClient({
      baseUrl: server.url,
      auth: { username: USERNAME, password: PASSWORD },
      timeoutMs: 2_000,
      validate,
    });

  it('"throw": a 2xx answer with data.name 42 rejects as invalid-response, naming /data/name', async () => {
    server.json(200, broken);
    const error = await failure(client("throw").claimTask(TASK_ID));
    expect(error).toMatchObject({ kind: "invalid-response", status: 200, operationId: "claimTask", body: broken });
    expect(error.violations).toEqual([{ path: "/data/name", message: "must be string" }]);
    expect(error.message).toMatch(/\/data\/name must be string/);
    expect(server.requests).toHaveLength(1);
  });

  it('"throw": an answer that keeps the contract, with unknown extra members, resolves', async () => {
    const grown = { ...finishBody, extra: 1, data: { ...(finishBody.data as JsonObject), newField: { x: 1 } } };
    server.json(200, grown);
    await expect(client("throw").finishManualTask(JOB_ID, TASK_KEY)).resolves.toEqual(grown.data);
  });

  it("a function: told once with the violations and { operationId, status }; the call resolves with the data", async () => {
    server.json(200, broken);
    const told = jest.fn();
    await expect(client(told).claimTask(TASK_ID)).resolves.toEqual(broken.data);
    expect(told).toHaveBeenCalledTimes(1);
    expect(told).toHaveBeenCalledWith([{ path: "/data/name", message: "must be string" }], {
      operationId: "claimTask",
      status: 200,
      total: 1,
    });
  });

  it('"off" (the default) sends and returns exactly what it does without the option', async () => {
    server.json(200, broken);
    const plain = await om.claimTask(TASK_ID);
    const off = await client("off").claimTask(TASK_ID);
    expect(off).toEqual(plain);
    expect(off).toEqual(broken.data);
    const [a, b] = server.requests;
    expect({ ...b!, headers: { ...b!.headers, connection: undefined } }).toEqual({
      ...a!,
      headers: { ...a!.headers, connection: undefined },
    });
  });

  it("a non-2xx answer stays kind http, carrying the violations of its declared error schema (and the function is told)", async () => {
    server.json(500, { data: null });
    const told = jest.fn();
    for (const validate of ["throw", told] as const) {
      const error = await failure(client(validate).claimTask(TASK_ID));
      expect(error).toMatchObject({ kind: "http", status: 500, body: { data: null } });
      expect(error.violations).toEqual([{ path: "/message", message: "is required" }]);
    }
    expect(told).toHaveBeenCalledWith([{ path: "/message", message: "is required" }], {
      operationId: "claimTask",
      status: 500,
      total: 1,
    });
  });

  it("a non-2xx answer that keeps its declared schema carries no violations; an undeclared status is not judged", async () => {
    server.json(500, { message: "Internal Server Error" });
    expect((await failure(client("throw").claimTask(TASK_ID))).violations).toBeUndefined();
    server.json(418, { teapot: true });
    expect((await failure(client("throw").claimTask(TASK_ID))).violations).toBeUndefined();
  });

  it("violations name no credential the answer echoes", async () => {
    server.json(200, { ...claimBody, data: { ...(claimBody.data as JsonObject), [PASSWORD]: 1, _id: 7 } });
    const error = await failure(client("throw").claimTask(TASK_ID));
    expect(error.violations).toEqual([{ path: "/data/_id", message: "must be string" }]);
    expectNoSecretHere(error);
  });

  it("refuses a validate option that is none of the three", () => {
    expect(() => client("loud" as never)).toThrow(/validate must be "off", "throw" or a function/);
  });
});

describe("deprecation", () => {
  it("finishManualTask carries @deprecated exactly as the spec flags its operation", () => {
    const spec = readJson<JsonObject>("generated/openapi.json");
    const source = readFileSync(path.join(repoRoot, "src/client/create-client.ts"), "utf8");
    // The client's methods are the Operations Manager operations; the token ones are its own steps.
    const methods = Object.entries(spec.paths as JsonObject).filter(([, item]) =>
      (((item as JsonObject).post as JsonObject).tags as string[]).includes("Operations Manager"),
    );
    expect(methods).toHaveLength(2);
    for (const [p, item] of methods) {
      const op = (item as JsonObject).post as JsonObject;
      const doc = source.match(new RegExp(`/\\*\\*((?:(?!\\*/)[\\s\\S])*)\\*/\\s*${op.operationId as string}\\(`));
      expect(doc).not.toBeNull();
      expect([p, doc![1]!.includes("@deprecated")]).toEqual([p, op.deprecated === true]);
    }
  });
});
