// The breaking-change gate's own logic (scripts/lib/diff-report.cjs), in-process: where a change
// is said to be, how the reviewed allow-list is read, and how it is matched against the changes.
// One real `redocly diff` run per case is in breaking.test.ts; here the inputs are in memory.
import {
  breakingChanges,
  describeLocation,
  gateVerdict,
  parseAccepted,
  type AcceptedEntry,
  type BreakingChange,
  type DiffChange,
} from "../scripts/lib/diff-report.cjs";
import { deref, escapePointer, findOperation, loadSpec, type JsonObject } from "./support/spec";

const spec = loadSpec();

/** The report pointer of an operation's part, as `redocly diff` writes it (`#/paths/~1a~1{id}/post/...`). */
function at(operationId: string, ...rest: Array<string | number>): string {
  const { path, method } = findOperation(spec, operationId);
  return ["#", "paths", path, method, ...rest].map((s, i) => (i === 0 ? s : escapePointer(s))).join("/");
}
/** The index of an operation's parameter by name, from the bundle (its order is the spec's business). */
function parameterIndex(operationId: string, name: string): number {
  const parameters = (findOperation(spec, operationId).operation.parameters ?? []) as JsonObject[];
  const index = parameters.findIndex((p) => (deref(spec, p) as JsonObject).name === name);
  if (index < 0) throw new Error(`fixture: ${operationId} has no parameter ${name}`);
  return index;
}
/** The report pointer of a part of an operation's 200 JSON answer schema. */
function answerAt(operationId: string, ...rest: Array<string | number>): string {
  return at(operationId, "responses", 200, "content", "application/json", "schema", ...rest);
}
/** The pointer steps down to a nested property: `properties, data, properties, name` for `data.name`. */
const properties = (...names: string[]) => names.flatMap((name) => ["properties", name]);

describe("describeLocation names a change's place in words", () => {
  const claim = findOperation(spec, "claimTask");
  const finish = findOperation(spec, "finishManualTask");
  const claimOp = `POST ${claim.path}`;
  const finishOp = `POST ${finish.path}`;

  it.each([
    [
      "a path parameter, through its $ref, with the keyword",
      {
        path: at("finishManualTask", "parameters", parameterIndex("finishManualTask", "jobId"), "schema"),
        kind: "modified",
        property: "pattern",
      },
      `${finishOp}, path parameter jobId, keyword pattern`,
    ],
    [
      "the request body",
      {
        path: at("finishManualTask", "requestBody", "content", "application/json", "schema"),
        kind: "modified",
        property: "required",
      },
      `${finishOp}, request body application/json, keyword required`,
    ],
    [
      "a response field",
      {
        path: answerAt("claimTask", ...properties("data", "name")),
        kind: "removed",
      },
      `${claimOp}, response 200 application/json, field data.name`,
    ],
    [
      "array items",
      {
        path: answerAt("finishManualTask", ...properties("data", "error"), "items", ...properties("message")),
        kind: "modified",
        property: "type",
      },
      `${finishOp}, response 200 application/json, field data.error[].message, keyword type`,
    ],
    [
      "map values and combinators",
      {
        path: answerAt("finishManualTask", ...properties("data", "variables"), "additionalProperties", "anyOf", 2),
        kind: "added",
      },
      `${finishOp}, response 200 application/json, field data.variables.*.anyOf[2]`,
    ],
    [
      "a response header",
      { path: at("login", "responses", 200, "headers", "Set-Cookie", "schema"), kind: "modified", property: "type" },
      `POST ${findOperation(spec, "login").path}, response 200, header Set-Cookie, keyword type`,
    ],
    [
      "anything outside paths, by its pointer",
      { path: "#/components/securitySchemes/basicAuth", kind: "removed" },
      "components/securitySchemes/basicAuth",
    ],
  ])("%s", (_what, change, words) => {
    expect(describeLocation(change, spec)).toBe(words);
  });
});

