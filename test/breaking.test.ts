// The breaking-change gate (scripts/breaking.mjs), end to end: real `redocly diff` runs, on bundles
// given as files and on git refs of throw-away repositories, and the errors that stop it early.
// Its logic (where a change is, the allow-list and its matching) is tested in-process in
// diff-report.test.ts; here each run shows a path through the script with the real tools.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseAccepted } from "../scripts/lib/diff-report.cjs";
import { run, type Run } from "./support/children";
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

function edit(file: string, from: string, to: string) {
  const text = readFileSync(file, "utf8");
  if (!text.includes(from)) throw new Error(`fixture: ${file} has no ${JSON.stringify(from)}`);
  writeFileSync(file, text.replace(from, to));
}

async function git(cwd: string, ...args: string[]): Promise<string> {
  const done = await run(
    "git",
    ["-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", ...args],
    { cwd },
  );
  if (done.code !== 0) throw new Error(`git ${args.join(" ")} failed:\n${done.stderr}`);
  return done.stdout.trim();
}

/** A sandbox that is its own git repository, with everything committed once. */
async function gitSandbox() {
  const box = makeSandbox();
  await git(box.dir, "init", "-q", "-b", "main");
  await git(box.dir, "add", "-A");
  await git(box.dir, "commit", "-q", "-m", "spec");
  return box;
}

// Children get their own TMPDIR, so that the test can see whether the script cleans up after itself.
let childTmp = "";
const breaking = (cwd: string, ...args: string[]) =>
  run(process.execPath, ["scripts/breaking.mjs", ...args], { cwd, env: { TMPDIR: childTmp } });

// JobId is both finishManualTask's jobId and the claimed Task's job._id; redocly diff names a
// changed component once, at the first place it meets it: the claim answer.
const JOB_ID_PATTERN =
  "POST /operations-manager/tasks/{taskId}/claim, response 200 application/json, field data.job._id.$ref, keyword pattern";
const JOB_ID_CHANGE = "`pattern` of `JobId` changed from '^[0-9a-f]{24}$' to '^6[0-9a-f]{23}$'.";

const results = new Map<string, Run>();
const facts: { firstCommit?: string; taggedCommit?: string; leftovers?: string[] } = {};

beforeAll(async () => {
  const fixtures = mkdtempSync(path.join(tmpdir(), "om-contract-breaking-test-"));
  childTmp = path.join(fixtures, "tmp");
  mkdirSync(childTmp);
  const [untagged, tagged] = await Promise.all([gitSandbox(), gitSandbox()]);
  try {
    // Bundles as files (--base/--head): three breaking changes and a non-breaking one at once.
    const base = path.join(fixtures, "base.json");
    writeFileSync(base, JSON.stringify(loadSpec()));
    const changed = loadSpec();
    const task = at(changed, "components", "schemas", "Task");
    if (!("name" in task.properties) || task.required?.includes("name"))
      throw new Error("fixture: Task.name is not an optional property");
    delete task.properties.name;
    const jobId = at(changed, "components", "schemas", "JobId");
    if (jobId.pattern !== "^[0-9a-f]{24}$") throw new Error(`fixture: unexpected JobId pattern ${jobId.pattern}`);
    jobId.pattern = "^6[0-9a-f]{23}$"; // a subset: only ids starting with 6
    const body = at(changed, "components", "schemas", "FinishManualTaskBody");
    if (body.required?.includes("taskData")) throw new Error("fixture: taskData is already required");
    body.required = ["taskData"];
    at(changed, "components", "schemas", "Task", "properties").priority = {
      type: "integer",
      description: "New, optional.",
    };
    const head = path.join(fixtures, "head.json");
    writeFileSync(head, JSON.stringify(changed));

    // Git refs: with no v* tag the gate compares with the first commit; here the working tree
    // adds an optional field since.
    facts.firstCommit = await git(untagged.dir, "rev-parse", "--short=7", "HEAD");
    edit(
      path.join(untagged.dir, "openapi/components/schemas/Task.yaml"),
      "\nproperties:\n",
      "\nproperties:\n  priority:\n    type: integer\n    description: New, optional.\n",
    );
    // A commit whose tree is empty: a ref that exists but has no openapi/.
    const noSpec = await git(
      untagged.dir,
      "commit-tree",
      await git(untagged.dir, "hash-object", "-t", "tree", "/dev/null"),
      "-m",
      "empty",
    );

    // The tagged release had JobId's pattern and an optional taskData; the working tree tightens
    // the one (accepted, against the tag's commit) and requires the other (not accepted).
    await git(tagged.dir, "tag", "v0.1.0");
    facts.taggedCommit = await git(tagged.dir, "rev-parse", "HEAD");
    edit(path.join(tagged.dir, "openapi/components/schemas/JobId.yaml"), "[0-9a-f]{24}", "6[0-9a-f]{23}");
    edit(
      path.join(tagged.dir, "openapi/components/schemas/FinishManualTaskBody.yaml"),
      "\nproperties:\n",
      "\nrequired:\n  - taskData\nproperties:\n",
    );
    const accepted = path.join(fixtures, "accepted.jsonc");
    const entry = {
      rule: "schema-constraint-changed",
      location: JOB_ID_PATTERN,
      change: JOB_ID_CHANGE,
      reason: "only ids starting with 6 exist",
    };
    writeFileSync(
      accepted,
      `// reviewed\n${JSON.stringify({ base: facts.taggedCommit, accepted: [entry] }, null, 2)}\n`,
    );
    const misspelt = path.join(fixtures, "misspelt.jsonc");
    writeFileSync(misspelt, JSON.stringify({ base: facts.taggedCommit, accepted: [{ ...entry, loaction: "x" }] }));

    await Promise.all([
      breaking(repoRoot, "--base", base, "--head", head).then((r) => results.set("files", r)),
      breaking(untagged.dir).then((r) => results.set("default, no tag", r)),
      breaking(tagged.dir, "--accepted", accepted).then((r) => results.set("default, tagged", r)),
      // These stop before any bundle or diff.
      breaking(untagged.dir, "no-such-ref").then((r) => results.set("bad ref", r)),
      breaking(untagged.dir, noSpec).then((r) => results.set("ref without openapi/", r)),
      breaking(tagged.dir, "--accepted", misspelt).then((r) => results.set("malformed list", r)),
      breaking(repoRoot, "--base", base, "--accepted", accepted).then((r) => results.set("list with --base", r)),
    ]);
    facts.leftovers = readdirSync(childTmp).filter((f) => f.startsWith("om-contract-breaking-"));
  } finally {
    rmSync(fixtures, { recursive: true, force: true });
    untagged.remove();
    tagged.remove();
  }
}, 180_000);

