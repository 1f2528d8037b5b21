// `operations-manager-tasks-contract/mock`: the contract's Prism mock, to start inside a test suite.
// The entry only: what it exports lives in tools/mock/ (src/README.md).
export { readRecordedExamples, startMockServer } from "./tools/mock/start.js";
export type { MockServerOptions, MockServer, RecordedExample } from "./tools/mock/start.js";
