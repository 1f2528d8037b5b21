// The generated validators (generated/request-validators.ts, generated/response-validators.ts)
// agree with the spec: every example in it passes its validator, every mutant the spec rejects is
// rejected at the right pointer, what the spec accepts is accepted, and their date-time check is
// ajv-formats' RFC 3339 one.
import fc from "fast-check";
import { fullFormats } from "ajv-formats/dist/formats";
import { requestValidators, type Validate } from "../generated/request-validators";
import { responseValidators } from "../generated/response-validators";
import { violationsOf } from "../src/contract/validation";
import { claimAccepted, claimMutants, finishAccepted, finishMutants, mutate, pointerOf } from "./support/mutants";
import { deref, SpecValidator, type Json, type JsonObject } from "./support/spec";
import { claimAnswer, finishAnswer } from "./support/constants";

const v = new SpecValidator();
const spec = v.spec;
const byId = (id: string) => id as keyof typeof requestValidators;

type Example = { where: string; validate: Validate | undefined; value: unknown };

/** Every example of every operation in the spec, with the generated validator it must pass. */
function operationExamples(): Example[] {
  const found: Example[] = [];
  for (const operationId of v.operationIds()) {
    const { operation } = v.operation(operationId);
    const params = ((operation.parameters as Json[] | undefined) ?? [])
      .map((p) => deref(spec, p) as JsonObject)
      .filter((p) => p.in === "path");
    if (params.length) {
      found.push({
        where: `${operationId} path parameters (their examples)`,
        validate: requestValidators[byId(operationId)].path,
        value: Object.fromEntries(
          params.map((p) => [
            p.name,
            p.example ??
              (Object.values((p.examples as JsonObject | undefined) ?? {})[0] as JsonObject | undefined)?.value,
          ]),
        ),
      });
    }
    const media: Array<[string, Json | undefined, (type: string) => Validate | undefined]> = [
      ["request", operation.requestBody, (type) => requestValidators[byId(operationId)].body[type]],
    ];
    for (const [status, response] of Object.entries(operation.responses as JsonObject)) {
      media.push([status, response, (type) => responseValidators[byId(operationId)][status]?.[type]]);
    }
    for (const [label, holder, validatorFor] of media) {
      const content = ((deref(spec, holder) as JsonObject | undefined)?.content as JsonObject | undefined) ?? {};
      for (const [type, mt] of Object.entries(content)) {
        for (const [name, example] of Object.entries(((mt as JsonObject).examples as JsonObject) ?? {})) {
          found.push({
            where: `${operationId} ${label} ${type} example ${name}`,
            validate: validatorFor(type),
            value: (deref(spec, example) as JsonObject).value,
          });
        }
      }
    }
  }
  return found;
}

describe("the generated validators cover the bundle", () => {
  it("every operation, and every declared response with a body, by status and media type", () => {
    expect(Object.keys(requestValidators).sort()).toEqual(v.operationIds().sort());
    expect(Object.keys(responseValidators).sort()).toEqual(v.operationIds().sort());
    for (const operationId of v.operationIds()) {
      const declared = Object.entries(v.operation(operationId).operation.responses as JsonObject).flatMap(
        ([status, response]) =>
          Object.keys(((deref(spec, response) as JsonObject).content as JsonObject | undefined) ?? {}).map(
            (type) => `${status} ${type}`,
          ),
      );
      const generated = Object.entries(responseValidators[byId(operationId)]).flatMap(([status, byType]) =>
        Object.keys(byType).map((type) => `${status} ${type}`),
      );
      expect(generated.sort()).toEqual(declared.sort());
    }
  });
});

describe("every example in the spec passes its generated validator", () => {
  const examples = operationExamples();

  it("covers the path parameters, the request body and every declared response of each operation", () => {
    const where = examples.map((e) => e.where);
    for (const op of v.operationIds()) {
      for (const status of Object.keys(v.operation(op).operation.responses as JsonObject)) {
        expect(where.some((w) => w.startsWith(`${op} ${status} `))).toBe(true);
      }
    }
    expect(where).toEqual(
      expect.arrayContaining([
        "claimTask path parameters (their examples)",
        "finishManualTask path parameters (their examples)",
      ]),
    );
    expect(where.some((w) => w.startsWith("finishManualTask request "))).toBe(true);
  });

  it.each(examples.map((e) => [e.where, e] as const))("%s", (_where, e) => {
    expect(e.validate).toBeDefined();
    const valid = e.validate!(e.value);
    expect(violationsOf(e.validate!.errors)).toEqual([]);
    expect(valid).toBe(true);
  });
});

const claimFixture = claimAnswer;
const finishFixture = finishAnswer;
const claim200 = responseValidators.claimTask["200"]!["application/json"]!;
const finish200 = responseValidators.finishManualTask["200"]!["application/json"]!;

function verdict(validate: Validate, value: unknown) {
  const valid = validate(value);
  return { valid, violations: violationsOf(validate.errors) };
}

