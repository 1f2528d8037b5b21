#!/usr/bin/env node
// Generates the TypeScript types (openapi-typescript reads the spec root and its options from
// redocly.yaml, x-openapi-ts) and, from the bundled spec, the client's path-parameter checks.
// Usage: node scripts/generate.mjs [--check]   (--check: compare with the committed files, write nothing)
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { run, fail, repoRoot } from "./lib/run.mjs";
import { pathParamsByOperation, renderModule } from "./lib/path-params.mjs";

const { values } = parseArgs({ options: { check: { type: "boolean", default: false } } });
const specFile = path.join(repoRoot, "generated/openapi.json");
const paramsFile = path.join(repoRoot, "generated/path-param-rules.ts");

// In --check mode every stale file is reported, not just the first.
const stale = [];
const types = run("openapi-typescript", values.check ? ["--check"] : [], { capture: values.check });
if (types.status !== 0) {
  if (!values.check) fail("openapi-typescript failed (see above)");
  stale.push("generated/schema.d.ts is out of date with the spec: run `npm run generate` and commit it");
}

let spec;
try {
  spec = JSON.parse(readFileSync(specFile, "utf8"));
} catch (error) {
  fail(`cannot read ${path.relative(repoRoot, specFile)} (run \`npm run bundle\` first): ${error.message}`);
}
let module;
try {
  module = renderModule(pathParamsByOperation(spec));
} catch (error) {
  fail(`generated/openapi.json: ${error.message}`);
}
if (values.check) {
  let committed = "";
  try { committed = readFileSync(paramsFile, "utf8"); } catch { /* missing counts as drift */ }
  if (committed !== module) stale.push("generated/path-param-rules.ts is out of date with the spec: run `npm run generate` and commit it");
  if (stale.length) fail(stale.join("\n  - "));
} else {
  writeFileSync(paramsFile, module);
}
