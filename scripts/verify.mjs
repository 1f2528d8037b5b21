#!/usr/bin/env node
// `npm run verify -- --upstream http://host:port`: provider verification. Prism runs as a
// validating proxy (errors on) in front of a real Itential platform; each operation is called once
// through it and the platform's real answer is reported as keeping the contract or not.
//
// How Prism 5.12 reports a proxied answer (node_modules/@stoplight/prism-http-server/dist/server.js,
// prism-core/dist/factory.js, prism-http/dist/forwarder/index.js and validator/index.js):
// - a response violation of severity Error (wrong body, wrong media type, an undeclared 2xx)
//   replaces the real answer by a 500 application/problem+json of type
//   https://stoplight.io/prism/errors#VIOLATIONS whose `validation` lists
//   { location: ["response", "body", "data", "name"], message, severity }; the same list goes in
//   the `sl-violations` header, cut off past ~8 KB, so the body is what is read here;
// - an undeclared non-2xx status is only a Warning: the real answer passes through with an
//   `sl-violations` header; this script counts it as a violation;
// - an upstream 501 is silently re-mocked (a made-up 200): only Prism's log says so;
// - a request Prism finds invalid is answered by Prism (401/422) and never forwarded.
// The real status therefore comes from Prism's log line "… has returned <status>"; an answer with
// no such line never reached the platform. Answers Prism lets through are also checked here by the
// validators generated from the spec, the very ones the client and the contract tests use, which
// name the field by JSON pointer.
//
// Only a 2xx answer that keeps the contract is a PASS: a declared error (401, 400, 500) whose body
// keeps the contract says nothing about the success schemas, which were then never checked. Such
// an answer is NOT CHECKED (exit 1) with a hint: wrong credentials, or ids that exist on no platform
// (the defaults are the spec's examples).
import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { ensureBuilt } from "./lib/ensure-built.mjs";
import { repoRoot } from "./lib/run.mjs";
import { deref as derefIn, escapePointer, findOperation as findOperationIn } from "./lib/spec.cjs";

const USAGE = `usage: npm run verify -- --upstream <http://host:port> [options]
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
  --only <operation>   claimTask or finishManualTask; repeat or comma-separate (default: both)
  --task-id <uuid>     task iteration to claim (default: the spec's example)
  --job-id <id>        job of the manual task to finish (default: the spec's example)
  --task-key <key>     workflow task key of the manual task to finish (default: the spec's example)
  --task-data <json>   taskData object sent to finishManualTask (default: none, body {})
  --timeout <seconds>  per call (default 30)
  --json               print one JSON document instead of lines
  -h, --help           this text
Each operation is reported PASS (a 2xx answer that keeps the contract), FAIL (the answer breaks it;
  every violation is named by field), NOT CHECKED (a declared error answer, e.g. 401 or 500, that
  keeps the contract: the success answer was never seen; a hint says why) or ERROR (no answer).
Exit status: 0 every operation PASS, 1 any FAIL, NOT CHECKED or ERROR, 2 bad usage.`;

const PRISM_VIOLATIONS = "https://stoplight.io/prism/errors#VIOLATIONS";
const UPSTREAM_STATUS = /^Upstream call to .* has returned (\d{3})$|^The upstream call to .* has returned (\d{3})$/;

function usageError(message) {
  console.error(`error: ${message}`);
  console.error(USAGE);
  process.exit(2);
}

const spec = JSON.parse(readFileSync(path.join(repoRoot, "generated/openapi.json"), "utf8"));
// The generated validators and the client's wording of their verdicts, from the built package.
// The credentials' headers are the client's own (credentialHeaders).
const [{ requestValidators }, { responseValidators }, { bodyViolations, describeViolations, violationsOf }, { credentialHeaders }] = await Promise.all(
  ["generated/request-validators.js", "generated/response-validators.js", "src/validation.js", "src/auth.js"].map(loadBuilt),
);

const deref = (node) => derefIn(spec, node);

const findOperation = (operationId) => findOperationIn(spec, operationId);

/** The spec's own example of a parameter, the default of the ids. */
function parameter(operationId, name) {
  const { operation } = findOperation(operationId);
  const param = operation.parameters.map(deref).find((p) => p.name === name);
  return { example: param.example };
}

