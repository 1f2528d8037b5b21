// verify's command line and environment. Bad usage exits 2 with the usage, before anything is called.
import { parseArgs } from "node:util";
import { FLAGS, TASK_DATA_OF, verified } from "./operations.mjs";
import { createRedactor, credentialHeaders, describeViolations, requestValidators, violationsOf } from "./package.mjs";

export const USAGE = `usage: npm run verify -- --upstream <http://host:port> [options]
  Calls each operation once through Prism (as a validating proxy) against a real platform and
  reports whether its answers keep the contract. The calls are real: a task is claimed, a manual
  task is finished.
  Credentials come from the environment only, never from arguments:
    OM_CLIENT_ID, OM_CLIENT_SECRET      OAuth 2 client credentials (POST /oauth/token, then Bearer)
    OM_USERNAME, OM_PASSWORD            with OM_AUTH=basic (the default) or OM_AUTH=login
                                        (POST /login, then the session token as the cookie token)
    OM_AUTH=none                        a platform that takes no credentials
  OM_AUTH (oauth, login, basic, none) defaults to oauth when OM_CLIENT_ID is set, else basic.
  The token step (getOAuthToken or login) is verified too, as its own line.
  --upstream <url>     the platform's base URL (required; no credentials in it)
  --only <operation>   ${verified.join(" or ")}; repeat or comma-separate (default: ${verified.length === 2 ? "both" : "all"})
  --task-id <uuid>     task iteration to claim (default: the spec's example)
  --job-id <id>        job of the manual task to finish (default: the spec's example)
  --task-key <key>     workflow task key of the manual task to finish (default: the spec's example)
  --task-data <json>   taskData object sent to ${TASK_DATA_OF} (default: none, body {})
  --timeout <seconds>  per call (default 30)
  --json               print one JSON document instead of lines
  -h, --help           this text
Each operation is reported PASS (a 2xx answer that keeps the contract), FAIL (the answer breaks it;
  every violation is named by field), NOT CHECKED (a declared error answer, e.g. 401 or 500, that
  keeps the contract: the success answer was never seen; a hint says why) or ERROR (no answer).
Exit status: 0 every operation PASS, 1 any FAIL, NOT CHECKED or ERROR, 2 bad usage.`;

function usageError(message) {
  console.error(`error: ${message}`);
  console.error(USAGE);
  process.exit(2);
}

