// `operations-manager-tasks-contract mock` (and `npm start`): serves the contract as a Prism mock,
// with --errors semantics, until SIGINT or SIGTERM. Flags, else HOST, PORT and EXAMPLE from the
// environment, else 127.0.0.1:4010 and the first example.
import { existsSync } from "node:fs";
import { bundledSpec, parameterExample } from "../spec/bundled-spec.js";
import { startMockServer, type MockServer, type MockServerOptions } from "../mock/start.js";
import { BIN, UsageError, parseOptions, type Output } from "../usage.js";
import { closeWithin } from "../close-within.js";

const MOCK_USAGE = `usage: ${BIN} mock [--port <n>] [--host <address>] [--dynamic] [--example <name>] [--examples <dir>]
       (in a clone of the repository: npm start, with HOST, PORT and EXAMPLE in the environment)
  Serves the contract as a Prism mock until stopped (Ctrl+C or SIGTERM). A request that breaks the
  contract gets 400 (naming what to fix) or 401, never a made-up success. Needs Prism installed beside the package
  (see the README).
  --port <n>          port to listen on (default: PORT, else 4010; 0 picks a free one)
  --host <address>    address to listen on (default: HOST, else 127.0.0.1)
  --dynamic           generate bodies from the schemas instead of answering the examples
  --example <name>    the scenario every answer gives by default: approved (the default),
                      rejected, jobError or reference (default: EXAMPLE); Prefer: example=NAME
                      still picks another per request
  --examples <dir>    also serve the recordings of verify --record <dir>: each recorded 2xx
                      answer as the example recorded-<label> of its operation
  -h, --help          this text`;

/** The mock's options from argv, else the environment; "help" when --help was asked for. */
export function mockOptions(args: string[], env: NodeJS.ProcessEnv): MockServerOptions | "help" {
  const parsed = parseOptions("mock", args, {
    port: { type: "string" },
    host: { type: "string" },
    dynamic: { type: "boolean" },
    example: { type: "string" },
    examples: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (parsed.help) return "help";
  const flag = (name: string) => parsed[name] as string | undefined;
  const [portText, portFrom] =
    flag("port") !== undefined ? [flag("port")!, "--port"] : env.PORT ? [env.PORT, "PORT"] : ["4010", "the default"];
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535)
    throw new UsageError(`${portFrom} must be a port number (0 to 65535), got ${JSON.stringify(portText)}`, "mock");
  const host = flag("host") ?? (env.HOST || "127.0.0.1");
  if (host === "") throw new UsageError("--host must not be empty", "mock");
  const example = flag("example") ?? (env.EXAMPLE || undefined);
  if (example === "") throw new UsageError("--example must name an example", "mock");
  if (example !== undefined && parsed.dynamic)
    throw new UsageError(
      "--example and --dynamic cannot both be set: --dynamic answers generated bodies, not examples",
      "mock",
    );
  const examples = flag("examples");
  if (examples !== undefined && !existsSync(examples))
    throw new UsageError(`--examples: no folder ${JSON.stringify(examples)}`, "mock");
  return {
    port,
    host,
    ...(parsed.dynamic ? { dynamic: true } : {}),
    ...(example === undefined ? {} : { example }),
    ...(examples === undefined ? {} : { examples }),
  };
}

/** Serves until SIGINT or SIGTERM, then closes and resolves 0; 1 when the mock cannot start. */
export async function mockCommand(args: string[], env: NodeJS.ProcessEnv, output: Output): Promise<number> {
  const options = mockOptions(args, env);
  if (options === "help") {
    output.out(MOCK_USAGE);
    return 0;
  }
  let server: MockServer;
  try {
    server = await startMockServer({
      ...options,
      log: (level, message) => {
        if (level !== "debug" && level !== "trace") output.out(`[prism ${level}] ${message}`);
      },
    });
  } catch (error) {
    // A scenario no answer has is bad usage: the message lists the names there are.
    // So is a folder of recordings the mock cannot serve: the message names the file.
    const code = (error as { code?: unknown })?.code;
    if (code === "ERR_UNKNOWN_EXAMPLE" || code === "ERR_BAD_RECORDING" || code === "ERR_RECORDING_TOO_DEEP")
      throw new UsageError((error as Error).message, "mock");
    output.err(
      `error: the mock could not start on ${options.host}:${options.port}: ${(error as Error)?.message ?? String(error)}`,
    );
    return 1;
  }
  output.out(banner(server.url));
  return new Promise((resolve) => {
    const stop = () => {
      for (const signal of SIGNALS) process.off(signal, stop);
      // A second signal while closing ends the process at once (Node's default).
      // Open keep-alive connections could hold close() open: the bin exits by then anyway.
      void closeWithin(2000, server.close()).then(() => resolve(0));
    };
    // Run by npm, a SIGTERM to npm reaches this process only as its parent's death: src/tools/cli/npm-parent.ts.
    for (const signal of SIGNALS) process.once(signal, stop);
  });
}

const SIGNALS = ["SIGINT", "SIGTERM"] as const;

function banner(url: string): string {
  // The ids are the spec's own parameter examples, which the mock answers.
  const spec = bundledSpec();
  const taskId = parameterExample(spec, "claimTask", "taskId");
  const jobId = parameterExample(spec, "finishManualTask", "jobId");
  const taskKey = parameterExample(spec, "finishManualTask", "taskId");
  return [
    `Mock of the Operations Manager tasks contract listening on ${url}`,
    "Try:",
    `  curl -u admin:admin -X POST ${url}/operations-manager/tasks/${taskId}/claim`,
    `  curl -u admin:admin -X POST -H 'Content-Type: application/json' -d '{"taskData":{"finish_state":"success"}}' ${url}/operations-manager/jobs/${jobId}/tasks/${taskKey}/finish`,
    `  curl -X POST -d grant_type=client_credentials -d client_id=svc -d client_secret=secret ${url}/oauth/token`,
    "Any of the four ways in is accepted: Basic, a Bearer token, or the login token as cookie or ?token=.",
    "Stop with Ctrl+C.",
  ].join("\n");
}
