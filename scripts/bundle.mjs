#!/usr/bin/env node
// Bundles the multi-file spec in openapi/ into one JSON document.
// Usage: node scripts/bundle.mjs [--out FILE] [--root FILE]
import { parseArgs } from "node:util";
import { run, fail, relative } from "./lib/run.mjs";

const { values } = parseArgs({
  options: {
    out: { type: "string", default: "generated/openapi.json" },
    root: { type: "string", default: "openapi/openapi.yaml" },
  },
});

// Lint-level problems are `npm run lint`'s business; the bundle fails only on what breaks it
// (unparsable YAML, a $ref that resolves nowhere), and Redocly names the file for both.
const result = run("redocly", ["bundle", values.root, "--ext", "json", "--output", values.out]);
if (result.status !== 0) {
  fail(
    `bundling ${relative(values.root)} failed (see Redocly's report above); ${relative(values.out)} was not written`,
  );
}
