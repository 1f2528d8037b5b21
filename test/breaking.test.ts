// The breaking-change gate (scripts/breaking.mjs): spec variants derived at test time from the
// bundle, compared with --base/--head, and the git side (refs, default ref, bad refs) in sandboxes.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { run, type Run } from "./support/run";
import { makeSandbox } from "./support/sandbox";
import { loadSpec, repoRoot } from "./support/spec";

type Spec = { [key: string]: any };

/** Walks to an object that must exist, so that an edit can never silently change nothing. */
function at(spec: Spec, ...keys: string[]): Spec {
  return keys.reduce((node, key) => {
    if (!node || typeof node[key] !== "object") throw new Error(`fixture: no ${keys.join(".")} in the bundle`);
    return node[key];
  }, spec);
}

const variants: Record<string, (spec: Spec) => void> = {
  identical: () => {},
  "optional response field added": (s) => {
    at(s, "components", "schemas", "Task", "properties").priority = { type: "integer", description: "New, optional." };
  },
  "response field removed": (s) => {
    const task = at(s, "components", "schemas", "Task");
    if (!("name" in task.properties) || task.required?.includes("name")) throw new Error("fixture: Task.name is not an optional property");
    delete task.properties.name;
  },
  "jobId pattern tightened": (s) => {
    const jobId = at(s, "components", "schemas", "JobId");
    if (jobId.pattern !== "^[0-9a-f]{24}$") throw new Error(`fixture: unexpected JobId pattern ${jobId.pattern}`);
    jobId.pattern = "^6[0-9a-f]{23}$"; // a subset: only ids starting with 6
  },
  "taskData required": (s) => {
    const body = at(s, "components", "schemas", "FinishManualTaskBody");
    if (body.required?.includes("taskData")) throw new Error("fixture: taskData is already required");
    body.required = ["taskData"];
  },
};

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", ...args], { cwd, encoding: "utf8" }).trim();

/** A sandbox that is its own git repository, with everything committed once. */
function gitSandbox() {
  const box = makeSandbox();
  git(box.dir, "init", "-q", "-b", "main");
  git(box.dir, "add", "-A");
  git(box.dir, "commit", "-q", "-m", "spec");
  return box;
}

// Children get their own TMPDIR, so that the test can see whether the script cleans up after itself.
let childTmp = "";
function spawnRun(cwd: string, command: string, args: string[]): Promise<Run> {
  return run(command, args, { cwd, env: { TMPDIR: childTmp } });
}
const breaking = (cwd: string, ...args: string[]) => spawnRun(cwd, process.execPath, ["scripts/breaking.mjs", ...args]);

const results = new Map<string, Run>();
const facts: { firstCommit?: string; leftovers?: string[] } = {};

