// The spec is faithful to the API reference: every example in it is valid, the reference's own
// example bodies validate, and values of the wrong type or shape are rejected.
import { claimAccepted, claimMutants, finishAccepted, finishMutants, mutate } from "./support/mutants";
import {
  deref,
  describeErrors,
  escapePointer,
  readJson,
  SpecValidator,
  type Json,
  type JsonObject,
} from "./support/spec";
import { TASK_KEY, claimAnswer, referenceBody } from "./support/constants";

const v = new SpecValidator();
const spec = v.spec;

type Example = { where: string; schemaRef: string; value: unknown };

/** Every example the spec carries, with the pointer of the schema it must satisfy. */
function allExamples(): Example[] {
  const found: Example[] = [];
  for (const [p, item] of Object.entries(spec.paths as JsonObject)) {
    for (const [method, op] of Object.entries(item as JsonObject)) {
      const opBase = `#/paths/${escapePointer(p)}/${method}`;
      const operation = op as JsonObject;
      ((operation.parameters as Json[] | undefined) ?? []).forEach((param, i) => {
        const ref = (param as JsonObject).$ref as string | undefined;
        const base = ref ?? `${opBase}/parameters/${i}`;
        const resolved = deref(spec, param) as JsonObject;
        found.push({
          where: `${operation.operationId} parameter ${resolved.name}`,
          schemaRef: `${base}/schema`,
          value: resolved.example,
        });
      });
      const media: Array<[string, string, Json | undefined]> = [
        ["request", `${opBase}/requestBody`, operation.requestBody],
      ];
      for (const [status, response] of Object.entries(operation.responses as JsonObject)) {
        media.push([
          status,
          ((response as JsonObject).$ref as string | undefined) ?? `${opBase}/responses/${status}`,
          response,
        ]);
      }
      for (const [label, base, holder] of media) {
        const content = (deref(spec, holder) as JsonObject | undefined)?.content as JsonObject | undefined;
        for (const [type, mt] of Object.entries(content ?? {})) {
          for (const [name, example] of Object.entries(((mt as JsonObject).examples as JsonObject) ?? {})) {
            found.push({
              where: `${operation.operationId} ${label} example ${name}`,
              schemaRef: `${base}/content/${escapePointer(type)}/schema`,
              value: (deref(spec, example) as JsonObject).value,
            });
          }
        }
      }
    }
  }
  for (const [name, schema] of Object.entries((spec.components as JsonObject).schemas as JsonObject)) {
    ((schema as JsonObject).examples as Json[] | undefined)?.forEach((value, i) =>
      found.push({ where: `schema ${name} example ${i}`, schemaRef: `#/components/schemas/${name}`, value }),
    );
  }
  return found;
}

describe("examples in the spec", () => {
  const examples = allExamples();

  it("cover every parameter and every response of both operations", () => {
    const where = examples.map((e) => e.where);
    for (const op of ["claimTask", "finishManualTask"]) {
      for (const status of ["200", "400", "401", "500"]) {
        expect(where.some((w) => w.startsWith(`${op} ${status} example`))).toBe(true);
      }
    }
    expect(where).toEqual(
      expect.arrayContaining([
        "claimTask parameter taskId",
        "finishManualTask parameter jobId",
        "finishManualTask parameter taskId",
      ]),
    );
    expect(examples.every((e) => e.value !== undefined)).toBe(true);
  });

  it.each(examples.map((e) => [e.where, e] as const))("%s is valid against its schema", (_where, e) => {
    const result = v.validate(e.schemaRef, e.value);
    expect(describeErrors(result.errors)).toBe("");
    expect(result.valid).toBe(true);
  });
});

// The reference pages' own bodies: what the spec is held to.
const claimVerbatim = referenceBody("claim-task");
// But for two placeholders: the reference's _id and job._id are "string", and the spec requires
// the ids the operations take (a task-iteration UUID, which claimTask takes; the job id
// finishManualTask takes, 24 hex), so that a claimed task's ids round-trip. The tests below hold
// the spec to the reference's body with those placeholders filled in from the spec's own
// `reference` example, and the first test says that nothing else keeps the verbatim body out.
const claimFixture = mutate(
  mutate(claimVerbatim, ["data", "job", "_id"], ((claimAnswer.data as JsonObject).job as JsonObject)._id),
  ["data", "_id"],
  (claimAnswer.data as JsonObject)._id,
);
const finishFixture = referenceBody("finish-manual-task");
const claim200 = v.responseSchemaRef("claimTask", "200");
const finish200 = v.responseSchemaRef("finishManualTask", "200");

