// The spec is faithful to the API reference: every example in it is valid, the reference's own
// example bodies validate, and values of the wrong type or shape are rejected.
import { claimAccepted, claimMutants, finishAccepted, finishMutants, mutate } from "./support/mutants";
import { deref, describeErrors, escapePointer, readJson, SpecValidator, type Json, type JsonObject } from "./support/spec";

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
      (operation.parameters as Json[]).forEach((param, i) => {
        const ref = (param as JsonObject).$ref as string | undefined;
        const base = ref ?? `${opBase}/parameters/${i}`;
        const resolved = deref(spec, param) as JsonObject;
        found.push({ where: `${operation.operationId} parameter ${resolved.name}`, schemaRef: `${base}/schema`, value: resolved.example });
      });
      const media: Array<[string, string, Json | undefined]> = [["request", `${opBase}/requestBody`, operation.requestBody]];
      for (const [status, response] of Object.entries(operation.responses as JsonObject)) {
        media.push([status, ((response as JsonObject).$ref as string | undefined) ?? `${opBase}/responses/${status}`, response]);
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
    expect(where).toEqual(expect.arrayContaining([
      "claimTask parameter taskId", "finishManualTask parameter jobId", "finishManualTask parameter taskId",
    ]));
    expect(examples.every((e) => e.value !== undefined)).toBe(true);
  });

  it.each(examples.map((e) => [e.where, e] as const))("%s is valid against its schema", (_where, e) => {
    const result = v.validate(e.schemaRef, e.value);
    expect(describeErrors(result.errors)).toBe("");
    expect(result.valid).toBe(true);
  });
});

const claimFixture = readJson<JsonObject>("test/fixtures/claim-task.200.json");
const finishFixture = readJson<JsonObject>("test/fixtures/finish-manual-task.200.json");
const claim200 = v.responseSchemaRef("claimTask", "200");
const finish200 = v.responseSchemaRef("finishManualTask", "200");

describe("the reference's example bodies", () => {
  it("Claim a task: the example response validates", () => {
    const r = v.validate(claim200, claimFixture);
    expect(describeErrors(r.errors)).toBe("");
  });

  it("Finish a manual task: the example response validates", () => {
    const r = v.validate(finish200, finishFixture);
    expect(describeErrors(r.errors)).toBe("");
  });

  it("are the spec's own 200 examples, unchanged", () => {
    const ex = (spec.components as JsonObject).examples as JsonObject;
    expect((ex.ClaimTaskResponse as JsonObject).value).toEqual(claimFixture);
    expect((ex.FinishManualTaskResponse as JsonObject).value).toEqual(finishFixture);
  });
});
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

  it("claim taskId is a task-iteration UUID, either case", () => {
    expect(claimTaskId("3f2c9a4e-8b1d-4c7e-9f60-2a5b7d8e1c34")).toBe(true);
    expect(claimTaskId("3F2C9A4E-8B1D-4C7E-9F60-2A5B7D8E1C34")).toBe(true);
    for (const bad of ["", "taskId", "3f2c9a4e8b1d4c7e9f602a5b7d8e1c34", "3f2c9a4e-8b1d-4c7e-9f60-2a5b7d8e1c3", "g f2c9a4e-8b1d-4c7e-9f60-2a5b7d8e1c34", 42]) {
      expect(claimTaskId(bad)).toBe(false);
    }
  });

  it("jobId is 24 lower-case hex digits", () => {
    expect(jobId("67be20c2dda0df69ebe60824")).toBe(true);
    for (const bad of ["67BE20C2DDA0DF69EBE60824", "67be20c2dda0df69ebe6082", "67be20c2dda0df69ebe608245", "jobId", ""]) {
      expect(jobId(bad)).toBe(false);
    }
  });

  it("finish taskId is a reserved workflow key or a plain task key", () => {
    for (const good of ["workflow_start", "workflow_end", "error_handler", "defc", "e28f", "my-task_2"]) {
      expect(finishTaskId(good)).toBe(true);
    }
    for (const bad of ["", "a/b", "../defc", "a.b", ".", "..", "de fc", 7]) {
      expect(finishTaskId(bad)).toBe(false);
    }
  });
});

describe("finishManualTask request body", () => {
  const { path: p } = v.operation("finishManualTask");
  const bodyRef = `#/paths/${escapePointer(p)}/post/requestBody/content/application~1json/schema`;
  it("takes an empty object, or taskData as an open object with finish_state and variables", () => {
    expect(v.validate(bodyRef, {}).valid).toBe(true);
    expect(v.validate(bodyRef, { taskData: { finish_state: "success", variables: { a: 1 }, extra: [1] } }).valid).toBe(true);
  });
  it("rejects taskData that is not an object, a finish_state that is not a string, and any member but taskData", () => {
    for (const bad of [{ taskData: "done" }, { taskData: [] }, { taskData: null }, { taskData: { finish_state: 1 } }, [], { taskdata: {} }, { taskData: {}, finish_state: "success" }]) {
      expect(v.validate(bodyRef, bad).valid).toBe(false);
    }
  });
});
