#!/usr/bin/env node
// The package's bin, `operations-manager-tasks-contract`: `mock` and `verify` (src/tools/cli/main.ts).
// First: it reads the parent's pid before anything slow is loaded (see the module).
import { stopWhenNpmParentDies } from "./tools/cli/npm-parent.js";
import { main } from "./tools/cli/main.js";

stopWhenNpmParentDies(process.env);

const output = { out: (text: string) => console.log(text), err: (text: string) => console.error(text) };
main(process.argv.slice(2), process.env, output).then(
  // Exit once what was written has been flushed: a pipe is written asynchronously, and Prism's
  // sockets must not keep the process up.
  (code) => process.stdout.write("", () => process.stderr.write("", () => process.exit(code))),
  // Never a stack trace: one line saying what happened (verify gives every operation its verdict
  // before it gets here; this is what no one foresaw).
  (error: unknown) => {
    console.error(
      `error: ${error instanceof Error ? `${error.name === "Error" ? "" : `${error.name}: `}${error.message}` : String(error)}`,
    );
    process.exit(1);
  },
);
