// The everyday loop (`npm run test:unit`): every test but the end-to-end ones, which run the tools
// as child processes (the tarball installed in a consumer, the spec scripts in copies of the
// repository, the breaking-change gate, verify against a fake platform, `npm start`). `npm test`
// (jest.config.js) runs them all. The global setup is the same: the contract tests need the
// package's Prism mock, which is served from dist/, built first only when stale.
import base from "./jest.config.js";

/** The end-to-end test files, by name. */
const E2E = ["package", "scripts", "breaking", "verify", "verify-record", "mock-server", "mock-hardening", "cli", "scenarios"];

/** @type {import('jest').Config} */
export default {
  ...base,
  testPathIgnorePatterns: ["/node_modules/", ...E2E.map((name) => `<rootDir>/test/${name}\\.test\\.ts$`)],
};
