// docs/testing-with-the-mock.md shows only code that is compiled: each of its TypeScript blocks is
// a region of test/snippets/mock-testing.ts or msw-testing.ts, word for word (the imports under the package's
// names), in the same order. That file is what a compile test hands tsc.
import { readFileSync } from "node:fs";
import path from "node:path";
import { run } from "./support/children";
import { repoRoot } from "./support/spec";

const guide = readFileSync(path.join(repoRoot, "docs/testing-with-the-mock.md"), "utf8");
const snippets = ["mock-testing.ts", "msw-testing.ts"]
  .map((file) => readFileSync(path.join(repoRoot, "test/snippets", file), "utf8"))
  .join("\n");

/** The guide's ```ts blocks. */
function codeBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!.trimEnd());
}

/** The file's `// #region` … `// #endregion` bodies, de-indented, imports named as a consumer names them. */
function regions(source: string): string[] {
  return [...source.matchAll(/^( *)\/\/ #region \S+\n([\s\S]*?)^ *\/\/ #endregion$/gm)].map(([, indent, body]) =>
    body!
      .split("\n")
      .map((line) => (line.startsWith(indent!) ? line.slice(indent!.length) : line))
      .join("\n")
      .trimEnd()
      .replace('"../../src/index.js"', '"operations-manager-tasks-contract"')
      .replace('"../../src/mock.js"', '"operations-manager-tasks-contract/mock"')
      .replace('"../../src/msw.js"', '"operations-manager-tasks-contract/msw"'),
  );
}

it("every TypeScript block of the guide is a region of test/snippets/mock-testing.ts, in order", () => {
  const blocks = codeBlocks(guide);
  expect(blocks.length).toBeGreaterThanOrEqual(6);
  expect(blocks).toEqual(regions(snippets));
});

it("the guide covers what a consumer's tests need: chained ids, a 500 and a 401, a scenario, dynamic", () => {
  const code = codeBlocks(guide).join("\n");
  for (const needed of [
    "startMockServer()",
    "task.job!._id!",
    'Prefer: "code=500"',
    'Prefer: "code=401"',
    'Prefer: "example=rejected"',
    'startMockServer({ example: "rejected" })',
    "startMockServer({ dynamic: true })",
  ]) {
    expect([needed, code.includes(needed)]).toEqual([needed, true]);
  }
});

it("test/snippets/mock-testing.ts compiles under strict NodeNext, as a consumer's file would", async () => {
  const tsc = path.join(repoRoot, "node_modules/typescript/bin/tsc");
  const { code, stdout, stderr } = await run(
    process.execPath,
    [tsc, "-p", path.join(repoRoot, "test/snippets/tsconfig.json"), "--pretty", "false"],
    { cwd: repoRoot },
  );
  expect(stdout + stderr).toBe("");
  expect(code).toBe(0);
}, 60_000);
