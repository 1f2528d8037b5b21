// Tests are TypeScript compiled to CommonJS by ts-jest; the package's own sources use `.js`
// specifiers (NodeNext), which the mapper strips so that jest finds the `.ts` files.
/** @type {import('jest').Config} */
export default {
  testEnvironment: "node",
  // Several tests start Prism or child processes; on a loaded 2-core machine 5 s is too tight.
  testTimeout: 30_000,
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "<rootDir>/test/tsconfig.json", diagnostics: { warnOnly: false } }],
  },
  globalSetup: "<rootDir>/test/global-setup.cjs",
  globalTeardown: "<rootDir>/test/global-teardown.cjs",
  moduleNameMapper: {
    // import.meta cannot be compiled to CommonJS; in tests the package root is the repository.
    "^\\./package-root\\.js$": "<rootDir>/test/support/package-root.ts",
    "^(\\.{1,2}/.*)\\.js$": "$1",
  },
};