function options() {
  let parsed;
  try {
    parsed = parseArgs({
      args: process.argv.slice(2),
      strict: true,
      allowPositionals: false,
      options: {
        upstream: { type: "string" },
        only: { type: "string", multiple: true },
        "task-id": { type: "string" },
        "job-id": { type: "string" },
        "task-key": { type: "string" },
        "task-data": { type: "string" },
        timeout: { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }).values;
  } catch (error) {
    usageError(error.message);
  }
  if (parsed.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (!parsed.upstream) usageError("--upstream is required");
  let upstream;
  try {
    upstream = new URL(parsed.upstream);
  } catch {
    usageError(`--upstream is not a URL: ${JSON.stringify(parsed.upstream)}`);
  }
  if (upstream.protocol !== "http:" && upstream.protocol !== "https:") usageError("--upstream must be an http:// or https:// URL");
  // Credentials in argv end up in shell history and process lists.
  if (upstream.username || upstream.password) usageError("--upstream must not carry credentials: set OM_USERNAME and OM_PASSWORD");

  const known = ["claimTask", "finishManualTask"];
  const only = [...new Set((parsed.only ?? known).flatMap((o) => o.split(",")).map((o) => o.trim()).filter(Boolean))];
  if (only.length === 0) usageError("--only names no operation");
  for (const o of only) if (!known.includes(o)) usageError(`--only: unknown operation ${JSON.stringify(o)} (known: ${known.join(", ")})`);

  const timeout = parsed.timeout === undefined ? 30 : Number(parsed.timeout);
  if (!(timeout > 0)) usageError(`--timeout must be a positive number of seconds, got ${JSON.stringify(parsed.timeout)}`);

  const ids = {
    taskId: idOption(parsed["task-id"], "--task-id", "claimTask", "taskId"),
    jobId: idOption(parsed["job-id"], "--job-id", "finishManualTask", "jobId"),
    taskKey: idOption(parsed["task-key"], "--task-key", "finishManualTask", "taskId"),
  };
  // Which ids are the spec's examples, for the hint when the platform refuses them.
  const defaulted = ["task-id", "job-id", "task-key"].filter((name) => parsed[name] === undefined).map((name) => `--${name}`);
  let body = {};
  if (parsed["task-data"] !== undefined) {
    try {
      body = { taskData: JSON.parse(parsed["task-data"]) };
    } catch (error) {
      usageError(`--task-data is not JSON: ${error.message}`);
    }
    const check = requestValidators.finishManualTask.body["application/json"];
    if (!check(body)) usageError(`--task-data does not fit the contract: ${describeViolations(violationsOf(check.errors))}`);
  }

  return { upstream: upstream.href.replace(/\/$/, ""), only, timeout, ids, defaulted, body, json: !!parsed.json, auth: authOption() };
}

/**
 * How to get in, from the environment only. `secrets` are scrubbed from everything printed;
 * `step` is the token operation to verify first, and `headers` what the calls then carry.
 */
function authOption() {
  const env = process.env;
  const method = env.OM_AUTH || (env.OM_CLIENT_ID ? "oauth" : "basic");
  if (method === "none") return { method, secrets: [], headers: () => ({}) };
  if (method === "oauth") {
    if (!env.OM_CLIENT_ID || !env.OM_CLIENT_SECRET) usageError("OM_AUTH=oauth needs OM_CLIENT_ID and OM_CLIENT_SECRET in the environment");
    return {
      method,
      secrets: [env.OM_CLIENT_SECRET],
      step: "getOAuthToken",
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: env.OM_CLIENT_ID, client_secret: env.OM_CLIENT_SECRET }).toString(),
      contentType: "application/x-www-form-urlencoded",
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
      contentType: "application/json",
      // The token itself, as plain text or as a JSON string.
      token: (answer, text) => (typeof answer === "string" ? answer : text.trim()),
      headers: credentialHeaders.loginCookie,
      check: "OM_USERNAME/OM_PASSWORD",
    };
  }
  if (username.includes(":")) usageError("OM_USERNAME must not contain ':' (HTTP Basic cannot carry it)");
  const headers = credentialHeaders.basic(username, password);
  return { method, secrets: [password, headers.Authorization.slice("Basic ".length)], headers: () => headers, check: "OM_USERNAME/OM_PASSWORD" };
}

/** An id the contract refuses would be answered by Prism itself and never reach the platform. */
function idOption(value, flag, operationId, name) {
  const { example } = parameter(operationId, name);
  if (value === undefined) return example;
  const check = requestValidators[operationId].path;
  // The path validator checks all of an operation's parameters at once: only this one's verdict counts.
  const own = check({ [name]: value }) ? [] : violationsOf(check.errors).filter((v) => v.path === `/${name}`);
  if (own.length) usageError(`${flag} ${JSON.stringify(value)} is not valid for ${operationId}: ${own.map((v) => v.message).join("; ")}`);
  return value;
}

/** A module of dist/, built first when missing or stale (the same check npm start, bench and the tests use). */
async function loadBuilt(file) {
  ensureBuilt();
  return import(pathToFileURL(path.join(repoRoot, "dist/esm", file)).href);
}

function requestFor(operationId, { ids, body, auth }) {
  const { path: template, method } = findOperation(operationId);
  const values = operationId === "claimTask" ? { taskId: ids.taskId } : { jobId: ids.jobId, taskId: ids.taskKey };
  const p = template.replace(/\{(\w+)\}/g, (_, name) => encodeURIComponent(values[name]));
  if (operationId === auth.step) return { method: method.toUpperCase(), path: p, body: auth.body, contentType: auth.contentType };
  const json = operationId === "finishManualTask" ? JSON.stringify(body) : undefined;
  return { method: method.toUpperCase(), path: p, body: json, contentType: json === undefined ? undefined : "application/json" };
}

/** One call through Prism, classified: the real status, and every way the answer breaks the contract. */
async function verifyOperation(operationId, prismUrl, opts, upstreamStatuses, headers = {}) {
  const { operation } = findOperation(operationId);
  const request = requestFor(operationId, opts);
  const result = { operationId, method: request.method, path: request.path, status: null, result: "pass", violations: [] };
  // `in` is what broke (status, body, a header…), `path` the JSON pointer of a body field.
  const violation = (where, fieldPath, message, source) => result.violations.push({ in: where, path: fieldPath, message, source });

  upstreamStatuses.length = 0;
  let response, text;
  try {
    response = await fetch(prismUrl + request.path, {
      method: request.method,
      redirect: "manual",
      signal: AbortSignal.timeout(opts.timeout * 1000),
      headers: {
        ...headers,
        Accept: operationId === "login" ? "text/plain, application/json" : "application/json",
        ...(request.contentType === undefined ? {} : { "Content-Type": request.contentType }),
      },
      body: request.body,
    });
    text = await response.text();
  } catch (error) {
    return { ...result, result: "error", error: `no answer through Prism: ${error.name === "TimeoutError" ? `timed out after ${opts.timeout}s` : error.message}` };
  }
  const body = parseJson(text);

  const upstreamStatus = upstreamStatuses.at(-1);
  if (upstreamStatus === undefined) {
    // Prism answered by itself: the platform could not be reached, or Prism refused the request.
    const why = body?.detail || body?.title || text.slice(0, 200);
    return { ...result, result: "error", error: `the platform was not reached (Prism answered ${response.status}: ${why})` };
  }
  result.status = upstreamStatus;

  const declared = Object.keys(operation.responses);
  if (!declared.includes(String(upstreamStatus))) {
    violation("status", null, `${upstreamStatus} is not declared for ${operationId} (declared: ${declared.join(", ")})`, "verify");
  }
  if (upstreamStatus === 501) {
    // Prism re-mocked the call; what came back is made up, there is nothing more to check.
  } else if (body?.type === PRISM_VIOLATIONS && response.headers.get("content-type")?.startsWith("application/problem+json")) {
    for (const v of body.validation ?? []) addPrismViolation(v, violation);
  } else {
    for (const v of parseJson(response.headers.get("sl-violations") ?? "[]") ?? []) addPrismViolation(v, violation);
    if (declared.includes(String(upstreamStatus))) checkAnswer(operationId, upstreamStatus, response.headers, text, body, violation);
  }
  // Kept apart from the result, which is printed: a token step's answer is a secret.
  Object.defineProperty(result, "answer", { value: { body, text }, enumerable: false });
  if (result.violations.length > 0) return { ...result, result: "fail" };
  if (upstreamStatus < 200 || upstreamStatus > 299) {
    // A declared error that keeps the contract: the success schemas were never put to the test.
    const success = declared.filter((s) => /^2/.test(s)).join("/");
    const said = typeof body?.message === "string" ? `${JSON.stringify(body.message.slice(0, 200))}, ` : "";
    return {
      ...result,
      result: "not-checked",
      reason: `${said}a declared error answer that keeps the contract; the ${success} answer was never seen`,
      hint: hint(operationId, upstreamStatus, opts),
    };
  }
  return result;
}

function hint(operationId, status, { defaulted, auth }) {
  if (status === 401) return auth.check ? `check ${auth.check}` : "the platform wants credentials: set OM_AUTH and them";
  if (operationId === auth.step) return `check ${auth.check} and that the platform serves ${findOperation(operationId).path}`;
  const flags = operationId === "claimTask" ? ["--task-id"] : ["--job-id", "--task-key"];
  if (flags.some((f) => defaulted.includes(f))) {
    const theDefaults = flags.length === 1 ? "the default is the spec's example, which exists" : "the defaults are the spec's examples, which exist";
    return `pass real ${flags.join(" / ")} (${theDefaults} on no platform)`;
  }
  return operationId === "claimTask"
    ? "check that --task-id names a task on this platform that can still be claimed"
    : "check that --job-id / --task-key name a manual task on this platform that is still open (and that --task-data suits it)";
}

function addPrismViolation(v, violation) {
  const [side, part, ...field] = v.location ?? [];
  if (side !== "response") return; // requests are checked before they are sent
  if (/^Unable to match the returned status code/.test(v.message)) return; // reported as `status`
  if (part === "body") violation("body", `/${field.map((f) => escapePointer(String(f))).join("/")}`, v.message, "prism");
  else violation(part ? [part, ...field].join(".") : "response", null, v.message, "prism");
}

/** What Prism does not hold a passed-through answer to: declared required headers, and the schema by Ajv. */
function checkAnswer(operationId, status, headers, text, body, violation) {
  const { operation } = findOperation(operationId);
  const declared = deref(operation.responses[String(status)]);
  for (const [name, header] of Object.entries(declared.headers ?? {})) {
    if (deref(header).required && !headers.has(name)) violation(`header ${name}`, null, "is required and missing", "ajv");
  }
  const content = declared.content ?? {};
  const mediaType = (headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (Object.keys(content).length === 0) return;
  if (!(mediaType in content)) return violation("content-type", null, `${JSON.stringify(mediaType)} is not declared (${Object.keys(content).join(", ")})`, "ajv");
  // A text/* answer (the login token) is its text; anything else must be JSON.
  if (mediaType.startsWith("text/")) body = text;
  else if (body === undefined) return violation("body", null, `is not JSON: ${text.slice(0, 120)}`, "ajv");
  for (const v of bodyViolations(responseValidators, operationId, status, mediaType, body) ?? []) violation("body", v.path || "/", v.message, "validator");
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function report(results, opts) {
  const lines = [];
  for (const r of results) {
    const label = { pass: "PASS", fail: "FAIL", "not-checked": "NOT CHECKED" }[r.result] ?? "ERROR";
    const status = r.status === null ? "" : ` → ${r.status}`;
    const why = r.error ?? r.reason;
    lines.push(`${label} ${r.operationId} ${r.method} ${r.path}${status}${why ? `: ${why}` : ""}`);
    for (const v of r.violations) lines.push(`  ${v.in}${v.path ? ` ${v.path}` : ""}: ${v.message} [${v.source}]`);
    if (r.hint) lines.push(`  hint: ${r.hint}`);
  }
  const count = (what) => results.filter((r) => r.result === what).length;
  const ok = count("pass") === results.length;
  const errors = count("error");
  const summary = `${count("pass")} passed, ${count("fail")} failed, ${count("not-checked")} not checked, ${errors} ${errors === 1 ? "error" : "errors"}`;
  const text = opts.json
    ? JSON.stringify({ upstream: opts.upstream, ok, operations: results }, null, 2)
    : [...lines, summary].join("\n");
  // The platform's own words are echoed in places; its echo of our credentials must not be.
  console.log(redact(text, opts));
  return ok;
}

function redact(text, { auth }) {
  const secrets = auth.secrets.filter((s) => s && s.length >= 3);
  return secrets.reduce((t, s) => t.split(s).join("***"), text);
}

const opts = options();
const { startPrismServer } = await loadBuilt("src/prism-server.js");
// Only the "has returned <status>" lines are kept: Prism's other log lines carry request headers,
// the Authorization header among them, and are never printed.
const upstreamStatuses = [];
const log = (_level, message) => {
  const m = UPSTREAM_STATUS.exec(message);
  if (m) upstreamStatuses.push(Number(m[1] ?? m[2]));
};

let server;
try {
  // A platform without credentials gets none: Prism must not refuse the calls for lacking them.
  server = await startPrismServer({ upstream: opts.upstream, errors: true, port: 0, host: "127.0.0.1", log, checkSecurity: opts.auth.method !== "none" });
} catch (error) {
  console.error(`error: Prism could not start: ${redact(String(error?.message ?? error), opts)}`);
  process.exit(1);
}
const results = [];
try {
  let headers = opts.auth.step ? {} : opts.auth.headers();
  if (opts.auth.step) {
    // The token step is verified like the operations; its token then goes with them.
    const step = await verifyOperation(opts.auth.step, server.url, opts, upstreamStatuses);
    results.push(step);
    const token = step.result === "pass" ? opts.auth.token(step.answer.body, step.answer.text) : undefined;
    if (typeof token === "string" && token !== "") {
      opts.auth.secrets.push(token);
      headers = opts.auth.headers(token);
    }
  }
  for (const operationId of opts.only) {
    if (opts.auth.step && !headers.Authorization && !headers.Cookie) {
      const { method, path: p } = requestFor(operationId, opts);
      results.push({ operationId, method, path: p, status: null, result: "error", violations: [], error: `not called: no token (${opts.auth.step} did not pass)` });
      continue;
    }
    results.push(await verifyOperation(operationId, server.url, opts, upstreamStatuses, headers));
  }
} finally {
  // A platform that never answers would hold close() open; the verdict is known by now.
  await Promise.race([server.close().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
}
process.exit(report(results, opts) ? 0 : 1);
