// The calls: Prism as a validating proxy (errors on) in front of the platform, the token step
// first when there is one, then each operation once, each answer classified.
import { classify } from "./classify.mjs";
import { requestFor } from "./operations.mjs";
import { startPrismServer } from "./package.mjs";

// Prism's only word on the platform's real status (an upstream 501 it re-mocks, for one).
const UPSTREAM_STATUS = /^Upstream call to .* has returned (\d{3})$|^The upstream call to .* has returned (\d{3})$/;

export async function verifyAll(opts) {
  // Only the "has returned <status>" lines are kept: Prism's other log lines carry request headers,
  // the Authorization header among them, and are never printed.
  const statuses = [];
  const log = (_level, message) => {
    const m = UPSTREAM_STATUS.exec(message);
    if (m) statuses.push(Number(m[1] ?? m[2]));
  };
  let server;
  try {
    // A platform without credentials gets none: Prism must not refuse the calls for lacking them.
    server = await startPrismServer({ upstream: opts.upstream, errors: true, port: 0, host: "127.0.0.1", log, checkSecurity: opts.auth.method !== "none" });
  } catch (error) {
    console.error(`error: Prism could not start: ${opts.redact(String(error?.message ?? error))}`);
    process.exit(1);
  }
  const call = (operationId, headers) => verifyOperation(operationId, server.url, opts, statuses, headers);
  const results = [];
  try {
    let headers = opts.auth.step ? {} : opts.auth.headers();
    if (opts.auth.step) {
      // The token step is verified like the operations; its token then goes with them.
      const step = await call(opts.auth.step, {});
      results.push(step);
      const token = step.result === "pass" ? opts.auth.token(step.answer.body, step.answer.text) : undefined;
      if (typeof token === "string" && token !== "") {
        opts.auth.secrets.push(token);
        headers = opts.auth.headers(token);
      }
    }
    for (const operationId of opts.only) {
      if (opts.auth.step && !headers.Authorization && !headers.Cookie) {
        const { method, path } = requestFor(operationId, opts);
        results.push({ operationId, method, path, status: null, result: "error", violations: [], error: `not called: no token (${opts.auth.step} did not pass)` });
        continue;
      }
      results.push(await call(operationId, headers));
    }
  } finally {
    // A platform that never answers would hold close() open; the verdict is known by now.
    await Promise.race([server.close().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
  }
  return results;
}

async function verifyOperation(operationId, prismUrl, opts, statuses, headers) {
  const request = requestFor(operationId, opts);
  statuses.length = 0;
  const outcome = await fetch(prismUrl + request.path, {
    method: request.method,
    redirect: "manual",
    signal: AbortSignal.timeout(opts.timeout * 1000),
    headers: { ...headers, Accept: request.accept, ...(request.contentType === undefined ? {} : { "Content-Type": request.contentType }) },
    body: request.body,
  })
    // Read once the answer is complete: Prism has logged the platform's status by then.
    .then(async (response) => ({ response, text: await response.text() }))
    .then((answer) => ({ ...answer, upstreamStatus: statuses.at(-1) }), (error) => ({ error: error.name === "TimeoutError" ? `timed out after ${opts.timeout}s` : error.message }));
  return classify(operationId, request, outcome, opts);
}
