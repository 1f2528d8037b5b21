// Type tests: misuse of the client is a compile error, proper use compiles. tsc reports an unused
// `@ts-expect-error` (TS2578), so a misuse that starts to compile fails this test.
import { readFileSync } from "node:fs";
import path from "node:path";
import { run } from "./support/children";
import { repoRoot } from "./support/spec";

const project = path.join(repoRoot, "test/types/tsconfig.json");
const tsc = path.join(repoRoot, "node_modules/typescript/bin/tsc");

it("tsc accepts test/types/misuse.ts: each misuse is an error, everything else compiles", async () => {
  const { code, stdout, stderr } = await run(process.execPath, [tsc, "-p", project, "--pretty", "false"], {
    cwd: repoRoot,
  });
  expect(stdout + stderr).toBe("");
  expect(code).toBe(0);
}, 60_000);

it("misuse.ts really holds the misuses the issue names", () => {
  const text = readFileSync(path.join(repoRoot, "test/types/misuse.ts"), "utf8");
  expect(text.match(/@ts-expect-error/g)?.length).toBeGreaterThanOrEqual(10);
  expect(text).toMatch(/claimTask\(42\)/);
  expect(text).toMatch(/taskData: "done"/);
  expect(text).toMatch(/task\.notAField/);
});
