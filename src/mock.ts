// `operations-manager-tasks-contract/mock`: the contract's Prism mock, to start inside a test suite.
import { startPrismServer, type RunningServer } from "./prism-server.js";

export interface MockServerOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Address to listen on; default 127.0.0.1. */
  host?: string;
  /** Generate bodies from the schemas instead of the reference's examples. */
  dynamic?: boolean;
  /** Receives Prism's log lines; silent when left out. */
  log?: (level: string, message: string) => void;
}

export type MockServer = RunningServer;

/**
 * Starts Prism serving this package's contract as a mock, with `--errors` semantics: a request
 * that breaks the contract gets `400`/`401`/`422`, never a made-up success.
 */
export function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  return startPrismServer({ ...options, errors: true });
}