describe("breakingChanges keeps the breaking verdicts of a report", () => {
  /** A major change (data.name removed, unless `over` says otherwise) with these verdicts. */
  const removal = (verdicts: DiffChange["verdicts"], over: Partial<DiffChange> = {}): DiffChange => ({
    path: answerAt("claimTask", ...properties("data", "name")),
    kind: "removed",
    impact: "major",
    ...over,
    verdicts,
  });

  it("one line per major verdict; minor changes and minor verdicts are left out", () => {
    const report = {
      changes: [
        removal([
          { ruleId: "property-removed", impact: "major", message: "Property `name` of `data` was removed." },
          { ruleId: "x-minor", impact: "minor", message: "minor" },
        ]),
        {
          path: at("claimTask", "responses", 200),
          kind: "added",
          impact: "minor",
          verdicts: [{ ruleId: "y", impact: "minor", message: "added" }],
        },
      ],
    };
    expect(breakingChanges(report, { base: spec, head: spec })).toEqual([
      {
        where: `POST ${findOperation(spec, "claimTask").path}, response 200 application/json, field data.name`,
        message: "Property `name` of `data` was removed.",
        ruleId: "property-removed",
      },
    ]);
  });

  it("names a removed thing from the base, where it still exists", () => {
    const jobId = at("finishManualTask", "parameters", parameterIndex("finishManualTask", "jobId"));
    const report = { changes: [removal([{ ruleId: "r", impact: "major", message: "m" }], { path: jobId })] };
    expect(breakingChanges(report, { base: spec, head: { paths: {} } })[0]!.where).toMatch(/, path parameter jobId$/);
  });

  it("keeps a major change with no major verdict, as unknown", () => {
    expect(breakingChanges({ changes: [removal([])] }, { base: spec, head: spec })).toEqual([
      expect.objectContaining({ message: "removed", ruleId: "unknown" }),
    ]);
  });
});

// The allow-list: one change of the kind redocly reports, and entries that accept it or nearly do.
const LOCATION = "POST /operations-manager/jobs/{jobId}/tasks/{taskId}/finish, path parameter jobId, keyword pattern";
const CHANGE = "`pattern` of `JobId` changed from '^[0-9a-f]{24}$' to '^6[0-9a-f]{23}$'.";
const RULE = "schema-constraint-changed";
const tightened: BreakingChange = { where: LOCATION, message: CHANGE, ruleId: RULE };
const removed: BreakingChange = {
  where: "POST /operations-manager/tasks/{taskId}/claim, response 200 application/json, field data.name",
  message: "Property `name` of `data` was removed.",
  ruleId: "property-removed",
};
const entry = (over: Partial<AcceptedEntry> = {}): AcceptedEntry => ({
  rule: RULE,
  location: LOCATION,
  change: CHANGE,
  reason: "only ids starting with 6 exist",
  ...over,
});
const verdict = (changes: BreakingChange[], entries: AcceptedEntry[], others = 0) =>
  gateVerdict({ changes, entries, since: "abc1234", listFile: "list.jsonc", others });

