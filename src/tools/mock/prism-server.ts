// Prism, in this process, serving the bundled contract: as a mock, or as a validating proxy in
// front of a real platform. Prism is loaded only here, so the package root never needs it.
import { readFileSync } from "node:fs";
import { bundledSpec, bundledSpecPath, deref, type Json, type JsonObject } from "../spec/bundled-spec.js";
import { addRecordings } from "./serve-recordings.js";
import { startGuard } from "./request-guard.js";
import { checkExampleName, createPreflight } from "./answers.js";

interface PrismServerOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Address to listen on; default 127.0.0.1. */
  host?: string;
  /** Forward to this platform and validate its answers against the contract, instead of mocking. */
  upstream?: string;
  /** Generate bodies from the schemas instead of answering the spec's examples. */
  dynamic?: boolean;
  /**
   * Answer this named example by default wherever an answer has one (Prism answers the first
   * example unless `Prefer: example=NAME` picks another). Not with `dynamic`.
   */
  example?: string;
  /**
   * A folder of recordings (`verify --record`): each recorded 2xx answer is served as the named
   * example `recorded-<label>` of its operation.
   */
  examples?: string;
  /** Turn contract violations into `422`/`500` problem answers (default true, as `prism --errors`). */
  errors?: boolean;
  /** Refuse requests that carry none of the spec's security schemes (default true). */
  checkSecurity?: boolean;
  /** The bundled spec to serve; default: the one this package ships. */
  spec?: string;
  /** Receives Prism's log lines; silent when left out. */
  log?: (level: string, message: string) => void;
}

export interface RunningServer {
  /** Base URL, such as `http://127.0.0.1:4010`. */
  readonly url: string;
  close(): Promise<void>;
}

export const PRISM_MISSING =
  "operations-manager-tasks-contract/mock needs Prism, an optional peer dependency: " +
  "npm install --save-dev @stoplight/prism-http@~5.12.0 @stoplight/prism-http-server@~5.12.2 " +
  "on Node 20 or 22 (5.15 and later need Node 24); on Node 24, @stoplight/prism-http@5 @stoplight/prism-http-server@5 " +
  "(the releases tested here)";

export async function startPrismServer(options: PrismServerOptions = {}): Promise<RunningServer> {
  const { example } = options;
  if (example !== undefined) {
    if (typeof example !== "string" || example === "")
      throw new TypeError(`example must be the name of one of the spec's examples, got ${JSON.stringify(example)}`);
    if (options.dynamic)
      throw new TypeError("example and dynamic cannot both be set: dynamic answers generated bodies, not examples");
  }
  const specPath = options.spec ?? bundledSpecPath;
  // With recordings or an example chosen, Prism is handed a copy of the spec itself: the
  // recordings added as examples, the chosen example moved first.
  let spec: string | SpecNode = specPath;
  if (options.examples !== undefined || example !== undefined) {
    spec = JSON.parse(readFileSync(specPath, "utf8")) as SpecNode;
    if (options.examples !== undefined)
      addRecordings(spec, options.examples, (message) => options.log?.("warn", message));
    if (example !== undefined) withExampleFirst(spec, example);
  }
  const { getHttpOperationsFromSpec, createServer } = await loadPrism();
  let operations: Awaited<ReturnType<typeof getHttpOperationsFromSpec>>;
  try {
    operations = await getHttpOperationsFromSpec(spec);
  } catch (error) {
    // Prism read the spec it was handed and failed: with recordings added, say which folder, not
    // only Prism's words (a RangeError of its recursion named no file).
    if (options.examples === undefined) throw error;
    throw Object.assign(
      new Error(
        `the recordings in ${options.examples} could not be served: Prism could not read them (${String((error as Error)?.message ?? error)})`,
        { cause: error },
      ),
      { code: "ERR_RECORDINGS_UNSERVABLE" },
    );
  }
  const shared = {
    validateRequest: true,
    // Recordings are served as the platform said them: Prism, judging them itself (its judge is not
    // ours, and the file's verdict is not trusted), would replace one it disagrees with by its own
    // 500. Their violations are logged once, by our judge (recording/serve.ts).
    validateResponse: options.examples === undefined,
    checkSecurity: options.checkSecurity ?? true,
    errors: options.errors ?? true,
    mock: { dynamic: options.dynamic ?? false },
    upstreamProxy: undefined,
  };
  const config = options.upstream
    ? { ...shared, isProxy: true as const, upstream: new URL(options.upstream) }
    : { ...shared, isProxy: false as const };
  const server = createServer(operations, {
    cors: false,
    config,
    components: {
      // Prism types it as pino's Logger, of which it calls only the level methods and child().
      logger: logger(options.log),
    },
  });
  // Prism listens where only the guard in front of it (request-guard.ts) reaches it.
  const inner = await server.listen(0, "127.0.0.1");
  // As a mock, the guard refuses what the client's own request validators refuse, and a Prefer
  // naming what the served spec does not have (mock-answers.ts), as the MSW handlers do.
  const served =
    typeof spec === "string"
      ? spec === bundledSpecPath
        ? bundledSpec()
        : (JSON.parse(readFileSync(spec, "utf8")) as JsonObject)
      : (spec as JsonObject);
  const preflight = options.upstream ? undefined : createPreflight(served);
  return startGuard(inner, options.port ?? 0, options.host ?? "127.0.0.1", () => server.close(), preflight);
}