// The allow-list cases: a sandbox whose working tree tightens JobId's pattern since its first
// commit, compared with that commit under different lists (--accepted FILE).
// JobId is both finishManualTask's jobId and the claimed Task's job._id; redocly diff names a
// changed component once, at the first place it meets it: the claim answer.
const JOB_ID_LOCATION = "POST /operations-manager/tasks/{taskId}/claim, response 200 application/json, field data.job._id.$ref";
const JOB_ID_PATTERN = `${JOB_ID_LOCATION}, keyword pattern`;
const JOB_ID_CHANGE = "`pattern` of `JobId` changed from '^[0-9a-f]{24}$' to '^6[0-9a-f]{23}$'.";
const entry = (rule: string, location: string, change = JOB_ID_CHANGE, reason = "only ids starting with 6 exist") => ({ rule, location, change, reason });
const acceptedLists: Record<string, (base: string) => unknown> = {
  "accepted": (base) => ({ base, accepted: [entry("schema-constraint-changed", JOB_ID_PATTERN)] }),
  "not accepted": (base) => ({ base, accepted: [] }),
  "stale entry": (base) => ({
    base,
    accepted: [
      entry("schema-constraint-changed", JOB_ID_PATTERN),
      entry("property-removed", "POST /operations-manager/tasks/{taskId}/claim, response 200 application/json, field data.name", "Property `name` of `data` was removed.", "never made"),
    ],
  }),
  // Exact matching: the location without its keyword, the right location under another rule, or
  // another change at the right location and rule (a pattern reviewed once, tightened further)
  // accepts nothing.
  "near misses": (base) => ({
    base,
    accepted: [
      entry("schema-constraint-changed", JOB_ID_LOCATION),
      entry("schema-type-changed", JOB_ID_PATTERN),
      entry("schema-constraint-changed", JOB_ID_PATTERN, "`pattern` of `JobId` changed from '^[0-9a-f]{24}$' to '^[0-9a-f]{23,24}$'."),
    ],
  }),
  "another base": () => ({ base: "v9.9.9", accepted: [entry("schema-constraint-changed", JOB_ID_PATTERN)] }),
  "no reason": (base) => ({ base, accepted: [{ rule: "schema-constraint-changed", location: JOB_ID_PATTERN, change: JOB_ID_CHANGE }] }),
  "misspelt key": (base) => ({ base, accepted: [{ ...entry("schema-constraint-changed", JOB_ID_PATTERN), loaction: "x" }] }),
  "repeated entry": (base) => ({ base, accepted: [entry("schema-constraint-changed", JOB_ID_PATTERN), entry("schema-constraint-changed", JOB_ID_PATTERN)] }),
};

beforeAll(async () => {
  const fixtures = mkdtempSync(path.join(tmpdir(), "om-contract-breaking-test-"));
  childTmp = path.join(fixtures, "tmp");
  mkdirSync(childTmp);
  const untagged = gitSandbox();
  const tagged = gitSandbox();
  const accepting = gitSandbox();
  try {
    const base = path.join(fixtures, "base.json");
    writeFileSync(base, JSON.stringify(loadSpec()));
    facts.firstCommit = git(untagged.dir, "rev-parse", "--short=7", "HEAD");
    // A commit whose tree is empty: a ref that exists but has no openapi/.
    const emptyTree = git(untagged.dir, "hash-object", "-t", "tree", "/dev/null");
    const noSpec = git(untagged.dir, "commit-tree", emptyTree, "-m", "empty");

    // The tagged release had JobId's pattern; the working tree tightens it afterwards.
    git(tagged.dir, "tag", "v0.1.0");
    const jobIdFile = path.join(tagged.dir, "openapi/components/schemas/JobId.yaml");
    const text = readFileSync(jobIdFile, "utf8");
    if (!text.includes("[0-9a-f]{24}")) throw new Error("fixture: JobId.yaml has no [0-9a-f]{24} pattern");
    writeFileSync(jobIdFile, text.replace("[0-9a-f]{24}", "6[0-9a-f]{23}"));
    writeFileSync(path.join(accepting.dir, "openapi/components/schemas/JobId.yaml"), text.replace("[0-9a-f]{24}", "6[0-9a-f]{23}"));
    const acceptingBase = git(accepting.dir, "rev-parse", "HEAD");
    const listFile = (name: string) => path.join(fixtures, `accepted-${name.replaceAll(" ", "-")}.jsonc`);
    for (const [name, list] of Object.entries(acceptedLists)) {
      writeFileSync(listFile(name), `// ${name}\n${JSON.stringify(list(acceptingBase), null, 2)}\n`);
    }

    await Promise.all([
      ...Object.entries(variants).map(async ([name, edit]) => {
        const spec = loadSpec() as Spec;
        edit(spec);
        const head = path.join(fixtures, `${name.replaceAll(" ", "-")}.json`);
        writeFileSync(head, JSON.stringify(spec));
        results.set(name, await breaking(repoRoot, "--base", base, "--head", head));
      }),
      spawnRun(repoRoot, "npm", ["run", "--silent", "breaking", "--", "HEAD"]).then((r) => results.set("npm HEAD", r)),
      breaking(untagged.dir).then((r) => results.set("default, no tag", r)),
      breaking(untagged.dir, "no-such-ref").then((r) => results.set("bad ref", r)),
      breaking(untagged.dir, noSpec).then((r) => results.set("ref without openapi/", r)),
      breaking(tagged.dir).then((r) => results.set("default, tagged", r)),
      ...Object.keys(acceptedLists).map((name) =>
        breaking(accepting.dir, "--accepted", listFile(name)).then((r) => results.set(`list: ${name}`, r)),
      ),
      breaking(repoRoot, "--base", base, "--accepted", listFile("accepted")).then((r) => results.set("list with --base", r)),
    ]);
    facts.leftovers = readdirSync(childTmp).filter((f) => f.startsWith("om-contract-breaking-"));
  } finally {
    rmSync(fixtures, { recursive: true, force: true });
    untagged.remove();
    tagged.remove();
    accepting.remove();
  }
}, 180_000);

