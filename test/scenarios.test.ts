// The mock's scenarios: named examples that exist on both operations' 200 answers and chain (the
// claimed Task names the job and task key that the finish answer of the same name shows worked),
// read from the bundle and checked against a real Prism; `startMockServer({ example })`; and the
// rules the client checks on answers, kept by Prism's generated (dynamic) answers.
import path from "node:path";
import { createOperationsManagerClient, type Job, type Task } from "../src/index";
import type { Fetch } from "../src/http/transport";
import { responseValidators } from "../generated/response-validators";
import { bodyViolations } from "../src/contract/validation";
import { JOB_ID, PASSWORD, TASK_ID, TASK_KEY, USERNAME } from "./support/constants";
import { startRecordingServer } from "./support/recording-server";
import { loadSpec, repoRoot, responseExamples, type JsonObject } from "./support/spec";

// The CommonJS build, as a consumer's jest loads it (see mock-server.test.ts).
const { startMockServer } = require(path.join(repoRoot, "dist/cjs/src/mock.js")) as typeof import("../src/mock");

const spec = loadSpec();
const claims = responseExamples(spec, "claimTask", 200) as Record<string, JsonObject>;
const finishes = responseExamples(spec, "finishManualTask", 200) as Record<string, JsonObject>;
/** The reference pages' own examples: kept as they are, so they are no scenario (their ids do not chain). */
const REFERENCE = "reference";
const scenarios = Object.keys(claims).filter((name) => name !== REFERENCE);

/** What each scenario is for: the finish_state its approval task is finished with. */
const FINISH_STATE: Record<string, string> = { approved: "success", rejected: "failure", jobError: "success" };

const base = () => {
  const url = process.env.OM_MOCK_URL;
  if (!url) throw new Error("OM_MOCK_URL is not set: the jest global setup did not start Prism");
  return url;
};

/** A Basic client whose requests all carry `Prefer` (no token request to spoil). */
function client(baseUrl: string, prefer?: string) {
  const fetchWith: Fetch = (url, init) =>
    fetch(
      url,
      prefer ? { ...init, headers: { ...Object.fromEntries(new Headers(init?.headers)), Prefer: prefer } } : init,
    );
  return createOperationsManagerClient({
    baseUrl,
    auth: { username: USERNAME, password: PASSWORD },
    fetch: fetchWith,
    validate: "throw",
  });
}

/** Problems with one claim → finish pair as a scenario: the ids chain, the task is worked, its transition taken. */
function chainProblems(task: Task, job: Job, finishState: string): string[] {
  const problems: string[] = [];
  const key = task.job?.task;
  if (task.job?._id !== job._id)
    problems.push(`claimed job._id ${task.job?._id} is not the finish answer's _id ${job._id}`);
  const entry = key === undefined ? undefined : job.tasks?.[key];
  if (!entry)
    return [
      ...problems,
      `claimed job.task ${key} is no key of the job's tasks (${Object.keys(job.tasks ?? {}).join(", ")})`,
    ];
  if (entry.status !== "complete") problems.push(`task ${key} is ${entry.status}, not complete`);
  if (entry.metrics?.finish_state !== finishState)
    problems.push(`task ${key} metrics.finish_state is ${entry.metrics?.finish_state}, not ${finishState}`);
  if (entry.finish_state !== undefined && entry.finish_state !== finishState)
    problems.push(`task ${key} finish_state is ${entry.finish_state}, not ${finishState}`);
  if (!entry.iterations?.includes(task._id))
    problems.push(`the claimed iteration ${task._id} is not among task ${key}'s iterations`);
  const next = entry.transitions?.[finishState] ?? [];
  if (next.length === 0) problems.push(`task ${key} has no ${finishState} transition`);
  for (const { task: target } of next) {
    if (job.tasks?.[target!]?.status === "incomplete")
      problems.push(`the ${finishState} transition's task ${target} was not started`);
  }
  return problems;
}

describe("the scenarios in the spec", () => {
  it("exist under the same names on both 200 answers, approved first, with the reference's own examples named reference", () => {
    expect(Object.keys(claims).sort()).toEqual(Object.keys(finishes).sort());
    expect(scenarios).toEqual(expect.arrayContaining(["approved", "rejected"]));
    expect(Object.keys(claims)[0]).toBe("approved");
    expect(Object.keys(finishes)[0]).toBe("approved");
    expect(Object.keys(claims)).toContain(REFERENCE);
    // Each scenario says what it is finished with (a new one must be added here).
    expect(scenarios.filter((name) => !(name in FINISH_STATE))).toEqual([]);
  });

  it.each(scenarios)("%s chains: the claimed Task's job is the finish answer's, its task worked", (name) => {
    expect(chainProblems(claims[name]!.data as Task, finishes[name]!.data as Job, FINISH_STATE[name]!)).toEqual([]);
  });

  it("approved ends well and rejected takes the failure path: the two jobs run on (or complete), neither in error", () => {
    for (const name of ["approved", "rejected"]) {
      expect([name, ["running", "complete"].includes((finishes[name]!.data as Job).status!)]).toEqual([name, true]);
    }
  });

  it("the spec's parameter examples are the approved chain's ids (npm start's curl lines finish what they claim)", () => {
    const task = claims.approved!.data as Task;
    expect([TASK_ID, JOB_ID, TASK_KEY]).toEqual([task._id, task.job!._id, task.job!.task]);
  });

  it("the chain check can fail: a scenario's claim against another's finish", () => {
    expect(chainProblems(claims.approved!.data as Task, finishes.rejected!.data as Job, "success")).not.toEqual([]);
    expect(chainProblems(claims.rejected!.data as Task, finishes.rejected!.data as Job, "success")).not.toEqual([]);
  });
});