describe("the reference's example bodies", () => {
  it("Claim a task: the example response validates, but for its _id and job._id placeholders", () => {
    expect(((claimVerbatim.data as JsonObject).job as JsonObject)._id).toBe("string");
    expect((claimVerbatim.data as JsonObject)._id).toBe("string");
    expect(
      v
        .validate(claim200, claimVerbatim)
        .errors.map((e) => [e.instancePath, e.keyword])
        .sort(),
    ).toEqual([
      ["/data/_id", "pattern"],
      ["/data/job/_id", "pattern"],
    ]);
    const r = v.validate(claim200, claimFixture);
    expect(describeErrors(r.errors)).toBe("");
  });

  it("Finish a manual task: the example response validates", () => {
    const r = v.validate(finish200, finishFixture);
    expect(describeErrors(r.errors)).toBe("");
  });

  // The spec's copies fix the reference's placeholders ("string" ids, 1.1 times) so that the mock
  // serves ids of the contract's patterns; nothing else may differ.
  it.each([
    ["ClaimTaskResponse", claimVerbatim],
    ["FinishManualTaskResponse", finishFixture],
  ] as const)(
    "are the spec's own %s example, differing only where the reference has a placeholder",
    (name, reference) => {
      const ours = (((spec.components as JsonObject).examples as JsonObject)[name] as JsonObject).value as Json;
      const changed = differingLeaves(reference, ours);
      expect(changed.length).toBeGreaterThan(0);
      expect(changed.filter((d) => d.reference !== "string" && d.reference !== 1.1)).toEqual([]);
    },
  );
});

type Leaf = { path: string; reference: Json | undefined; ours: Json | undefined };

/** The leaves (and missing members) at which two JSON values differ, by JSON pointer. */
function differingLeaves(reference: Json | undefined, ours: Json | undefined, at = ""): Leaf[] {
  const isContainer = (x: Json | undefined) => x !== null && typeof x === "object";
  if (isContainer(reference) && isContainer(ours) && Array.isArray(reference) === Array.isArray(ours)) {
    const keys = new Set([...Object.keys(reference), ...Object.keys(ours)]);
    return [...keys].flatMap((k) =>
      differingLeaves((reference as JsonObject)[k], (ours as JsonObject)[k], `${at}/${escapePointer(k)}`),
    );
  }
  return JSON.stringify(reference) === JSON.stringify(ours) ? [] : [{ path: at, reference, ours }];
}

describe("typed mutations of the reference bodies are rejected", () => {
  it.each(claimMutants)("claim: %s", (_name, path, value) => {
    expect(v.validate(claim200, mutate(claimFixture, path, value)).valid).toBe(false);
  });

  it.each(finishMutants)("finish: %s", (_name, path, value) => {
    expect(v.validate(finish200, mutate(finishFixture, path, value)).valid).toBe(false);
  });

  it("accepts what the reference allows to grow: an unknown member, any inline variable value", () => {
    const grown = mutate(mutate(finishFixture, ["data", "newField"], { x: 1 }), ["data", "variables", "count"], 3);
    expect(describeErrors(v.validate(finish200, grown).errors)).toBe("");
  });
});

// The reference states no format, range or type for these beyond its one example value; a real
// platform may send any of these, and verify (Prism as a validating proxy) must not call it a FAIL.
describe("values the reference does not rule out are accepted", () => {
  it.each(claimAccepted)("claim: %s", (_name, path, value) => {
    expect(describeErrors(v.validate(claim200, mutate(claimFixture, path, value)).errors)).toBe("");
  });

  it.each(finishAccepted)("finish: %s", (_name, path, value) => {
    expect(describeErrors(v.validate(finish200, mutate(finishFixture, path, value)).errors)).toBe("");
  });
});

/** Every leaf of a JSON value (string, number, boolean), with its path. */
function leaves(
  value: Json,
  at: Array<string | number> = [],
): Array<{ path: Array<string | number>; value: string | number | boolean }> {
  if (value === null) return [];
  if (Array.isArray(value)) return value.flatMap((item, i) => leaves(item, [...at, i]));
  if (typeof value === "object") return Object.entries(value).flatMap(([k, item]) => leaves(item, [...at, k]));
  return [{ path: at, value }];
}

// The loosenings for real platforms widen types only where the reference shows no value (null,
// {}, [{}]) or shows one form of a field that real platforms give in another: every value the
// reference does show still has its type enforced.
describe("a value of the wrong type is rejected wherever the reference shows a value", () => {
  const wrong = (x: string | number | boolean): Json => (typeof x === "string" ? 42 : String(x));
  it.each([
    ["claim", claim200, claimFixture],
    ["finish", finish200, finishFixture],
  ] as const)("%s: each leaf of the reference's body, given the wrong type", (_op, ref, body) => {
    const all = leaves(body);
    expect(all.length).toBeGreaterThan(40); // the walk reached the body's leaves
    const accepted = all
      .filter((leaf) => v.validate(ref, mutate(body, leaf.path, wrong(leaf.value))).valid)
      .map((leaf) => `/${leaf.path.join("/")}`);
    expect(accepted).toEqual([]);
  });
});

