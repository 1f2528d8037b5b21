// verify's command line and environment. Bad usage is a UsageError (exit 2), before anything is called.
import { existsSync } from "node:fs";
import { requestValidators } from "../../../generated/request-validators.js";
import { judgeBaseUrl, type BaseUrlTerms } from "../../client/base-url.js";
import { describeViolations, violationsOf } from "../../contract/validation.js";
import { BIN, UsageError, parseOptions } from "../usage.js";
import { authFromEnv, authMethod, type VerifyAuth } from "./auth-from-env.js";
import { FLAGS, ID_FLAGS, TASK_DATA_OF, verified, type IdFlag } from "./operations.js";

export const VERIFY_USAGE = `usage: ${BIN} verify --upstream <https://host:port> [options]
       ${BIN} verify --from <dir> [--json] [--verbose]
       (in a clone of the repository: npm run verify -- --upstream <url> [options])
  Calls each operation once through Prism (as a validating proxy) against a real platform and
  reports whether its answers keep the contract. The calls are real: a task is claimed, a manual
  task is finished. Needs Prism installed beside the package (see the README).
  Credentials come from the environment only, never from arguments:
    OM_CLIENT_ID, OM_CLIENT_SECRET      OAuth 2 client credentials (POST /oauth/token, then Bearer)
    OM_USERNAME, OM_PASSWORD            with OM_AUTH=basic (the default) or OM_AUTH=login
                                        (POST /login, then the session token as the cookie token)
    OM_AUTH=none                        a platform that takes no credentials
  OM_AUTH (oauth, login, basic, none) defaults to oauth when OM_CLIENT_ID is set, else basic.
  The token step (getOAuthToken or login) is verified too, as its own line.
  --upstream <url>        the platform's base URL (required; no credentials in it; https unless
                          the host is loopback, as the client requires)
  --allow-insecure-http   send credentials over plain http to a host that is not loopback
  --only <operation>      ${verified.join(" or ")}; repeat or comma-separate (default: ${verified.length === 2 ? "both" : "all"})
  --task-id <uuid>        task iteration to claim (default: the spec's example)
  --job-id <id>           job of the manual task to finish (default: the spec's example)
  --task-key <key>        workflow task key of the manual task to finish (default: the spec's example)
  --task-data <json>      taskData object sent to ${TASK_DATA_OF} (default: none, body {})
  --timeout <seconds>     per call (default 30)
  --json                  print one JSON document instead of lines
  --verbose               print each step to stderr as it happens (token step, request, answer
                          status and time; nothing secret), and list the optional members left out
                          and every item of a long list (else the first 20 and a count)
  --record <dir>          write each answer to <dir>/<operationId>.<status>.json and a drift report
                          to <dir>/report.json (also printed): violations, members the contract
                          does not declare, optional members left out. Credentials and tokens are
                          scrubbed in every form, no request header is written, and the values of
                          email, username, firstname and lastname become placeholders. <dir> is
                          checked before any call: a folder (created if missing, not a link)
                          verify can write, holding no recordings yet, and held open; no file is
                          written over or through a link. Each line as its call ends says the
                          verdict; what the answers said follows once all are in, scrubbed
  --label <text>          names the platform in the recordings (default: the upstream's host);
                          the mock serves them as the example recorded-<label>
  --redact <name,...>     more members whose values name people, for --record
  --from <dir>            judge the recordings in <dir> again, against the contract as it is now,
                          without a platform (no --upstream, no credentials), with the same report
                          as --record
  -h, --help              this text
Each operation is reported PASS (a 2xx answer that keeps the contract), FAIL (the answer breaks it;
  every violation is named by field), NOT CHECKED (a declared error answer, e.g. 401 or 500, that
  keeps the contract: the success answer was never seen; a hint says why) or ERROR (no answer:
  refused, no such host, TLS, reset, timed out), each line printed as its call ends.
Exit status: 0 every operation PASS, 1 any FAIL, NOT CHECKED or ERROR, 2 bad usage.`;

export interface VerifyOptions {
  /** The platform's base URL, without a trailing slash. */
  upstream: string;
  only: string[];
  /** Per call, in seconds. */
  timeout: number;
  ids: Partial<Record<IdFlag, string>>;
  /** The ids left to the spec's examples, for the hint when the platform refuses them. */
  defaulted: IdFlag[];
  bodies: Record<string, unknown>;
  json: boolean;
  /** --verbose: each step to stderr; the optional members left out listed. */
  verbose: boolean;
  auth: VerifyAuth;
  /** --record: where recordings go, their label and the extra personal members. */
  record?: { dir: string; label: string; redact: string[] };
}

/** `verify --from DIR`: recordings judged again, with no platform. */
export interface FromOptions {
  from: string;
  json: boolean;
  verbose: boolean;
}

const refuse = (message: string) => new UsageError(message, "verify");

/**
 * The client's baseUrl rule (src/client/base-url.ts) in verify's words. Credentials in argv end up
 * in shell history and process lists: they come from the environment only.
 */