describe("the scenarios on the mock, through the client", () => {
  it("without Prefer, claim → finish with the claimed ids is the approved scenario", async () => {
    const om = client(base());
    const task = await om.claimTask(TASK_ID);
    const job = await om.finishManualTask(task.job!._id!, task.job!.task!, {
      taskData: { finish_state: FINISH_STATE.approved! },
    });
    expect(task).toEqual(claims.approved!.data);
    expect(job).toEqual(finishes.approved!.data);
    expect(chainProblems(task, job, FINISH_STATE.approved!)).toEqual([]);
  });

  it.each(scenarios)("Prefer: example=%s answers that scenario's claim and finish, chained", async (name) => {
    const om = client(base(), `example=${name}`);
    const task = await om.claimTask(TASK_ID);
    const job = await om.finishManualTask(task.job!._id!, task.job!.task!, {
      taskData: { finish_state: FINISH_STATE[name]! },
    });
    expect(task).toEqual(claims[name]!.data);
    expect(job).toEqual(finishes[name]!.data);
    expect(chainProblems(task, job, FINISH_STATE[name]!)).toEqual([]);
  });
});

describe("startMockServer({ example })", () => {
  it("answers that scenario without a header, on both operations; token operations keep their own example", async () => {
    const mock = await startMockServer({ example: "rejected" });
    try {
      const om = createOperationsManagerClient({
        baseUrl: mock.url,
        auth: { clientId: "svc-automation", clientSecret: "client-s3cret" },
        validate: "throw",
      });
      const task = await om.claimTask(TASK_ID);
      expect(task).toEqual(claims.rejected!.data);
      const job = await om.finishManualTask(task.job!._id!, task.job!.task!, {
        taskData: { finish_state: FINISH_STATE.rejected! },
      });
      expect(job).toEqual(finishes.rejected!.data);
      // A header still picks another, per request.
      expect(await client(mock.url, "example=approved").claimTask(TASK_ID)).toEqual(claims.approved!.data);
    } finally {
      await mock.close();
    }
  });

  it.each([
    ["example=nope", "No such example", ["approved", "rejected", "jobError", "reference"]],
    ["code=299", "No such answer", ["200", "400", "401", "500"]],
    ["code=500, example=nope", "No such example", ["error"]],
  ])("Prefer: %s is a problem answer that lists what there is", async (prefer, title, known) => {
    const res = await fetch(`${base()}/operations-manager/tasks/${TASK_ID}/claim`, {
      method: "POST",
      headers: { Authorization: `Basic ${Buffer.from(`${USERNAME}:${PASSWORD}`).toString("base64")}`, Prefer: prefer },
    });
    expect([res.status, res.headers.get("content-type")]).toEqual([404, "application/problem+json"]);
    const problem = (await res.json()) as { title: string; detail: string; known: string[] };
    expect(problem.title).toBe(title);
    expect(problem.known).toEqual(known);
    for (const name of known) expect(problem.detail).toContain(name);
  });

  it("an unknown name is a RangeError naming the examples there are; with dynamic, a TypeError", async () => {
    const error = await startMockServer({ example: "aproved" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RangeError);
    expect(error).toMatchObject({ code: "ERR_UNKNOWN_EXAMPLE" });
    for (const name of Object.keys(claims)) expect((error as Error).message).toContain(name);
    expect((error as Error).message).toContain('"aproved"');
    await expect(startMockServer({ example: "rejected", dynamic: true })).rejects.toThrow(TypeError);
    await expect(startMockServer({ example: "" })).rejects.toThrow(TypeError);
  });
});

// The token rules, one token at a time: the spec's schema of each token answer accepts exactly the
// tokens the client takes (it refuses the others with kind "auth" before sending anything).
describe("the spec's token schemas and the client agree on every token", () => {
  const tokens = [
    "abc",
    "eyJ0.eyJ1.c2ln",
    "~!#$%&'()*+,-./:;<=>?@\\^_`|}",
    "]x",
    "}x",
    "a b",
    "x\ty",
    "é",
    "a\u00e9",
    "{abc",
    "[abc",
    '"abc',
    "abc}",
    "abc]",
    'a"b',
  ];
  let platform: Awaited<ReturnType<typeof startRecordingServer>>;
  beforeAll(async () => {
    platform = await startRecordingServer();
  });
  afterAll(() => platform.close());

  /** Does the client take this token answer: does it go on to send the claim? */
  async function takes(
    auth: { clientId: string; clientSecret: string } | { username: string; password: string; method: "login" },
    answer: () => void,
  ) {
    answer();
    const claims = () => platform.requests.filter((r) => r.url.includes("/claim")).length;
    const before = claims();
    const error = await createOperationsManagerClient({ baseUrl: platform.url, auth })
      .claimTask(TASK_ID)
      .catch((e: unknown) => e);
    return { sent: claims() > before, kind: (error as { kind?: string } | undefined)?.kind };
  }
  const answerWith = (type: string, body: string) => () =>
    platform.answer((req, res) => {
      if (req.url.includes("/claim"))
        res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(claims.approved));
      else res.writeHead(200, { "Content-Type": type }).end(body);
    });

  it.each(tokens)("OAuth access_token %j", async (token) => {
    const valid = !bodyViolations(responseValidators, "getOAuthToken", 200, "application/json", {
      access_token: token,
      token_type: "bearer",
    });
    const verdict = await takes(
      { clientId: "svc", clientSecret: "client-s3cret" },
      answerWith("application/json", JSON.stringify({ access_token: token, token_type: "bearer", expires_in: 3600 })),
    );
    expect(verdict).toEqual(valid ? { sent: true, kind: undefined } : { sent: false, kind: "auth" });
  });

  it.each(tokens)("login token %j, as text and as a JSON string", async (token) => {
    for (const [type, body] of [
      ["text/plain", token],
      ["application/json", JSON.stringify(token)],
    ] as const) {
      const valid = !bodyViolations(responseValidators, "login", 200, type, type === "text/plain" ? body : token);
      const verdict = await takes({ username: USERNAME, password: PASSWORD, method: "login" }, answerWith(type, body));
      expect([type, verdict]).toEqual([type, valid ? { sent: true, kind: undefined } : { sent: false, kind: "auth" }]);
    }
  });
});