const result = (name: string) => {
  const r = results.get(name);
  if (!r) throw new Error(`no result for ${name}`);
  return { code: r.code, output: r.stdout + r.stderr };
};

describe("breaking changes are caught and named", () => {
  it.each([
    ["response field removed", /POST \/operations-manager\/tasks\/\{taskId\}\/claim, response 200 application\/json, field data\.name: Property `name` of `data` was removed\. \(property-removed\)/],
    ["jobId pattern tightened", /POST \/operations-manager\/tasks\/\{taskId\}\/claim, response 200 application\/json, field data\.job\._id\.\$ref, keyword pattern: .*\^6\[0-9a-f\]\{23\}\$.*\(schema-constraint-changed\)/],
    ["taskData required", /POST \/operations-manager\/jobs\/\{jobId\}\/tasks\/\{taskId\}\/finish, request body application\/json, keyword required: .*`taskData`.*\(required-properties-added\)/],
  ])("%s", (name, line) => {
    const { code, output } = result(name);
    expect(output).toMatch(/^1 breaking change since .*base\.json:$/m);
    expect(output).toMatch(line);
    expect(code).toBe(1);
  });
});

describe("non-breaking changes pass", () => {
  it("an optional response field added", () => {
    const { code, output } = result("optional response field added");
    expect(output.trim()).toMatch(/^no breaking changes since .*base\.json \(1 non-breaking change\)$/);
    expect(code).toBe(0);
  });

  it("an identical spec", () => {
    const { code, output } = result("identical");
    expect(output.trim()).toMatch(/^no breaking changes since .*base\.json$/);
    expect(code).toBe(0);
  });
});

describe("git refs", () => {
  it("`npm run breaking -- HEAD` passes on the committed tree", () => {
    const { code, output } = result("npm HEAD");
    expect(output).toMatch(/^no breaking changes since HEAD \([0-9a-f]{7}\)/m);
    expect(code).toBe(0);
  });

  it("defaults to the first commit while there is no v* tag", () => {
    const { code, output } = result("default, no tag");
    // The sandbox's list was accepted against this repository's first commit, which it lacks.
    expect(output).toMatch(new RegExp(`^no breaking changes since ${facts.firstCommit}$`, "m"));
    expect(output).toMatch(new RegExp(`^note: the \\d+ changes? accepted in scripts/breaking-accepted\\.jsonc (is|are) against [0-9a-f]{7}, not ${facts.firstCommit}: not used here$`, "m"));
    expect(output).not.toMatch(/accepted:|stale:/);
    expect(code).toBe(0);
  });

  it("defaults to the newest v* tag, and fails on a change made since", () => {
    const { code, output } = result("default, tagged");
    expect(output).toMatch(/^1 breaking change since v0\.1\.0 \([0-9a-f]{7}\):$/m);
    expect(output).toContain(`${JOB_ID_PATTERN}: `);
    expect(code).toBe(1);
  });

  it("names a ref that does not exist", () => {
    const { code, output } = result("bad ref");
    expect(output.trim()).toBe("error: unknown git ref no-such-ref");
    expect(code).toBe(1);
  });

  it("says so when the ref has no openapi/", () => {
    const { code, output } = result("ref without openapi/");
    expect(output).toMatch(/error: openapi\/ does not exist at [0-9a-f]{40}/);
    expect(code).toBe(1);
  });
});

