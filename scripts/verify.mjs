#!/usr/bin/env node
// `npm run verify -- --upstream http://host:port`: provider verification. Prism runs as a
// validating proxy in front of a real Itential platform; each operation is called once through it
// and the platform's real answer is reported as keeping the contract or not. The parts are in
// scripts/verify/: options (argv and environment), run (Prism and the calls), classify (the
// verdict on each answer), report (lines or --json), operations (what is called, from the spec).
import { options } from "./verify/options.mjs";
import { report } from "./verify/report.mjs";
import { verifyAll } from "./verify/run.mjs";

const opts = options(process.argv.slice(2), process.env);
process.exit(report(await verifyAll(opts), opts) ? 0 : 1);