const UPSTREAM: BaseUrlTerms = {
  url: "--upstream",
  credentials: "set them in the environment (OM_USERNAME and OM_PASSWORD, or OM_CLIENT_ID and OM_CLIENT_SECRET)",
  allowInsecure: "pass --allow-insecure-http",
};

/** The options, or "help" when --help was asked for; throws a UsageError for bad usage. */
export function verifyOptions(args: string[], env: NodeJS.ProcessEnv): VerifyOptions | FromOptions | "help" {
  const idOptions = Object.fromEntries(ID_FLAGS.map((flag) => [flag.slice(2), { type: "string" as const }]));
  const parsed = parseOptions("verify", args, {
    upstream: { type: "string" },
    only: { type: "string", multiple: true },
    "task-data": { type: "string" },
    timeout: { type: "string" },
    ...idOptions,
    "allow-insecure-http": { type: "boolean" },
    json: { type: "boolean" },
    verbose: { type: "boolean" },
    record: { type: "string" },
    label: { type: "string" },
    redact: { type: "string", multiple: true },
    from: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (parsed.help) return "help";
  const from = parsed.from as string | undefined;
  if (from !== undefined) {
    const clash = ["upstream", "record", "only", "task-data", ...ID_FLAGS.map((f) => f.slice(2))].find(
      (name) => parsed[name] !== undefined,
    );
    if (clash) throw refuse(`--from judges recordings without a platform: --${clash} does not go with it`);
    if (!existsSync(from)) throw refuse(`--from: no folder ${JSON.stringify(from)}`);
    return { from, json: parsed.json === true, verbose: parsed.verbose === true };
  }

  const given = parsed.upstream as string | undefined;
  if (!given) throw refuse("--upstream is required");
  // No credentials sent (OM_AUTH=none), none to leak: plain http may go to any host.
  const insecureAllowed = parsed["allow-insecure-http"] === true || authMethod(env) === "none";
  const url = judgeBaseUrl(given, insecureAllowed, UPSTREAM);
  if (typeof url === "string") throw refuse(url);
  const auth = authFromEnv(env);

  const only = [
    ...new Set(
      ((parsed.only as string[] | undefined) ?? verified)
        .flatMap((o) => o.split(","))
        .map((o) => o.trim())
        .filter(Boolean),
    ),
  ];
  if (only.length === 0) throw refuse("--only names no operation");
  for (const o of only)
    if (!verified.includes(o))
      throw refuse(`--only: unknown operation ${JSON.stringify(o)} (known: ${verified.join(", ")})`);

  const timeout = parsed.timeout === undefined ? 30 : Number(parsed.timeout);
  if (!(timeout > 0))
    throw refuse(`--timeout must be a positive number of seconds, got ${JSON.stringify(parsed.timeout)}`);

  const ids: Partial<Record<IdFlag, string>> = {};
  for (const flag of ID_FLAGS) {
    const value = parsed[flag.slice(2)] as string | undefined;
    if (value !== undefined) ids[flag] = idOption(value, flag);
  }
  const defaulted = ID_FLAGS.filter((flag) => ids[flag] === undefined);
  const bodies: Record<string, unknown> = {};
  const taskData = parsed["task-data"] as string | undefined;
  if (taskData !== undefined) {
    try {
      bodies[TASK_DATA_OF] = { taskData: JSON.parse(taskData) as unknown };
    } catch (error) {
      throw refuse(`--task-data is not JSON: ${(error as Error).message}`);
    }
    const check = requestValidators[TASK_DATA_OF].body["application/json"]!;
    if (!check(bodies[TASK_DATA_OF]))
      throw refuse(`--task-data does not fit the contract: ${describeViolations(violationsOf(check.errors))}`);
  }
  const recordDir = parsed.record as string | undefined;
  if (recordDir === "") throw refuse("--record must name a folder");
  for (const flag of ["label", "redact"]) {
    if (parsed[flag] !== undefined && recordDir === undefined) throw refuse(`--${flag} goes with --record`);
  }
  const redact = ((parsed.redact as string[] | undefined) ?? [])
    .flatMap((n) => n.split(","))
    .map((n) => n.trim())
    .filter(Boolean);
  const record =
    recordDir === undefined
      ? undefined
      : { dir: recordDir, label: (parsed.label as string | undefined) || url.host, redact };
  return {
    upstream: url.href.replace(/\/$/, ""),
    only,
    timeout,
    ids,
    defaulted,
    bodies,
    json: parsed.json === true,
    verbose: parsed.verbose === true,
    auth,
    ...(record ? { record } : {}),
  };
}

/** An id the contract refuses would be answered by Prism itself and never reach the platform. */
function idOption(value: string, flag: IdFlag): string {
  const { operationId, parameter } = FLAGS[flag];
  const check = requestValidators[operationId as keyof typeof requestValidators].path!;
  // The path validator checks all of an operation's parameters at once: only this one's verdict counts.
  const own = check({ [parameter]: value }) ? [] : violationsOf(check.errors).filter((v) => v.path === `/${parameter}`);
  if (own.length)
    throw refuse(
      `${flag} ${JSON.stringify(value)} is not valid for ${operationId}: ${own.map((v) => v.message).join("; ")}`,
    );
  return value;
}