describe("mutants of the reference bodies that the spec rejects", () => {
  it.each(claimMutants)("claim: %s, rejected at its pointer", (_name, path, value) => {
    const { valid, violations } = verdict(claim200, mutate(claimFixture, path, value));
    expect(valid).toBe(false);
    expect(violations.map((x) => x.path)).toContain(pointerOf(path));
  });

  it.each(finishMutants)("finish: %s, rejected at its pointer", (_name, path, value) => {
    const { valid, violations } = verdict(finish200, mutate(finishFixture, path, value));
    expect(valid).toBe(false);
    expect(violations.map((x) => x.path)).toContain(pointerOf(path));
  });

  it("a number as data.name is named by pointer and rule", () => {
    expect(verdict(claim200, mutate(claimFixture, ["data", "name"], 42)).violations).toEqual([
      { path: "/data/name", message: "must be string" },
    ]);
  });

  it("every violation is reported, not just the first", () => {
    const twice = mutate(mutate(claimFixture, ["data", "name"], 42), ["data", "metrics", "end_time"], "x");
    const paths = verdict(claim200, twice).violations.map((x) => x.path);
    expect(paths.sort()).toEqual(["/data/metrics/end_time", "/data/name"]);
  });
});

describe("what the spec accepts, the generated validators accept", () => {
  it.each(claimAccepted)("claim: %s", (_name, path, value) => {
    expect(verdict(claim200, mutate(claimFixture, path, value)).violations).toEqual([]);
  });

  it.each(finishAccepted)("finish: %s", (_name, path, value) => {
    expect(verdict(finish200, mutate(finishFixture, path, value)).violations).toEqual([]);
  });

  it("unknown extra members anywhere in an answer are not violations", () => {
    const grown = mutate(mutate(claimFixture, ["data", "newField"], { x: 1 }), ["data", "metrics", "newMetric"], 3);
    expect(verdict(claim200, mutate(grown, ["newTopLevel"], true)).violations).toEqual([]);
  });
});

describe("request validators", () => {
  it("fold the alternatives of a path parameter into one rule", () => {
    const { valid, violations } = verdict(requestValidators.finishManualTask.path!, {
      jobId: "67be20c2dda0df69ebe60824",
      taskId: "a/b",
    });
    expect(valid).toBe(false);
    expect(violations).toEqual([
      {
        path: "/taskId",
        message:
          'must be one of "workflow_start", "workflow_end", "error_handler" or must match pattern "^[A-Za-z0-9_-]{1,128}$"',
      },
    ]);
  });

  it("name a member the body may not hold, and a missing path parameter", () => {
    expect(verdict(requestValidators.finishManualTask.body["application/json"]!, { taskdata: {} }).violations).toEqual([
      { path: "/taskdata", message: "is not allowed here" },
    ]);
    expect(verdict(requestValidators.claimTask.path!, {}).violations).toEqual([
      { path: "/taskId", message: "is required" },
    ]);
  });
});

describe("the generated date-time check", () => {
  const ajvFormats = (fullFormats["date-time"] as { validate: (s: string) => boolean }).validate;
  const dateTimeOf = (validate: Validate) => (text: string) =>
    validate(mutate(claimFixture, ["data", "last_updated"], text));
  const generated = dateTimeOf(claim200);

  it("accepts and refuses exactly what ajv-formats' full RFC 3339 date-time does", () => {
    const digits = (n: number) => fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: n, maxLength: n });
    const pick = <T>(...xs: T[]) => fc.constantFrom(...xs);
    const candidate = fc
      .tuple(
        fc.oneof(digits(4), pick("2024", "2023", "1900", "2000")),
        fc.oneof(digits(2), pick("02", "12", "13", "00")),
        fc.oneof(digits(2), pick("28", "29", "30", "31", "00")),
        pick("T", "t", " ", "\t", "TT", "", "x"),
        fc.oneof(digits(2), pick("23", "24")),
        fc.oneof(digits(2), pick("59", "60")),
        fc.oneof(digits(2), pick("59", "60", "61")),
        pick("", ".5", ".123456", "."),
        fc.oneof(pick("Z", "z", "", "+00:00", "-08:00", "+0530", "+05", "+24:00", "-00:60", "+23:59", "Zz")),
      )
      .map(
        (parts) =>
          `${parts[0]}-${parts[1]}-${parts[2]}${parts[3]}${parts[4]}:${parts[5]}:${parts[6]}${parts[7]}${parts[8]}`,
      );
    fc.assert(
      fc.property(fc.oneof(candidate, fc.string({ maxLength: 30 })), (text) => {
        expect(generated(text)).toBe(ajvFormats(text));
      }),
      { numRuns: 5000 },
    );
  });

  it.each([
    ["2024-02-29T12:00:00Z", true],
    ["2023-02-29T12:00:00Z", false],
    ["1998-12-31T23:59:60Z", true],
    ["1998-12-31T15:59:60-08:00", true],
    ["1998-12-31T22:59:60Z", false],
    ["2024-04-31T00:00:00Z", false],
    ["2024-01-15T09:30:00", false],
  ])("%s: %s", (text, expected) => {
    expect(generated(text)).toBe(expected);
    expect(ajvFormats(text)).toBe(expected);
  });
});