describe("gateVerdict: the allow-list matched against the breaking changes", () => {
  it("an accepted change passes, printed as accepted with its reason", () => {
    expect(verdict([tightened], [entry()], 1)).toEqual({
      lines: [
        `accepted: ${LOCATION}: ${CHANGE} (${RULE}) (only ids starting with 6 exist)`,
        "no breaking changes since abc1234 other than 1 accepted (1 non-breaking change)",
      ],
      failed: false,
    });
  });

  it("the same change without an entry fails, listed", () => {
    expect(verdict([tightened], [])).toEqual({
      lines: ["1 breaking change since abc1234:", `  - ${LOCATION}: ${CHANGE} (${RULE})`],
      failed: true,
    });
  });

  it("an accepted change does not cover another one", () => {
    const { lines, failed } = verdict([tightened, removed], [entry()]);
    expect(lines).toEqual([
      expect.stringMatching(/^accepted: /),
      "1 breaking change since abc1234:",
      `  - ${removed.where}: ${removed.message} (property-removed)`,
    ]);
    expect(failed).toBe(true);
  });

  it("an entry that matches no change is stale, and fails the gate even when nothing else does", () => {
    const never = entry({
      rule: "property-removed",
      location: removed.where,
      change: removed.message,
      reason: "never made",
    });
    const { lines, failed } = verdict([tightened], [entry(), never]);
    expect(lines).toEqual([
      expect.stringMatching(/^accepted: /),
      `stale: list.jsonc accepts property-removed at ${removed.where} ("${removed.message}"), but there is no such change since abc1234: remove or update the entry`,
      "1 stale entry in list.jsonc: remove it (see above)",
    ]);
    expect(failed).toBe(true);
  });

  it("matches rule, location and change exactly: a shorter location, another rule or another change accepts nothing", () => {
    const nearMisses = [
      entry({ location: "POST /operations-manager/jobs/{jobId}/tasks/{taskId}/finish, path parameter jobId" }),
      entry({ rule: "schema-type-changed" }),
      // A pattern reviewed once and tightened further is a new change.
      entry({ change: "`pattern` of `JobId` changed from '^[0-9a-f]{24}$' to '^[0-9a-f]{23,24}$'." }),
    ];
    const { lines, failed } = verdict([tightened], nearMisses);
    expect(lines.filter((l) => l.startsWith("accepted:"))).toEqual([]);
    expect(lines.filter((l) => l.startsWith("stale: "))).toHaveLength(3);
    expect(lines.slice(-2)).toEqual(["1 breaking change since abc1234:", `  - ${LOCATION}: ${CHANGE} (${RULE})`]);
    expect(failed).toBe(true);
  });

  it("counts in the plural", () => {
    expect(verdict([tightened, removed], []).lines[0]).toBe("2 breaking changes since abc1234:");
    expect(verdict([], [], 2)).toEqual({
      lines: ["no breaking changes since abc1234 (2 non-breaking changes)"],
      failed: false,
    });
    expect(verdict([], [entry(), entry({ rule: "r" })]).lines.at(-1)).toBe(
      "2 stale entries in list.jsonc: remove them (see above)",
    );
  });
});

describe("parseAccepted reads the allow-list, and refuses a malformed one naming the entry", () => {
  const list = (accepted: unknown[], extra: object = {}) =>
    `// a comment line\n${JSON.stringify({ base: "abc1234", accepted, ...extra }, null, 2)}\n`;

  it("whole-line // comments are allowed; a reason's white space is folded", () => {
    expect(parseAccepted(list([entry({ reason: "  only ids\n   starting with 6 " })]), "list.jsonc")).toEqual({
      base: "abc1234",
      entries: [entry({ reason: "only ids starting with 6" })],
    });
  });

  it.each([
    [
      "no reason",
      list([{ rule: RULE, location: LOCATION, change: CHANGE }]),
      'list.jsonc: entry 1 needs a non-empty "reason"',
    ],
    ["an empty change", list([entry({ change: " " })]), 'list.jsonc: entry 1 needs a non-empty "change"'],
    ["a misspelt key", list([{ ...entry(), loaction: "x" }]), 'list.jsonc: entry 1 has an unknown member "loaction"'],
    [
      "a repeated entry",
      list([entry(), entry({ reason: "again" })]),
      `list.jsonc: entry 2 repeats ${RULE} at ${LOCATION}`,
    ],
    [
      "an entry that is no object",
      list(["x"]),
      "list.jsonc: entry 1 must be an object { rule, location, change, reason }",
    ],
    [
      "no base",
      JSON.stringify({ accepted: [] }),
      'list.jsonc: "base" must name the git commit the changes are accepted against',
    ],
    [
      "accepted not a list",
      JSON.stringify({ base: "abc1234", accepted: {} }),
      'list.jsonc: "accepted" must be an array',
    ],
    ["an unknown top-level member", list([], { acepted: [] }), 'list.jsonc: unknown member "acepted"'],
    ["not JSON", "{ base: abc }", /^list\.jsonc is not JSON \(with whole-line \/\/ comments\): /],
    ["a comment after a value", '{ "base": "abc1234", // here\n "accepted": [] }', /^list\.jsonc is not JSON/],
  ])("%s", (_what, text, message) => {
    expect(() => parseAccepted(text, "list.jsonc")).toThrow(message);
  });
});