it("leaves no temp dir behind, whether it passes or fails", () => {
  expect(facts.leftovers).toEqual([]);
});

describe("accepted breaking changes (--accepted FILE; by default scripts/breaking-accepted.jsonc)", () => {
  const acceptedLine = `accepted: ${JOB_ID_PATTERN}: `;

  it("an accepted change passes, printed as accepted with its reason", () => {
    const { code, output } = result("list: accepted");
    const lines = output.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(`${acceptedLine}${JOB_ID_CHANGE} (schema-constraint-changed) (only ids starting with 6 exist)`);
    expect(lines[1]).toMatch(/^no breaking changes since [0-9a-f]{7} other than 1 accepted$/);
    expect(code).toBe(0);
  });

  it("the same change without an entry fails", () => {
    const { code, output } = result("list: not accepted");
    expect(output).toMatch(/^1 breaking change since [0-9a-f]{7}:$/m);
    expect(output).toContain(`  - ${JOB_ID_PATTERN}: `);
    expect(output).not.toContain("accepted:");
    expect(code).toBe(1);
  });

  it("an entry that matches no change is reported as stale, and fails the gate", () => {
    const { code, output } = result("list: stale entry");
    expect(output).toContain(acceptedLine);
    expect(output).toMatch(/^stale: .*accepted-stale-entry\.jsonc accepts property-removed at POST \/operations-manager\/tasks\/\{taskId\}\/claim, response 200 application\/json, field data\.name \("Property `name` of `data` was removed\."\), but there is no such change since [0-9a-f]{7}: remove or update the entry$/m);
    expect(output.trim().split("\n").at(-1)).toMatch(/^1 stale entry in .*accepted-stale-entry\.jsonc: remove it \(see above\)$/);
    expect(output).not.toMatch(/breaking change since/);
    expect(code).toBe(1);
  });

  it("matches rule, location and change exactly: a shorter location, another rule or another change accepts nothing", () => {
    const { code, output } = result("list: near misses");
    expect(output).not.toContain("accepted:");
    expect(output.match(/^stale: /gm)).toHaveLength(3);
    expect(output).toMatch(/^1 breaking change since [0-9a-f]{7}:$/m);
    expect(code).toBe(1);
  });

  it("a list accepted against another base is not used here, and says so", () => {
    const { code, output } = result("list: another base");
    expect(output).toMatch(/^note: the 1 change accepted in .*accepted-another-base\.jsonc is against v9\.9\.9, not [0-9a-f]{7}: not used here$/m);
    expect(output).not.toMatch(/accepted:|stale:/);
    expect(output).toMatch(/^1 breaking change since [0-9a-f]{7}:$/m);
    expect(code).toBe(1);
  });

  it.each([
    ["no reason", /error: .*accepted-no-reason\.jsonc: entry 1 needs a non-empty "reason"/],
    ["misspelt key", /error: .*accepted-misspelt-key\.jsonc: entry 1 has an unknown member "loaction"/],
    ["repeated entry", /error: .*accepted-repeated-entry\.jsonc: entry 2 repeats schema-constraint-changed at POST/],
  ])("a malformed list fails with one line: %s", (name, line) => {
    const { code, output } = result(`list: ${name}`);
    expect(output.trim()).toMatch(line);
    expect(output.trim().split("\n")).toHaveLength(1);
    expect(code).toBe(1);
  });

  it("--accepted does not go with --base FILE (a file is no commit to accept against)", () => {
    const { code, output } = result("list with --base");
    expect(output).toMatch(/^error: --accepted applies to a git ref, not to --base FILE$/m);
    expect(code).toBe(1);
  });
});