// Every rule the client checks on an answer is stated in the spec, so Prism's generated answers
// keep it: a token a header can carry, a Task whose job._id and job.task finishManualTask takes.
// A rule the client checks and the spec does not state fails this flow in most runs.
describe("generated answers (dynamic: true) keep every rule the client checks", () => {
  const RUNS = 10;
  // One start: Prism generates every answer afresh (the token, the Task), so ten claim/finish pairs
  // on one mock sample the generator as ten starts did, without nine more Prism start-ups.
  it(`an OAuth client and a login client claim, then finish the claimed ids, in ${RUNS} of ${RUNS} runs`, async () => {
    const failures: string[] = [];
    const jobIds = new Set<string | undefined>();
    const mock = await startMockServer({ dynamic: true });
    try {
      for (let run = 0; run < RUNS; run++) {
        for (const auth of [
          { clientId: "svc-automation", clientSecret: "client-s3cret" },
          { username: USERNAME, password: PASSWORD, method: "login" as const },
        ]) {
          // A fresh client each run: a fresh token request, as a fresh start had.
          const om = createOperationsManagerClient({ baseUrl: mock.url, auth, validate: "throw" });
          try {
            const task = await om.claimTask(TASK_ID);
            // Generated, not one of the examples.
            if (Object.values(claims).some((example) => (example.data as Task).job?._id === task.job?._id))
              failures.push(`run ${run + 1}: an example's job answered`);
            jobIds.add(task.job?._id);
            await om.finishManualTask(task.job!._id!, task.job!.task!, { taskData: { finish_state: "success" } });
          } catch (error) {
            failures.push(`run ${run + 1}, ${"clientId" in auth ? "OAuth" : "login"}: ${(error as Error).message}`);
          }
        }
      }
    } finally {
      await mock.close();
    }
    expect(failures).toEqual([]);
    // Each answer was generated anew: one start did not answer one sample over and over.
    expect(jobIds.size).toBeGreaterThan(RUNS);
  }, 120_000);

  // Every id an answer gives that an operation takes has that operation's schema (Task._id is a
  // TaskIterationId), so the ids round-trip: claim, claim again with task._id, finish.
  const ROUND_TRIPS = 50;
  it(`claim → claim again with task._id → finish, ${ROUND_TRIPS} times in a row against one start`, async () => {
    const mock = await startMockServer({ dynamic: true });
    const failures: string[] = [];
    try {
      const om = createOperationsManagerClient({
        baseUrl: mock.url,
        auth: { clientId: "svc-automation", clientSecret: "client-s3cret" },
        validate: "throw",
      });
      const ids = new Set<string>();
      for (let run = 0; run < ROUND_TRIPS; run++) {
        try {
          const task = await om.claimTask(TASK_ID);
          ids.add(task._id);
          const again = await om.claimTask(task._id);
          await om.finishManualTask(again.job!._id!, again.job!.task!, { taskData: { finish_state: "success" } });
        } catch (error) {
          failures.push(`run ${run + 1}: ${(error as Error).message}`);
        }
      }
      // Generated ids, not one example's again and again.
      expect(ids.size).toBeGreaterThan(ROUND_TRIPS / 2);
    } finally {
      await mock.close();
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
