#!/usr/bin/env node
// Builds the package: ESM and declarations with tsc, a real CommonJS build with esbuild, and each
// output folder given the generated types its declarations import.
import { build } from "esbuild";
import { cpSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fail, repoRoot, run } from "./lib/run.mjs";

// Built aside and moved into place at the end, so that a concurrent build or test never sees
// half a dist/.
const target = path.join(repoRoot, "dist");
const dist = path.join(repoRoot, `dist.tmp-${process.pid}`);
rmSync(dist, { recursive: true, force: true });

if (run("tsc", ["-p", "tsconfig.build.json", "--outDir", dist + "/esm"]).status !== 0) fail("tsc failed (see above)");

const entryPoints = [
  ...readdirSync(path.join(repoRoot, "src")).filter((f) => f.endsWith(".ts")).map((f) => `src/${f}`),
  "generated/operation-paths.ts",
];
await build({
  absWorkingDir: repoRoot,
  entryPoints,
  outdir: path.join(dist, "cjs"),
  outbase: ".",
  format: "cjs",
  platform: "node",
  target: "node20",
  logLevel: "warning",
  // import.meta does not exist in CommonJS: give the one module that needs it its file URL.
  define: { "import.meta.url": "__moduleUrl" },
  banner: { js: 'const __moduleUrl = require("node:url").pathToFileURL(__filename).href;' },
});
writeFileSync(path.join(dist, "cjs/package.json"), '{ "type": "commonjs" }\n');

for (const format of ["esm", "cjs"]) {
  const out = path.join(dist, format);
  mkdirSync(path.join(out, "generated"), { recursive: true });
  cpSync(path.join(repoRoot, "generated/schema.d.ts"), path.join(out, "generated/schema.d.ts"));
  if (format === "cjs") {
    const declarations = readdirSync(path.join(dist, "esm"), { recursive: true }).filter((f) => f.endsWith(".d.ts"));
    for (const file of declarations) {
      cpSync(path.join(dist, "esm", file), path.join(out, file));
    }
  }
}
rmSync(target, { recursive: true, force: true });
renameSync(dist, target);
console.log("built dist/esm and dist/cjs");