const realPlatform = (file: string) => readJson<JsonObject>(`test/fixtures/real-platform/${file}`);
const envelope = (data: JsonObject): JsonObject => ({
  message: "Successfully created the requested item",
  data,
  metadata: {},
});
const realJobs = ["job-2021.1-complete.json", "job-2023.1-complete.json", "job-error-object-message.json"];
const realTasks = ["task-get.json"];

// Documents written in the shapes recorded from real 2021.1 and 2023.1 platforms (see
// test/fixtures/real-platform/README.md), which the reference's examples do not show.
describe("documents in real platforms' shapes", () => {
  it.each(realJobs)("validate as the finish answer's data: %s", (file) => {
    expect(describeErrors(v.validate(finish200, envelope(realPlatform(file))).errors)).toBe("");
  });
  it.each(realTasks)("validate as the claim answer's data: %s", (file) => {
    expect(describeErrors(v.validate(claim200, envelope(realPlatform(file))).errors)).toBe("");
  });

  const job21 = envelope(realPlatform("job-2021.1-complete.json"));
  const job23 = envelope(realPlatform("job-2023.1-complete.json"));
  const jobErr = envelope(realPlatform("job-error-object-message.json"));
  const task = envelope(realPlatform("task-get.json"));
  const entry = ["data", "tasks", "a1f3"];
  const cases: Array<[string, string, JsonObject, Array<string | number>, Json]> = [
    ["finish", "an iteration that is no UUID", job21, [...entry, "iterations", 0], "a1f3-1"],
    ["finish", "a number as an iteration", job21, [...entry, "iterations", 0], 7],
    ["finish", "a number as a task-map entry's status", job21, [...entry, "status"], 3],
    ["finish", "a number as a task-map entry's name", job21, [...entry, "name"], 3],
    [
      "finish",
      "epoch milliseconds as a task-map entry's start_time (an ISO string)",
      job21,
      [...entry, "start_time"],
      1712143203131,
    ],
    [
      "finish",
      "an ISO string as a task-map entry's end_time (epoch milliseconds)",
      job21,
      [...entry, "end_time"],
      "2024-04-03T11:20:03.162Z",
    ],
    ["finish", "an object as a transition list", job21, [...entry, "transitions", "success"], { task: "b2e4" }],
    ["finish", "a number as a transition's task", job21, [...entry, "transitions", "success", 0, "task"], 5],
    ["finish", "a string as the canvas x", job21, [...entry, "x"], "0.25"],
    ["finish", "a number as a task-map entry's owner", job21, [...entry, "owner"], 1],
    ["finish", "a number as a task-map entry's incoming variables", job21, [...entry, "variables", "incoming"], 3],
    ["finish", "a string as a task-map entry's metrics.run_time", job21, [...entry, "metrics", "run_time"], "31"],
    ["finish", "a user object without _id as created_by", job21, ["data", "created_by"], { username: "admin" }],
    [
      "finish",
      "a user object with a numeric username as a watcher",
      job21,
      ["data", "watchers", 0],
      { _id: "5f9a0b2c4d6e8f1a3b5c7d9e", username: 5 },
    ],
    [
      "finish",
      "an ISO string as the job's metrics.start_time (epoch milliseconds)",
      job21,
      ["data", "metrics", "start_time"],
      "2024-04-03T11:20:03.114Z",
    ],
    ["finish", "a string as a nodeLocation y", job23, ["data", "tasks", "f00d", "nodeLocation", "y"], "-504"],
    ["finish", "a number as an error message", jobErr, ["data", "error", 1, "message"], 5],
  ];
  const taskCases: Array<[string, string, JsonObject, Array<string | number>, Json]> = [
    ["claim", "a number as metrics.user", task, ["data", "metrics", "user"], 7],
    ["claim", "a user object without _id as metrics.owner", task, ["data", "metrics", "owner"], { username: "admin" }],
    ["claim", "a number as a group", task, ["data", "groups", 0], 3],
    ["claim", "a group object with a numeric name", task, ["data", "groups", 1, "name"], 4],
    ["claim", "a group object without _id", task, ["data", "groups", 1], { name: "network-ops" }],
  ];
  it.each([...cases, ...taskCases])("%s: reject %s", (op, _name, body, path, value) => {
    expect(describeErrors(v.validate(op === "claim" ? claim200 : finish200, body).errors)).toBe("");
    expect(v.validate(op === "claim" ? claim200 : finish200, mutate(body, path, value)).valid).toBe(false);
  });
});