const result = (name: string) => {
  const r = results.get(name);
  if (!r) throw new Error(`no result for ${name}`);
  return { code: r.code, output: r.stdout + r.stderr };
};

it("fails on breaking changes between two bundles, naming each where it is", () => {
  const { code, output } = result("files");
  expect(output).toMatch(/^3 breaking changes since .*base\.json:$/m);
  expect(output).toMatch(
    /^ {2}- POST \/operations-manager\/tasks\/\{taskId\}\/claim, response 200 application\/json, field data\.name: Property `name` of `data` was removed\. \(property-removed\)$/m,
  );
  expect(output).toMatch(
    /^ {2}- POST \/operations-manager\/tasks\/\{taskId\}\/claim, response 200 application\/json, field data\.job\._id\.\$ref, keyword pattern: .*\^6\[0-9a-f\]\{23\}\$.*\(schema-constraint-changed\)$/m,
  );
  expect(output).toMatch(
    /^ {2}- POST \/operations-manager\/jobs\/\{jobId\}\/tasks\/\{taskId\}\/finish, request body application\/json, keyword required: .*`taskData`.*\(required-properties-added\)$/m,
  );
  expect(code).toBe(1);
});

it("with no v* tag, compares with the first commit, and passes a non-breaking change", () => {
  const { code, output } = result("default, no tag");
  expect(output).toMatch(
    new RegExp(`^no breaking changes since ${facts.firstCommit} \\(1 non-breaking change\\)$`, "m"),
  );
  // The committed list (scripts/breaking-accepted.jsonc) is accepted against this repository's
  // history, which the sandbox lacks: it is not used, and the gate says so when it has entries.
  const list = parseAccepted(
    readFileSync(path.join(repoRoot, "scripts/breaking-accepted.jsonc"), "utf8"),
    "scripts/breaking-accepted.jsonc",
  );
  if (list.entries.length) {
    expect(output).toMatch(
      new RegExp(
        `^note: the ${list.entries.length} changes? accepted in scripts/breaking-accepted\\.jsonc (is|are) against [0-9a-f]{7}, not ${facts.firstCommit}: not used here$`,
        "m",
      ),
    );
  } else {
    expect(output).not.toMatch(/^note:/m);
  }
  expect(output).not.toMatch(/accepted:|stale:/);
  expect(code).toBe(0);
});

it("compares with the newest v* tag: an accepted change is printed with its reason, any other fails", () => {
  const { code, output } = result("default, tagged");
  const lines = output.trim().split("\n");
  expect(lines[0]).toBe(
    `accepted: ${JOB_ID_PATTERN}: ${JOB_ID_CHANGE} (schema-constraint-changed) (only ids starting with 6 exist)`,
  );
  expect(lines[1]).toBe(`1 breaking change since v0.1.0 (${facts.taggedCommit!.slice(0, 7)}):`);
  expect(lines[2]).toMatch(
    /^ {2}- POST \/operations-manager\/jobs\/\{jobId\}\/tasks\/\{taskId\}\/finish, request body application\/json, keyword required: .*`taskData`.*\(required-properties-added\)$/,
  );
  expect(lines).toHaveLength(3);
  expect(code).toBe(1);
});

describe("stops early with one clear line", () => {
  it.each([
    ["bad ref", /^error: unknown git ref no-such-ref$/],
    ["ref without openapi/", /^error: openapi\/ does not exist at [0-9a-f]{40}/],
    ["malformed list", /^error: .*misspelt\.jsonc: entry 1 has an unknown member "loaction"$/],
    // A file is no commit to accept changes against.
    ["list with --base", /^error: --accepted applies to a git ref, not to --base FILE$/m],
  ])("%s", (name, line) => {
    const { code, output } = result(name);
    expect(output.trim()).toMatch(line);
    expect(code).toBe(1);
  });
});

it("leaves no temp dir behind, whether it passes or fails", () => {
  expect(results.size).toBe(7);
  expect(facts.leftovers).toEqual([]);
});
