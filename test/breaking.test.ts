// The breaking-change gate (scripts/breaking.mjs): spec variants derived at test time from the
// bundle, compared with --base/--head, and the git side (refs, default ref, bad refs) in sandboxes.
import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { makeSandbox, type Run } from "./support/sandbox";
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
  return new Promise((resolve) => {
    const env = { ...process.env, NO_COLOR: "1", TMPDIR: childTmp };
    execFile(command, args, { cwd, timeout: 120_000, env }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}
const breaking = (cwd: string, ...args: string[]) => spawnRun(cwd, process.execPath, ["scripts/breaking.mjs", ...args]);

const results = new Map<string, Run>();
const facts: { firstCommit?: string; leftovers?: string[] } = {};

beforeAll(async () => {
  const fixtures = mkdtempSync(path.join(tmpdir(), "om-contract-breaking-test-"));
  childTmp = path.join(fixtures, "tmp");
  mkdirSync(childTmp);
  const untagged = gitSandbox();
  const tagged = gitSandbox();
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

describe("breaking changes are caught and named", () => {
  it.each([
    ["response field removed", /POST \/operations-manager\/tasks\/\{taskId\}\/claim, response 200 application\/json, field data\.name: Property `name` of `data` was removed\. \(property-removed\)/],
    ["jobId pattern tightened", /POST \/operations-manager\/jobs\/\{jobId\}\/tasks\/\{taskId\}\/finish, path parameter jobId, keyword pattern: .*\^6\[0-9a-f\]\{23\}\$.*\(schema-constraint-changed\)/],
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
    expect(output.trim()).toBe(`no breaking changes since ${facts.firstCommit}`);
    expect(code).toBe(0);
  });

  it("defaults to the newest v* tag, and fails on a change made since", () => {
    const { code, output } = result("default, tagged");
    expect(output).toMatch(/^1 breaking change since v0\.1\.0 \([0-9a-f]{7}\):$/m);
    expect(output).toMatch(/path parameter jobId, keyword pattern/);
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