// A consumer's flow runs on the mock only if the examples' ids are ids the contract (and so the
// client) accepts: a claimed Task's job._id and job.task go straight into finishManualTask.
describe("ids in every 200 example keep the contract's patterns", () => {
  const examples200 = (op: string) => allExamples().filter((e) => e.where.startsWith(`${op} 200 example`));
  const ok = (schema: string, value: unknown) => v.validate(`#/components/schemas/${schema}`, value).valid;

  it("claim: the Task's _id is a task-iteration UUID, its job._id a job id, its job.task a workflow task key", () => {
    const found = examples200("claimTask");
    expect(found.length).toBeGreaterThanOrEqual(2);
    for (const { where, value } of found) {
      const data = (value as JsonObject).data as JsonObject;
      const job = data.job as JsonObject;
      expect([where, ok("TaskIterationId", data._id), ok("JobId", job._id), ok("WorkflowTaskId", job.task)]).toEqual([
        where,
        true,
        true,
        true,
      ]);
      for (const id of job.ancestors as Json[]) expect([where, ok("JobId", id)]).toEqual([where, true]);
    }
  });

  it("finish: the Job's _id and ancestors are job ids, its task-map keys workflow task keys, string iterations UUIDs", () => {
    const found = examples200("finishManualTask");
    expect(found.length).toBeGreaterThanOrEqual(3);
    for (const { where, value } of found) {
      const data = (value as JsonObject).data as JsonObject;
      expect([where, ok("JobId", data._id)]).toEqual([where, true]);
      for (const id of data.ancestors as Json[]) expect([where, ok("JobId", id)]).toEqual([where, true]);
      for (const [key, entry] of Object.entries(data.tasks as JsonObject)) {
        expect([where, key, ok("WorkflowTaskId", key)]).toEqual([where, key, true]);
        for (const it of ((entry as JsonObject).iterations as Json[] | undefined) ?? []) {
          if (typeof it === "string") expect([where, it, ok("TaskIterationId", it)]).toEqual([where, it, true]);
        }
      }
    }
  });
});

describe("path parameters", () => {
  const param = (op: string, name: string) => {
    const { operation } = v.operation(op);
    const i = (operation.parameters as Json[]).findIndex((p) => (deref(spec, p) as JsonObject).name === name);
    const ref = ((operation.parameters as Json[])[i] as JsonObject).$ref as string;
    return (value: unknown) => v.validate(`${ref}/schema`, value).valid;
  };
  const claimTaskId = param("claimTask", "taskId");
  const jobId = param("finishManualTask", "jobId");
  const finishTaskId = param("finishManualTask", "taskId");

  it.each([
    [
      "claim taskId is a task-iteration UUID, either case",
      claimTaskId,
      ["3f2c9a4e-8b1d-4c7e-9f60-2a5b7d8e1c34", "3F2C9A4E-8B1D-4C7E-9F60-2A5B7D8E1C34"],
      [
        "",
        "taskId",
        "3f2c9a4e8b1d4c7e9f602a5b7d8e1c34",
        "3f2c9a4e-8b1d-4c7e-9f60-2a5b7d8e1c3",
        "g f2c9a4e-8b1d-4c7e-9f60-2a5b7d8e1c34",
        42,
      ],
    ],
    [
      "jobId is 24 lower-case hex digits",
      jobId,
      ["67be20c2dda0df69ebe60824"],
      ["67BE20C2DDA0DF69EBE60824", "67be20c2dda0df69ebe6082", "67be20c2dda0df69ebe608245", "jobId", ""],
    ],
    [
      "finish taskId is a reserved workflow key or a plain task key",
      finishTaskId,
      ["workflow_start", "workflow_end", "error_handler", TASK_KEY, "e28f", "my-task_2"],
      ["", "a/b", "../defc", "a.b", ".", "..", "de fc", 7],
    ],
  ])("%s", (_rule, valid, good: unknown[], bad: unknown[]) => {
    for (const value of good) expect([value, valid(value)]).toEqual([value, true]);
    for (const value of bad) expect([value, valid(value)]).toEqual([value, false]);
  });
});

describe("finishManualTask request body", () => {
  const { path: p } = v.operation("finishManualTask");
  const bodyRef = `#/paths/${escapePointer(p)}/post/requestBody/content/application~1json/schema`;
  it("takes an empty object, or taskData as an open object with finish_state and variables", () => {
    expect(v.validate(bodyRef, {}).valid).toBe(true);
    expect(v.validate(bodyRef, { taskData: { finish_state: "success", variables: { a: 1 }, extra: [1] } }).valid).toBe(
      true,
    );
  });
  it("rejects taskData that is not an object, a finish_state that is not a string, and any member but taskData", () => {
    for (const bad of [
      { taskData: "done" },
      { taskData: [] },
      { taskData: null },
      { taskData: { finish_state: 1 } },
      [],
      { taskdata: {} },
      { taskData: {}, finish_state: "success" },
    ]) {
      expect(v.validate(bodyRef, bad).valid).toBe(false);
    }
  });
});
