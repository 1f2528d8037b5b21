// The tests, in three tiers by cost (jest projects; `npm test` runs all three, `--selectProjects`
// picks some):
// - unit: in-process, no child process (the guard refuses one) and no Prism: the everyday loop,
//   `npm run test:unit`. Loopback fake servers in this process are allowed: they cost milliseconds.
// - integration: Prism (the one of the global setup, or started by the test) and child processes:
//   the bin, the spec scripts in copies of the repository, verify against fake platforms, tsc.
// - package: the packed tarball installed in consumers, both TypeScript versions, its bin. It tests
//   the package, not the runtime: CI runs it once, on the first Node (.ci/run).
// A new test file is integration unless listed below.
//
// Tests are TypeScript compiled to CommonJS by ts-jest; the package's own sources use `.js`
// specifiers (NodeNext), which the mapper strips so that jest finds the `.ts` files.

import { availableParallelism } from "node:os";

/** The unit tier's files, by name. */
const UNIT = [
  "architecture",
  "auth",
  "build-stamp",
  "client",
  "diff-report",
  "release",
  "spec",
  "validate-load",
  "validators",
  "verify-classify",
  "verify-operations",
  "verify-options",
  "verify-report",
  "middleware",
  "redaction",
  "refused-before-sending",
  "relay",
];
/** The package tier's files, by name. */
const PACKAGE = ["package", "package-msw3"];

const files = (names) => names.map((name) => `<rootDir>/test/${name}.test.ts`);

/** What every tier shares. */
const base = {
  // jest's node environment, plus the end of every child a test starts (test/support/children.ts).
  testEnvironment: "<rootDir>/test/support/environment.cjs",
  roots: ["<rootDir>/test"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "<rootDir>/test/tsconfig.json", diagnostics: { warnOnly: false } }],
  },
  moduleNameMapper: {
    // import.meta cannot be compiled to CommonJS; in tests the package root is the repository.
    "^\\./package-root\\.js$": "<rootDir>/test/support/package-root.ts",
    "^(\\.{1,2}/.*)\\.js$": "$1",
  },
};

/** The tiers that need the package built and one Prism serving the contract (OM_MOCK_URL). */
const withPrism = {
  globalSetup: "<rootDir>/test/prism-setup.cjs",
  globalTeardown: "<rootDir>/test/prism-teardown.cjs",
};

/** @type {import('jest').Config} */
export default {
  // Two workers even on 2 cores (jest's default there is one: cores − 1): the integration files
  // spend much of their time waiting on Prism, child processes and sockets, so a second file runs
  // in that time. Measured on 2 cores: unit and integration 78 s with two, 120 s with one, 87 s with
  // three (docs/development.md).
  maxWorkers: Math.max(2, availableParallelism() - 1),
  // Several tests start Prism or child processes; on a loaded 2-core machine 5 s is too tight.
  testTimeout: 30_000,
  // The run's marker for its children, and the last check that none is left (test/support/children.ts).
  globalSetup: "<rootDir>/test/global-setup.cjs",
  globalTeardown: "<rootDir>/test/global-teardown.cjs",
  projects: [
    { ...base, displayName: "unit", testMatch: files(UNIT), testEnvironmentOptions: { childProcesses: false } },
    {
      ...base,
      ...withPrism,
      displayName: "integration",
      testMatch: ["<rootDir>/test/**/*.test.ts"],
      testPathIgnorePatterns: [
        "/node_modules/",
        ...files([...UNIT, ...PACKAGE]).map((f) => f.replace(".test.ts", "\\.test\\.ts$")),
      ],
    },
    { ...base, ...withPrism, displayName: "package", testMatch: files(PACKAGE) },
  ],
};
