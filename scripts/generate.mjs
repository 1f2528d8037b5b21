#!/usr/bin/env node
// Generates the TypeScript types (openapi-typescript reads the spec root and its options from
// redocly.yaml, x-openapi-ts) and, from the bundled spec, the precompiled validators of every
// operation's requests and responses, and the strict ones verify reads drift from (scripts/lib/validators.mjs),
// and the spec's answers for the MSW mock (scripts/lib/mock-spec.mjs).
// Usage: node scripts/generate.mjs [--check]   (--check: compare with the committed files, write nothing)
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { run, fail, repoRoot } from "./lib/run.mjs";
import { renderMockSpec } from "./lib/mock-spec.mjs";
import { renderDriftValidators, renderValidators } from "./lib/validators.mjs";

const { values } = parseArgs({ options: { check: { type: "boolean", default: false } } });
const specFile = path.join(repoRoot, "generated/openapi.json");

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
let modules;
try {
  modules = await renderValidators(spec);
} catch (error) {
  fail(`generated/openapi.json: cannot generate the validators: ${error.message}`);
}
if (modules.unknownFormats.length && !values.check) {
  console.warn(
    `note: formats not checked (no implementation in scripts/lib/formats.mjs): ${modules.unknownFormats.join(", ")}`,
  );
}
let drift;
try {
  drift = await renderDriftValidators(spec);
} catch (error) {
  fail(`generated/openapi.json: cannot generate the drift validators: ${error.message}`);
}
const files = {
  "generated/request-validators.ts": modules.requests,
  "generated/response-validators.ts": modules.responses,
  "generated/drift-validators.ts": drift,
  "generated/mock-spec.ts": renderMockSpec(spec),
};
for (const [file, text] of Object.entries(files)) {
  const full = path.join(repoRoot, file);
  if (values.check) {
    let committed = "";
    try {
      committed = readFileSync(full, "utf8");
    } catch {
      /* missing counts as drift */
    }
    if (committed !== text) stale.push(`${file} is out of date with the spec: run \`npm run generate\` and commit it`);
  } else {
    writeFileSync(full, text);
  }
}
if (stale.length) fail(stale.join("\n  - "));
