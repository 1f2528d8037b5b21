// The spec tooling: `check` catches drift and lint failures (Redocly's and Spectral's); `bundle` reports a broken file by name.
import { appendFileSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { makeSandbox, runNode, type Run } from "./support/sandbox";
import { run } from "./support/run";

type Scenario = { name: string; script: string; args?: string[]; breakIt(dir: string): void; read?: string; first?: string };

function edit(file: string, from: string | RegExp, to: string) {
  const text = readFileSync(file, "utf8");
  const next = text.replace(from, to);
  if (next === text) throw new Error(`${file}: nothing to replace`);
  writeFileSync(file, next);
}

const claimPath = "openapi/paths/operations-manager_tasks_{taskId}_claim.yaml";
const scenarios: Scenario[] = [
  { name: "untouched", script: "scripts/check.mjs", breakIt: () => {} },
  {
    // check reports every kind of drift at once, so one run shows each detector firing.
    name: "generated/ edited by hand",
    script: "scripts/check.mjs",
    breakIt: (d) => {
      edit(path.join(d, "generated/openapi.json"), '"Claim a task"', '"Claim a tusk"');
      appendFileSync(path.join(d, "generated/schema.d.ts"), "export type Extra = 1;\n");
      edit(path.join(d, "generated/request-validators.ts"), "{24}", "{12,24}");
      edit(path.join(d, "generated/response-validators.ts"), '"date-time"', '"date"');
    },
  },
  {
    // The validators come from the bundle: a spec change bundled but not generated is drift.
    name: "spec changed and bundled, not generated",
    script: "scripts/check.mjs",
    first: "scripts/bundle.mjs",
    breakIt: (d) => {
      edit(path.join(d, "openapi/components/schemas/JobId.yaml"), "{24}", "{12,24}");
      edit(path.join(d, "openapi/components/schemas/JobMetrics.yaml"), "minimum: 0", "minimum: 0.25");
    },
  },
  { name: "spec changed, not re-bundled", script: "scripts/check.mjs", breakIt: (d) => edit(path.join(d, claimPath), "summary: Claim a task", "summary: Claim one task") },
  { name: "lint error", script: "scripts/check.mjs", breakIt: (d) => edit(path.join(d, claimPath), /  description: \|\n    Assigns/, "  x-note: |\n    Assigns") },
  // Redocly's rules pass an array without items; Spectral's array-items does not: check runs both.
  { name: "Spectral-only error", script: "scripts/check.mjs", breakIt: (d) => edit(path.join(d, "openapi/components/schemas/JobVariable.yaml"), /\n    items: \{\}\n/, "\n") },
  { name: "broken YAML", script: "scripts/bundle.mjs", args: ["--out", "out.json"], breakIt: (d) => appendFileSync(path.join(d, "openapi/components/schemas/Job.yaml"), "oops: [unclosed\n") },
  { name: "check on broken YAML", script: "scripts/check.mjs", breakIt: (d) => appendFileSync(path.join(d, "openapi/components/schemas/Job.yaml"), "oops: [unclosed\n") },
  // `npm run docs` is redocly build-docs itself; --inlineBundle embeds Redoc, or the page is blank offline.
  { name: "docs", script: "npm", args: ["run", "docs"], breakIt: () => {}, read: "docs-build/index.html" },
  { name: "dangling $ref", script: "scripts/bundle.mjs", args: ["--out", "out.json"], breakIt: (d) => edit(path.join(d, "openapi/components/schemas/Task.yaml"), "TaskMetrics.yaml", "TaskMetricz.yaml") },
];

const results = new Map<string, Run>();
const outputs = new Map<string, string>();

beforeAll(async () => {
  await Promise.all(
    scenarios.map(async (s) => {
      const box = makeSandbox();
      try {
        s.breakIt(box.dir);
        if (s.first) {
          const first = await runNode(box.dir, s.first);
          if (first.code !== 0) throw new Error(`${s.first} failed:\n${first.stderr}`);
        }
        results.set(s.name, s.script === "npm" ? await run("npm", s.args ?? [], { cwd: box.dir, timeout: 120_000 }) : await runNode(box.dir, s.script, s.args));
        if (s.read) outputs.set(s.name, readFileSync(path.join(box.dir, s.read), "utf8"));
      } finally {
        box.remove();
      }
    }),
  );
}, 180_000);

const output = (name: string) => {
  const r = results.get(name)!;
  return r.stdout + r.stderr;
};

describe("npm run check", () => {
  it("passes on the committed tree", () => {
    expect(output("untouched")).toMatch(/check passed/);
    expect(results.get("untouched")!.code).toBe(0);
  });

  it.each([
    ["generated/ edited by hand", /generated\/openapi\.json differs from a fresh bundle/],
    ["generated/ edited by hand", /generated\/schema\.d\.ts is out of date/],
    ["generated/ edited by hand", /generated\/request-validators\.ts is out of date/],
    ["generated/ edited by hand", /generated\/response-validators\.ts is out of date/],
    ["spec changed and bundled, not generated", /generated\/request-validators\.ts is out of date/],
    ["spec changed and bundled, not generated", /generated\/response-validators\.ts is out of date/],
    ["spec changed, not re-bundled", /generated\/openapi\.json differs from a fresh bundle/],
    ["lint error", /does not lint clean/],
    ["Spectral-only error", /array-items/],
    ["Spectral-only error", /lint failed: Spectral found problems/],
  ])("fails when %s, reporting %s", (name, message) => {
    expect(results.get(name)!.code).not.toBe(0);
    expect(output(name)).toMatch(message);
  });
});

it("npm run check on a spec that does not bundle says so, and does not call the generated files stale", () => {
  expect(results.get("check on broken YAML")!.code).not.toBe(0);
  expect(output("check on broken YAML")).toMatch(/the spec does not bundle/);
  expect(output("check on broken YAML")).not.toMatch(/out of date/);
});

describe("npm run bundle", () => {
  it("names the file with broken YAML", () => {
    expect(results.get("broken YAML")!.code).not.toBe(0);
    expect(output("broken YAML")).toMatch(/openapi\/components\/schemas\/Job\.yaml/);
    expect(output("broken YAML")).toMatch(/error: bundling openapi\/openapi\.yaml failed/);
  });

  it("names the file and the $ref that resolves nowhere", () => {
    expect(results.get("dangling $ref")!.code).not.toBe(0);
    expect(output("dangling $ref")).toMatch(/openapi\/components\/schemas\/Task\.yaml/);
    expect(output("dangling $ref")).toMatch(/TaskMetricz\.yaml/);
  });
});

describe("npm run docs", () => {
  it("writes one self-contained HTML reference of both operations, with nothing loaded from the network", () => {
    expect(results.get("docs")!.code).toBe(0);
    const html = outputs.get("docs")!;
    expect(html).toMatch(/Claim a task/);
    expect(html).toMatch(/Finish a manual task/);
    const remoteLoads = html.match(/<(script|link)\b[^>]*\b(src|href)="https?:\/\/[^"]*"|\bfrom\s*"https?:\/\/[^"]*"/g) ?? [];
    expect(remoteLoads).toEqual([]);
  });
});

describe("ensureBuilt (scripts/lib/ensure-built.mjs): one rule for when dist/ is rebuilt", () => {
  /** isStale() in a copy of the repository whose dist/ stamp and one source have the given times. */
  async function staleWhen(stampAt: Date | undefined, sourceAt: Date): Promise<string> {
    const box = makeSandbox(["src", "tsconfig.build.json"]);
    try {
      utimesSync(path.join(box.dir, "src/index.ts"), sourceAt, sourceAt);
      if (stampAt) {
        mkdirSync(path.join(box.dir, "dist"));
        writeFileSync(path.join(box.dir, "dist/.built"), "");
        utimesSync(path.join(box.dir, "dist/.built"), stampAt, stampAt);
      }
      // Every other input is older than the stamp, whatever time the copy gave it.
      const older = new Date(2000, 0, 1);
      for (const dir of ["src", "generated"]) {
        for (const f of readdirSync(path.join(box.dir, dir), { recursive: true, encoding: "utf8" })) if (!(dir === "src" && f === "index.ts")) utimesSync(path.join(box.dir, dir, f), older, older);
      }
      for (const f of ["tsconfig.build.json", "package.json", "scripts/build.mjs"]) utimesSync(path.join(box.dir, f), older, older);
      const probe = await runNode(box.dir, "--input-type=module", ["-e", 'import("./scripts/lib/ensure-built.mjs").then((m) => console.log(m.isStale()))']);
      return probe.stdout.trim();
    } finally {
      box.remove();
    }
  }
  const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));

  it("is stale with no build, current after one, stale again once a source is newer", async () => {
    expect(await staleWhen(undefined, t(0))).toBe("true");
    expect(await staleWhen(t(10), t(5))).toBe("false");
    expect(await staleWhen(t(10), t(20))).toBe("true");
  });
});