export function options(args, env) {
  let parsed;
  try {
    const ids = Object.fromEntries(Object.keys(FLAGS).map((flag) => [flag.slice(2), { type: "string" }]));
    const strings = { upstream: { type: "string" }, only: { type: "string", multiple: true }, "task-data": { type: "string" }, timeout: { type: "string" } };
    parsed = parseArgs({ args, strict: true, allowPositionals: false, options: { ...strings, ...ids, json: { type: "boolean" }, help: { type: "boolean", short: "h" } } }).values;
  } catch (error) {
    usageError(error.message);
  }
  if (parsed.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (!parsed.upstream) usageError("--upstream is required");
  if (!URL.canParse(parsed.upstream)) usageError(`--upstream is not a URL: ${JSON.stringify(parsed.upstream)}`);
  const upstream = new URL(parsed.upstream);
  if (upstream.protocol !== "http:" && upstream.protocol !== "https:") usageError("--upstream must be an http:// or https:// URL");
  // Credentials in argv end up in shell history and process lists.
  if (upstream.username || upstream.password) usageError("--upstream must not carry credentials: set OM_USERNAME and OM_PASSWORD");

  const only = [...new Set((parsed.only ?? verified).flatMap((o) => o.split(",")).map((o) => o.trim()).filter(Boolean))];
  if (only.length === 0) usageError("--only names no operation");
  for (const o of only) if (!verified.includes(o)) usageError(`--only: unknown operation ${JSON.stringify(o)} (known: ${verified.join(", ")})`);

  const timeout = parsed.timeout === undefined ? 30 : Number(parsed.timeout);
  if (!(timeout > 0)) usageError(`--timeout must be a positive number of seconds, got ${JSON.stringify(parsed.timeout)}`);

  const ids = Object.fromEntries(Object.keys(FLAGS).map((flag) => [flag, idOption(parsed[flag.slice(2)], flag)]));
  // The ids left to the spec's examples, for the hint when the platform refuses them.
  const defaulted = Object.keys(FLAGS).filter((flag) => ids[flag] === undefined);
  const bodies = {};
  if (parsed["task-data"] !== undefined) {
    try {
      bodies[TASK_DATA_OF] = { taskData: JSON.parse(parsed["task-data"]) };
    } catch (error) {
      usageError(`--task-data is not JSON: ${error.message}`);
    }
    const check = requestValidators[TASK_DATA_OF].body["application/json"];
    if (!check(bodies[TASK_DATA_OF])) usageError(`--task-data does not fit the contract: ${describeViolations(violationsOf(check.errors))}`);
  }
  const auth = authOption(env);
  // A function: the tokens fetched later are scrubbed as well.
  const redact = createRedactor(() => auth.secrets);
  return { upstream: upstream.href.replace(/\/$/, ""), only, timeout, ids, defaulted, bodies, json: !!parsed.json, auth, redact };
}

/**
 * How to get in, from the environment only. `secrets` are scrubbed from everything printed;
 * `step` is the token operation to verify first, and `headers` what the calls then carry.
 */
function authOption(env) {
  const method = env.OM_AUTH || (env.OM_CLIENT_ID ? "oauth" : "basic");
  if (method === "none") return { method, secrets: [], headers: () => ({}) };
  if (method === "oauth") {
    if (!env.OM_CLIENT_ID || !env.OM_CLIENT_SECRET) usageError("OM_AUTH=oauth needs OM_CLIENT_ID and OM_CLIENT_SECRET in the environment");
    return {
      method,
      secrets: [env.OM_CLIENT_SECRET],
      step: "getOAuthToken",
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: env.OM_CLIENT_ID, client_secret: env.OM_CLIENT_SECRET }).toString(),
      token: (answer) => answer?.access_token,
      headers: credentialHeaders.bearer,
      check: "OM_CLIENT_ID/OM_CLIENT_SECRET",
    };
  }
  if (method !== "basic" && method !== "login") usageError(`OM_AUTH must be oauth, login, basic or none, got ${JSON.stringify(method)}`);
  const { OM_USERNAME: username, OM_PASSWORD: password } = env;
  if (!username || password === undefined) {
    usageError("set OM_USERNAME and OM_PASSWORD (or OM_CLIENT_ID and OM_CLIENT_SECRET) in the environment (credentials are never taken from arguments)");
  }
  if (method === "login") {
    return {
      method,
      secrets: [password],
      step: "login",
      body: JSON.stringify({ user: { username, password } }),
      // The token itself, as plain text or as a JSON string.
      token: (answer, text) => (typeof answer === "string" ? answer : text.trim()),
      headers: credentialHeaders.loginCookie,
      check: "OM_USERNAME/OM_PASSWORD",
    };
  }
  if (username.includes(":")) usageError("OM_USERNAME must not contain ':' (HTTP Basic cannot carry it)");
  const headers = credentialHeaders.basic(username, password);
  const secrets = [password, `${username}:${password}`, headers.Authorization.slice("Basic ".length)];
  return { method, secrets, headers: () => headers, check: "OM_USERNAME/OM_PASSWORD" };
}

/** An id the contract refuses would be answered by Prism itself and never reach the platform. */
function idOption(value, flag) {
  if (value === undefined) return undefined;
  const { operationId, parameter } = FLAGS[flag];
  const check = requestValidators[operationId].path;
  // The path validator checks all of an operation's parameters at once: only this one's verdict counts.
  const own = check({ [parameter]: value }) ? [] : violationsOf(check.errors).filter((v) => v.path === `/${parameter}`);
  if (own.length) usageError(`${flag} ${JSON.stringify(value)} is not valid for ${operationId}: ${own.map((v) => v.message).join("; ")}`);
  return value;
}