type SpecNode = { [key: string]: unknown };

/**
 * The spec with the named example first in every answer that has it, so that Prism answers it
 * without being asked. Throws, naming the scenarios there are, when `name` is none of them
 * (mock-answers.ts scenarioNames: an error answer's lone `error` example is no scenario).
 */
function withExampleFirst(spec: SpecNode, name: string): SpecNode {
  checkExampleName(spec as JsonObject, name);
  const resolve = (node: unknown) => deref(spec as JsonObject, node as Json) as SpecNode | undefined;
  for (const pathItem of Object.values((spec.paths ?? {}) as SpecNode)) {
    for (const operation of Object.values(pathItem as SpecNode)) {
      for (const response of Object.values(((operation as SpecNode | undefined)?.responses ?? {}) as SpecNode)) {
        for (const media of Object.values((resolve(response)?.content ?? {}) as SpecNode)) {
          const examples = (media as SpecNode).examples as SpecNode | undefined;
          if (!examples || !(name in examples) || Object.keys(examples)[0] === name) continue;
          (media as SpecNode).examples = {
            [name]: examples[name],
            ...Object.fromEntries(Object.entries(examples).filter(([key]) => key !== name)),
          };
        }
      }
    }
  }
  return spec;
}

async function loadPrism() {
  try {
    const [http, httpServer] = await Promise.all([
      import("@stoplight/prism-http"),
      import("@stoplight/prism-http-server"),
    ]);
    return { getHttpOperationsFromSpec: http.getHttpOperationsFromSpec, createServer: httpServer.createServer };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") {
      throw Object.assign(new Error(PRISM_MISSING, { cause: error }), { code: "ERR_PRISM_MISSING" });
    }
    throw error;
  }
}

/** What logger() gives: any level's method, and `child`, which gives the same logger. */
type LineLogger = { [level: string]: (...args: unknown[]) => unknown };

/** The part of pino's interface Prism calls, forwarding each line's message to `log`. */
function logger(log: PrismServerOptions["log"]): LineLogger {
  const self: LineLogger = new Proxy(
    {},
    {
      get(_target, level) {
        if (level === "child") return () => self;
        if (typeof level !== "string" || level === "then") return undefined;
        return (...args: unknown[]) => {
          const message = args.find((a): a is string => typeof a === "string");
          if (log && message) log(level, message);
        };
      },
    },
  );
  return self;
}
