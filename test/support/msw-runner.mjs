// The MSW side of test/msw.test.ts, in a process of its own: msw 2's dependencies are ESM only,
// which jest's CommonJS cannot load. It serves the package's built handlers (dist/esm) with
// msw/node, sends each probe (MSW_PROBES, JSON) to them and to the Prism mock (PRISM_URL), and
// prints one JSON object: each probe's two answers, and the results of the in-process checks.
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";

const root = process.env.REPO_ROOT;
const { createHandlers } = await import(`${root}/dist/esm/src/msw.js`);
const { createOperationsManagerClient } = await import(`${root}/dist/esm/src/index.js`);
const { readRecordedExamples } = await import(`${root}/dist/esm/src/mock.js`);
const {
  probes,
  base,
  prism,
  rejectingPrism,
  taskId,
  jobId,
  taskKey,
  claimAnswer,
  recordings,
  recordingProbes,
  recordingPrism,
} = JSON.parse(process.env.MSW_PROBES);

const started = performance.now();
const server = setupServer(...createHandlers({ baseUrl: base }));
server.listen({ onUnhandledRequest: "bypass" });

async function answerOf(url, probe) {
  const sent = probe.pad === undefined ? probe.body : probe.body.replace("PAD", "a".repeat(probe.pad));
  const res = await fetch(url + probe.path, { method: probe.method ?? "POST", headers: probe.headers, body: sent });
  const text = await res.text();
  const type = (res.headers.get("content-type") ?? "").split(";")[0].trim();
  let body = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* a text answer (login's token) is compared as text */
  }
  return {
    status: res.status,
    type,
    body,
    cookie: res.headers.get("set-cookie"),
    authenticate: res.headers.get("www-authenticate"),
  };
}
const outcome = (promise) =>
  promise.then(
    (value) => ({ ok: true, value }),
    (e) => ({ ok: false, kind: e?.kind, status: e?.status, message: String(e?.message) }),
  );

const out = { pairs: {}, checks: {} };
// The first claim, timed from createHandlers.
const first = createOperationsManagerClient({ baseUrl: base, auth: { username: "u", password: "p" } });
out.checks.firstClaim = (await outcome(first.claimTask(taskId))).ok;
out.checks.firstClaimMs = performance.now() - started;

for (const probe of probes) out.pairs[probe.name] = await Promise.all([answerOf(base, probe), answerOf(prism, probe)]);

// The default scenario: handlers with example "rejected" against a Prism started with it.
server.use(...createHandlers({ baseUrl: base, example: "rejected" }));
for (const probe of probes.filter((p) => p.name.endsWith("(no Prefer)")))
  out.pairs[`example rejected: ${probe.name}`] = await Promise.all([
    answerOf(base, probe),
    answerOf(rejectingPrism, probe),
  ]);
server.resetHandlers();

// Recordings: read in Node by ./mock, served by the handlers, beside the Prism mock serving the same folder.
const examples = readRecordedExamples(recordings);
server.use(...createHandlers({ baseUrl: base, examples }));
for (const probe of recordingProbes)
  out.pairs[`recordings: ${probe.name}`] = await Promise.all([answerOf(base, probe), answerOf(recordingPrism, probe)]);
server.resetHandlers();
server.use(...createHandlers({ baseUrl: base, examples, example: "recorded-field" }));
out.checks.recordedDefault = (await first.claimTask(taskId)).name;
server.resetHandlers();

// The client's flows, with each way in.
out.checks.flows = {};
for (const [name, auth] of [
  ["OAuth", { clientId: "svc", clientSecret: "s" }],
  ["login", { username: "u", password: "p", method: "login" }],
  ["Basic", { username: "u", password: "p" }],
]) {
  const om = createOperationsManagerClient({ baseUrl: base, auth, validate: "throw" });
  const flow = await outcome(
    (async () => {
      const task = await om.claimTask(taskId);
      const again = await om.claimTask(task._id);
      const job = await om.finishManualTask(again.job._id, again.job.task, { taskData: { finish_state: "success" } });
      const rejected = await om.claimTask(task._id, { headers: { Prefer: "example=rejected" } });
      const rejectedJob = await om.finishManualTask(
        rejected.job._id,
        rejected.job.task,
        { taskData: { finish_state: "failure" } },
        { headers: { Prefer: "example=rejected" } },
      );
      return {
        chained: job._id === task.job._id,
        rejectedState: rejectedJob.tasks[rejected.job.task].metrics.finish_state,
      };
    })(),
  );
  const e500 = await outcome(om.claimTask(taskId, { headers: { Prefer: "code=500" } }));
  const e401 = await outcome(om.finishManualTask(jobId, taskKey, undefined, { headers: { Prefer: "code=401" } }));
  out.checks.flows[name] = { flow, e500: [e500.kind, e500.status], e401: [e401.kind, e401.status] };
}

// A login's Set-Cookie must not ride on later requests (MSW's process-wide cookie store).
await createOperationsManagerClient({
  baseUrl: base,
  auth: { username: "u", password: "p", method: "login" },
}).claimTask(taskId);
out.checks.afterLoginWithoutCredentials = (
  await fetch(`${base}/operations-manager/tasks/${taskId}/claim`, { method: "POST" })
).status;

// What Accept a request through MSW carries when the caller sets none.
server.use(http.post(`${base}/probe-accept`, ({ request }) => new Response(String(request.headers.get("accept")))));
out.checks.acceptSeen = await (await fetch(`${base}/probe-accept`, { method: "POST" })).text();
server.resetHandlers();

// A test's own answer for one operation, put first with server.use.
server.use(
  http.post(`${base}/operations-manager/tasks/:taskId/claim`, ({ params }) =>
    HttpResponse.json({ ...claimAnswer, data: { ...claimAnswer.data, _id: params.taskId, name: "overridden" } }),
  ),
);
out.checks.overridden = (await first.claimTask(taskId)).name;
server.resetHandlers();
out.checks.afterReset = (await first.claimTask(taskId)).name;

// A base URL with a path prefix.
server.use(...createHandlers({ baseUrl: `${base}/itential/` }));
out.checks.prefixed = (
  await outcome(
    createOperationsManagerClient({ baseUrl: `${base}/itential`, auth: { username: "u", password: "p" } }).claimTask(
      taskId,
    ),
  )
).ok;
server.resetHandlers();

// Options that are wrong.
const thrown = (f) => {
  try {
    f();
    return { name: "none" };
  } catch (e) {
    return { name: e.name, code: e.code, message: e.message };
  }
};
out.checks.badBaseUrls = [undefined, "", "om.test", 42].map(
  (baseUrl) => thrown(() => createHandlers({ baseUrl })).name,
);
out.checks.unknownDefault = thrown(() => createHandlers({ baseUrl: base, example: "aproved" }));

server.close();
process.stdout.write(JSON.stringify(out));
