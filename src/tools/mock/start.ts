// `operations-manager-tasks-contract/mock`: the contract's Prism mock, to start inside a test suite.
import { startPrismServer, type RunningServer } from "./prism-server.js";
import { readRecordedExamples as read } from "./serve-recordings.js";
import type { RecordedExample } from "./recorded-examples.js";

export type { RecordedExample } from "./recorded-examples.js";

/**
 * The recordings of `verify --record DIR`, read for the MSW handlers (which read no files:
 * `createHandlers({ baseUrl, examples: readRecordedExamples(DIR) })` from
 * `operations-manager-tasks-contract/msw`). Each recorded 2xx answer is served as the example
 * `recorded-<label>` of its operation, as `startMockServer({ examples: DIR })` serves it; one that
 * breaks the contract is served as recorded, and `log` is told its violations once. A file that is
 * not a recording throws, naming it.
 */
export function readRecordedExamples(dir: string, log?: (message: string) => void): RecordedExample[] {
  return [...read(dir, log)];
}

export interface MockServerOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Address to listen on; default 127.0.0.1. */
  host?: string;
  /**
   * Generate bodies from the schemas instead of answering the spec's examples (every pattern the
   * spec states is kept, so a generated Task's `job._id` and `job.task` can be finished).
   * Not with `example`.
   */
  dynamic?: boolean;
  /**
   * The scenario every operation answers by default, without a `Prefer` header: the name of one
   * of the spec's named examples, such as `"approved"` (the default anyway), `"rejected"` or
   * `"jobError"` (a claim and a finish answer that chain), or `"reference"` (the API reference's
   * own examples). An answer without an example of that name keeps its first one;
   * `Prefer: example=NAME` still picks another per request. A name that no answer has is a
   * `RangeError` (`code: "ERR_UNKNOWN_EXAMPLE"`) naming the examples there are.
   */
  example?: string;
  /**
   * A folder of recordings made by `verify --record DIR`: each recorded 2xx answer is served as a
   * named example of its operation, `recorded-<label>`, picked with `Prefer: example=recorded-<label>`
   * or `example`. A recording that breaks the contract is served as recorded, and its violations
   * (as the contract judges it today, whatever the file says) are logged once.
   */
  examples?: string;
  /** Receives Prism's log lines; silent when left out. */
  log?: (level: string, message: string) => void;
}

export type MockServer = RunningServer;

/**
 * Starts Prism serving this package's contract as a mock, with `--errors` semantics: a request
 * that breaks the contract gets `400` (judged by the client's own request validators, its message
 * naming each violation) or `401`, never a made-up success. A body that cannot be
 * decoded (malformed JSON or form) gets a `400` problem answer (`application/problem+json`) and
 * the mock keeps serving.
 */
export function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  return startPrismServer({ ...options, errors: true });
}
