#!/usr/bin/env node
// Builds the package: ESM and declarations with tsc, a real CommonJS build with esbuild, and each
// output folder given the generated types its declarations import.
import { transform } from "esbuild";
import { cpSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { isStale, STAMP } from "./lib/build-stamp.cjs";
import { fail, repoRoot, run } from "./lib/run.mjs";

// --if-stale: only when dist/ is missing or older than what it is made from (lib/build-stamp.cjs).
if (process.argv.includes("--if-stale") && !isStale()) {
  console.log("dist/ is up to date");
  process.exit(0);
}

// Built aside and moved into place at the end, so that a concurrent build or test never sees
// half a dist/.
const target = path.join(repoRoot, "dist");
const dist = path.join(repoRoot, `dist.tmp-${process.pid}`);
rmSync(dist, { recursive: true, force: true });

if (run("tsc", ["-p", "tsconfig.build.json", "--outDir", dist + "/esm"]).status !== 0) fail("tsc failed (see above)");

// esbuild's transform, not its build: build would treat our sources as Node ESM (the package is
// "type": "module") and hand openapi-fetch's CommonJS `module.exports` to a default import, where
// its `exports.default` is the function.
const sources = [
  ...readdirSync(path.join(repoRoot, "src"), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts"))
    .map((f) => `src/${f}`),
  "generated/request-validators.ts",
  "generated/response-validators.ts",
  "generated/mock-spec.ts",
];
for (const source of sources) {
  const code = readFileSync(path.join(repoRoot, source), "utf8");
  const usesMeta = code.includes("import.meta");
  const { code: cjs } = await transform(code, {
    loader: "ts",
    format: "cjs",
    platform: "node",
    target: "node20",
    sourcefile: source,
    // A native import() in CommonJS fails inside jest's module VM, where consumers start the mock.
    supported: { "dynamic-import": false },
    // import.meta does not exist in CommonJS: give the module that needs it its own file URL.
    ...(usesMeta && {
      define: { "import.meta.url": "__moduleUrl" },
      banner: 'const __moduleUrl = require("node:url").pathToFileURL(__filename).href;',
    }),
  });
  const out = path.join(dist, "cjs", source.replace(/\.ts$/, ".js"));
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, cjs);
}
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
writeFileSync(path.join(dist, path.relative("dist", STAMP)), `${new Date().toISOString()}\n`);
rmSync(target, { recursive: true, force: true });
renameSync(dist, target);
console.log("built dist/esm and dist/cjs");
