// Prism, in this process, serving the bundled contract: as a mock, or as a validating proxy in
// front of a real platform. Prism is loaded only here, so the package root never needs it.
import path from "node:path";
import { packageRoot } from "./package-root.js";

export interface PrismServerOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Address to listen on; default 127.0.0.1. */
  host?: string;
  /** Forward to this platform and validate its answers against the contract, instead of mocking. */
  upstream?: string;
  /** Generate bodies from the schemas instead of answering the spec's examples. */
  dynamic?: boolean;
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

export const bundledSpecPath = path.join(packageRoot, "generated", "openapi.json");

export const PRISM_MISSING =
  "operations-manager-tasks-contract/mock needs Prism, an optional peer dependency: " +
  "npm install --save-dev @stoplight/prism-http@~5.12.0 @stoplight/prism-http-server@~5.12.2 " +
  "on Node 20 or 22 (5.15 and later need Node 24); on Node 24, @stoplight/prism-http@5 @stoplight/prism-http-server@5 " +
  "(the releases tested here)";

export async function startPrismServer(options: PrismServerOptions = {}): Promise<RunningServer> {
  const { getHttpOperationsFromSpec, createServer } = await loadPrism();
  const operations = await getHttpOperationsFromSpec(options.spec ?? bundledSpecPath);
  const shared = {
    validateRequest: true,
    validateResponse: true,
    checkSecurity: options.checkSecurity ?? true,
    errors: options.errors ?? true,
    mock: { dynamic: options.dynamic ?? false },
    upstreamProxy: undefined,
  };
  const config = options.upstream
    ? { ...shared, isProxy: true as const, upstream: new URL(options.upstream) }
    : { ...shared, isProxy: false as const };
  const server = createServer(operations, { cors: false, config, components: { logger: logger(options.log) } });
  const url = await server.listen(options.port ?? 0, options.host ?? "127.0.0.1");
  return { url, close: () => server.close() };
}

async function loadPrism() {
  try {
    const [http, httpServer] = await Promise.all([import("@stoplight/prism-http"), import("@stoplight/prism-http-server")]);
    return { getHttpOperationsFromSpec: http.getHttpOperationsFromSpec, createServer: httpServer.createServer };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") {
      throw Object.assign(new Error(PRISM_MISSING, { cause: error }), { code: "ERR_PRISM_MISSING" });
    }
    throw error;
  }
}

/** The part of pino's interface Prism calls, forwarding each line's message to `log`. */
function logger(log: PrismServerOptions["log"]): any {
  const self: any = new Proxy(
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
